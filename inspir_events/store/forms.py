"""Store forms: « Je veux le reproduire » (a short message for the project's team)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from inspir_events.store.rules import MESSAGE_MAX


class ReproduceForm(FlaskForm):
    message = TextAreaField(
        _l("Your message to the project's team"),
        validators=[DataRequired(_l("Write a short message for the project's team.")),
                    Length(max=MESSAGE_MAX,
                           message=_l("At most %(max)d characters.", max=MESSAGE_MAX))],
        description=_l("Who you are, where you would reproduce it, what you would need "
                       "(at most %(max)d characters).", max=MESSAGE_MAX),
        render_kw={"rows": 4, "maxlength": MESSAGE_MAX},
    )
