"""The declaration's form: its shape only (the use case checks the reason)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField


class ConflictForm(FlaskForm):
    """« Déclarer un conflit d'intérêts »: what links the member to the subject."""

    reason = TextAreaField()
