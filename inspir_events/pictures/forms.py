"""The picture's form: the file and its alternative text (shape only; the bytes are
judged by inspir_events/uploads/images.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField

from inspir_events.uploads import rules


class PictureForm(FlaskForm):
    image = FileField(_l("Picture (JPEG, PNG or WebP, at most %(size)s MB)",
                         size=rules.megabytes(rules.IMAGE_MAX_BYTES)))
    alt = StringField(_l("Description for people who cannot see it (alternative text)"),
                      render_kw={"maxlength": rules.ALT_MAX})
