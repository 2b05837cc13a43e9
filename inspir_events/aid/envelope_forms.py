"""Delegated envelopes' forms: input shape only (envelopes.delegate and aid/delegation.py decide).

Amounts are typed in euros (a comma or a point, up to two decimals) and read
exactly into cents by :func:`inspir_events.aid.rules.parse_euros`.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from inspir_events.aid import rules
from inspir_events.aid.envelopes import HOLDER_NAME_MAX
from inspir_events.aid.models import Envelope
from inspir_events.i18n import format_cents

REGION_LABELS = {
    rules.FormerRegion.NPDC: _l("Nord-Pas-de-Calais"),
    rules.FormerRegion.PICARDIE: _l("Picardie"),
}
SECTION_LABELS = {
    rules.Section.INVESTMENT: _l("investment"),
    rules.Section.OPERATING: _l("operating"),
}
REASON_MAX = 1000


class EurosAmountField(StringField):
    """An amount in euros; ``cents`` holds it in integer cents once validated."""

    cents: int | None = None

    def pre_validate(self, form):
        self.cents = None
        try:
            self.cents = rules.parse_euros(self.data or "")
        except rules.AmountError as exc:
            raise ValidationError(gettext(exc.message)) from None


def envelope_choices(envelopes: list[Envelope]) -> list[SelectChoice]:
    """One choice per top-level envelope, with what remains on it."""
    return [SelectChoice(e.id, gettext("%(region)s · %(section)s (%(remaining)s left)",
                                       region=REGION_LABELS[e.former_region],
                                       section=SECTION_LABELS[e.section],
                                       remaining=format_cents(e.remaining_cents)))
            for e in envelopes]


class DelegationForm(FlaskForm):
    envelope = SelectField(_l("Envelope"), coerce=int, validate_choice=False,
                           validators=[DataRequired(_l("Choose the envelope."))])
    holder_name = StringField(
        _l("Territory or digital venue"),
        validators=[DataRequired(_l("Name the territory or digital venue.")),
                    Length(max=HOLDER_NAME_MAX, message=_l("At most %(max)d characters.",
                                                           max=HOLDER_NAME_MAX))],
        description=_l("Who receives the delegated envelope, e.g. a tiers-lieu or an "
                       "intercommunality."))
    amount = EurosAmountField(
        _l("Amount delegated (euros)"),
        description=_l("In euros, e.g. 20 000 or 20 000,50. At most what remains on the "
                       "envelope."))
    reason = TextAreaField(_l("Reason (optional)"), validators=[
        Optional(), Length(max=REASON_MAX, message=_l("At most %(max)d characters.",
                                                       max=REASON_MAX))],
        render_kw={"rows": 3})


class MemberForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the decider's account"),
        validators=[DataRequired(_l("Enter the e-mail address of the person's account.")),
                    Length(max=254)],
        description=_l("The person must have an account on the platform."))


class RemoveMemberForm(FlaskForm):
    """Only the CSRF token: the envelope and the person are in the URL."""
