"""The follow button's form: whether to follow (1) or stop (0)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf


class FollowForm(FlaskForm):
    following = HiddenField(validators=[AnyOf(["0", "1"])])
