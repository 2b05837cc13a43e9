"""Form pieces shared by the money side's forms: the euros field, a refusal's message."""

from __future__ import annotations

from flask_babel import gettext
from wtforms import StringField
from wtforms.validators import ValidationError

from inspir_events.aid import euros


class EurosField(StringField):
    """An amount typed in euros ("12 500,50"), read exactly by :func:`euros.parse_euros`;
    ``cents`` holds it in integer cents once validated.

    Left empty it is 0 when ``blank_is_zero`` (the default), otherwise an error.
    """

    cents: int | None = None

    def __init__(self, label=None, validators=None, *, blank_is_zero: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.blank_is_zero = blank_is_zero

    def pre_validate(self, form):
        self.cents = None
        text = (self.data or "").strip()
        if not text and self.blank_is_zero:
            self.cents = 0
            return
        try:
            self.cents = euros.parse_euros(text)
        except euros.AmountError as exc:
            raise ValidationError(gettext(exc.message)) from None


def refusal_message(form, error) -> str | None:
    """A refusal's message for the top of ``form``'s page: None when the error boundary put
    it next to one of the form's fields (:func:`inspir_events.errors.on_refusal`)."""
    return None if error.field and error.field in form else error.message
