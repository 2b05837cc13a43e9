"""The budget year's form: input shape only (:mod:`.services` decides). Amounts are typed
in euros (:class:`~inspir_events.aid.forms.EurosField`), the co-funding rate as a whole
percentage."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from inspir_events.aid.forms import EurosField
from inspir_events.aid.names import REGION_NAMES, SECTION_NAMES
from inspir_events.aid.years.models import VOTE_REFERENCE_MAX
from inspir_events.aid.years.services import (
    ENVELOPE_KEYS,
    YEAR_MAX,
    YEAR_MIN,
    envelope_field,
)

AMOUNT_HELP = _l("In euros, e.g. 12 500 or 12 500,50.")


class YearForm(FlaskForm):
    """A budget year's rules; ``envelope_<region>_<section>`` fields are added per envelope."""

    year = IntegerField(_l("Budget year"), validators=[
        InputRequired(_l("Give the budget year.")),
        NumberRange(min=YEAR_MIN, max=YEAR_MAX,
                    message=_l("Give a budget year between %(min)s and %(max)s.",
                               min=YEAR_MIN, max=YEAR_MAX))])
    cofunding_rate = IntegerField(
        _l("Co-funding rate (%)"), validators=[
            InputRequired(_l("Give the co-funding rate.")),
            NumberRange(min=1, max=100,
                        message=_l("The co-funding rate is a percentage between 1 and 100."))],
        description=_l("The Region pays at most this share of a third-party event's cost "
                       "(50 in 2016)."))
    cofunding_cap = EurosField(_l("Co-funding cap per event (euros)"), blank_is_zero=False,
                               description=AMOUNT_HELP)
    operating_cap = EurosField(_l("Operating grant cap per project (euros)"),
                               blank_is_zero=False, description=AMOUNT_HELP)
    investment_cap = EurosField(_l("Investment grant cap per project (euros)"),
                                blank_is_zero=False, description=AMOUNT_HELP)
    structure_cap = EurosField(_l("Support structure cap per project (euros)"),
                               blank_is_zero=False, description=AMOUNT_HELP)
    vote_reference = StringField(
        _l("Reference of the vote"), validators=[
            DataRequired(_l("Give the reference of the vote that set these rules.")),
            Length(max=VOTE_REFERENCE_MAX,
                   message=_l("At most %(max)d characters.", max=VOTE_REFERENCE_MAX))],
        description=_l("E.g. « Délibération n° 2027.0123 de la commission permanente »."))
    vote_date = DateField(_l("Date of the vote"), validators=[
        InputRequired(_l("Give the date of the vote."))])


for _region, _section in ENVELOPE_KEYS:
    setattr(YearForm, envelope_field(_region, _section), EurosField(
        _l("Envelope %(section)s, %(region)s (euros)", section=SECTION_NAMES[_section],
           region=REGION_NAMES[_region]), blank_is_zero=False, description=AMOUNT_HELP))
