"""Co-funding forms: the organiser's application (lines as FieldLists) and the decisions.

Input shape only: the application's amounts, identifier and lines are read and
checked by :func:`.reading.read` (every problem at once, next to its line);
a decision's amounts are euros read with :func:`euros.parse_euros`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from inspir_events.aid import rules
from inspir_events.aid.cofunding.decisions import NOTE_MAX
from inspir_events.aid.cofunding.models import FileKind, RevenueKind
from inspir_events.aid.cofunding.reading import (
    LINES_MAX,
    PURPOSE_MAX,
    ApplicationInput,
    DocumentInput,
    ExpenseInput,
    RevenueInput,
)
from inspir_events.aid.forms import EurosField
from inspir_events.aid.names import SECTION_NAMES
from inspir_events.database import coerce_id
from inspir_events.reference import choices

REVENUE_LABELS = {
    RevenueKind.CO_FUNDER: _l("Another co-funder"),
    RevenueKind.OWN_FUNDS: _l("Own funds"),
    RevenueKind.RECEIPTS: _l("Tickets and other receipts"),
}
EMPTY_ROWS = {"expenses": 3, "revenues": 3, "documents": 2}
AMOUNT_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "class": "amount"}


class ExpenseLineForm(Form):
    label = StringField(_l("Expense"))
    amount = StringField(_l("Amount (€)"), render_kw=AMOUNT_ATTRS)
    section = SelectField(_l("Section"), choices=choices.from_labels(SECTION_NAMES),
                          default=rules.Section.OPERATING.value, validate_choice=False)


class RevenueLineForm(Form):
    kind = SelectField(_l("Kind"), choices=choices.from_labels(REVENUE_LABELS),
                       validate_choice=False)
    label = StringField(_l("Co-funder or description"))
    amount = StringField(_l("Amount (€)"), render_kw=AMOUNT_ATTRS)
    confirmed = BooleanField(_l("Confirmed"))


class DocumentForm(Form):
    title = StringField(_l("Title"))
    url = URLField(_l("Link (http or https)"))


class ApplicationForm(FlaskForm):
    beneficiary_name = StringField(_l("Beneficiary (the organisation receiving the aid)"))
    beneficiary_identifier = StringField(
        _l("SIRET or RNA number"),
        description=_l("A SIRET has 14 digits; an association's RNA number is W followed by "
                       "9 digits. One of them is required to submit."))
    purpose = StringField(_l("Purpose of the aid"), render_kw={"maxlength": PURPOSE_MAX},
                          description=_l("One sentence, published with the granted aid "
                                         "(fewer than 256 characters)."))
    region_share = StringField(_l("Region share asked (€)"), render_kw=AMOUNT_ATTRS)
    expenses = FieldList(FormField(ExpenseLineForm), max_entries=LINES_MAX)
    revenues = FieldList(FormField(RevenueLineForm), max_entries=LINES_MAX)
    documents = FieldList(FormField(DocumentForm), max_entries=LINES_MAX)

    def add_empty_rows(self) -> None:
        """A few empty rows under the typed ones (the no-JavaScript "add lines")."""
        for name, count in EMPTY_ROWS.items():
            for _row in range(count):
                self[name].append_entry()

    def to_input(self) -> ApplicationInput:
        return ApplicationInput(
            beneficiary_name=self.beneficiary_name.data or "",
            beneficiary_identifier=self.beneficiary_identifier.data or "",
            purpose=self.purpose.data or "", region_share=self.region_share.data or "",
            expenses=[ExpenseInput(e.label.data or "", e.amount.data or "",
                                   e.section.data or "") for e in self._rows("expenses")],
            revenues=[RevenueInput(r.kind.data or "", r.label.data or "",
                                   r.amount.data or "", bool(r.confirmed.data))
                      for r in self._rows("revenues")],
            documents=[DocumentInput(d.title.data or "", d.url.data or "")
                       for d in self._rows("documents")])

    def _rows(self, name: str) -> list[Form]:
        return [entry.form for entry in self[name]]


class GrantForm(FlaskForm):
    investment = EurosField(_l("Investment (€)"), render_kw=AMOUNT_ATTRS)
    investment_envelope = SelectField(_l("Investment envelope"), coerce=coerce_id,
                                      validate_choice=False)
    operating = EurosField(_l("Operating (€)"), render_kw=AMOUNT_ATTRS)
    operating_envelope = SelectField(_l("Operating envelope"), coerce=coerce_id,
                                     validate_choice=False)
    grant_note = TextAreaField(_l("Note to the organiser (optional)"),
                         validators=[Length(max=NOTE_MAX)], render_kw={"rows": 2})


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the refusal"), validators=[
        DataRequired(_l("Give the reason for the refusal.")), Length(max=NOTE_MAX)],
        render_kw={"rows": 3})


class ChangesForm(FlaskForm):
    note = TextAreaField(_l("Changes asked"), validators=[
        DataRequired(_l("Say what should change.")), Length(max=NOTE_MAX)],
        render_kw={"rows": 3})


class EntrustForm(FlaskForm):
    """The Region's committee entrusts the application to a delegated envelope."""

    envelope = SelectField(_l("Delegated envelope"), coerce=int, validate_choice=False,
                           validators=[DataRequired(_l("Choose a delegated envelope."))])


YEAR_MESSAGE = _l("A budget year from %(min)d to %(max)d.", min=2016, max=2100)


class SessionForm(FlaskForm):
    """A session of co-funding applications (the committee's meeting)."""

    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Give the session a title.")), Length(max=150)])
    year = IntegerField(_l("Budget year"), validators=[
        InputRequired(YEAR_MESSAGE), NumberRange(min=2016, max=2100, message=YEAR_MESSAGE)])
    meeting_on = DateField(_l("Date of the committee's meeting"), validators=[
        InputRequired(_l("Give the date of the committee's meeting."))])


class SessionApplicationForm(FlaskForm):
    """An application put in a session."""

    application = SelectField(_l("Application"), coerce=coerce_id, validate_choice=False,
                              validators=[DataRequired(_l("Choose an application."))])
FILE_KIND_LABELS = {
    FileKind.BUDGET: _l("Detailed budget"),
    FileKind.STATUTES: _l("Statutes"),
    FileKind.BANK_DETAILS: _l("Bank details (RIB)"),
}


class FileForm(FlaskForm):
    """A PDF document sent with the application (its bytes are judged by the use case)."""

    kind = SelectField(_l("Document"), choices=choices.from_labels(FILE_KIND_LABELS),
                       validators=[DataRequired()])
    file = FileField(_l("PDF file (at most 10 MB)"))
