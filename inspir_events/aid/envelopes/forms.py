"""Delegated envelopes' forms: input shape only (services.delegate and
delegation.py decide).

Amounts are typed in euros (a comma or a point, up to two decimals) and read
exactly into cents by :func:`inspir_events.aid.euros.parse_euros`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from inspir_events.aid.envelopes.services import HOLDER_NAME_MAX
from inspir_events.aid.forms import EurosField
from inspir_events.database import coerce_id

REASON_MAX = 1000


class DelegationForm(FlaskForm):
    envelope = SelectField(_l("Envelope"), coerce=coerce_id, validate_choice=False,
                           validators=[DataRequired(_l("Choose the envelope."))])
    holder_name = StringField(
        _l("Territory or digital venue"),
        validators=[DataRequired(_l("Name the territory or digital venue.")),
                    Length(max=HOLDER_NAME_MAX, message=_l("At most %(max)d characters.",
                                                           max=HOLDER_NAME_MAX))],
        description=_l("Who receives the delegated envelope, e.g. a tiers-lieu or an "
                       "intercommunality."))
    amount = EurosField(
        _l("Amount delegated (euros)"), blank_is_zero=False,
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
