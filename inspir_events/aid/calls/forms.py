"""Calls for projects' forms: input shape only (the use cases in services.py,
applying.py and decisions.py decide meaning). Dates are typed in Paris time; amounts in
euros, read exactly into cents (:class:`~inspir_events.aid.forms.EurosField`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from inspir_events.accounts.forms import MultiCheckboxField
from inspir_events.aid import rules as money_rules
from inspir_events.aid.calls import rules
from inspir_events.aid.calls.applying import DESCRIPTION_MAX, LINES_MAX
from inspir_events.aid.calls.decisions import NOTE_MAX
from inspir_events.aid.calls.models import TEXT_MAX, TITLE_MAX
from inspir_events.aid.forms import EurosField
from inspir_events.aid.jury.rules import CRITERION_NAMES
from inspir_events.aid.names import SECTION_NAMES
from inspir_events.database import coerce_id
from inspir_events.reference import choices

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
AMOUNT_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "class": "amount"}
EMPTY_LINES = 3
CALL_STATUS_LABELS = {status: _l(name) for status, name in rules.CALL_STATUS_NAMES.items()}
KIND_LABELS = {kind: _l(name) for kind, name in rules.KIND_NAMES.items()}
APPLICATION_STATUS_LABELS = {status: _l(name)
                             for status, name in rules.APPLICATION_STATUS_NAMES.items()}
CRITERION_LABELS = {code: _l(name) for code, name in CRITERION_NAMES.items()}


class CallForm(FlaskForm):
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Give the call a title.")), Length(max=TITLE_MAX)])
    text = TextAreaField(_l("Text of the call"), validators=[Length(max=TEXT_MAX)],
                         description=_l("What the call is for, who may apply, how the jury "
                                        "judges. Markdown is accepted."),
                         render_kw={"rows": 8})
    year = SelectField(_l("Budget year"), coerce=coerce_id, validate_choice=False,
                       validators=[DataRequired(_l("Choose the budget year."))])
    opens_at = DateTimeLocalField(_l("Opens (Paris time)"), format=DATETIME_FORMAT,
                                  validators=[DataRequired(_l("Enter a date and time."))])
    closes_at = DateTimeLocalField(_l("Closes (Paris time)"), format=DATETIME_FORMAT,
                                   validators=[DataRequired(_l("Enter a date and time."))])
    allows_experimentation = BooleanField(_l("Projects' teams may ask for the "
                                             "experimentation grant"), default=True)
    allows_structure = BooleanField(_l("Support structures may ask for their grant"),
                                    default=True)
    themes = MultiCheckboxField(_l("Themes"), validate_choice=False)
    departments = MultiCheckboxField(_l("Territories"), validate_choice=False)
    envelopes = MultiCheckboxField(_l("Envelopes its grants draw on"), coerce=coerce_id,
                                   validate_choice=False)
    criteria = MultiCheckboxField(
        _l("The jury's criteria (none ticked: all of them)"), validate_choice=False,
        choices=[SelectChoice(code, label) for code, label in CRITERION_LABELS.items()])


class LineForm(Form):
    label = StringField(_l("Expense"))
    amount = EurosField(_l("Amount (€)"), render_kw=AMOUNT_ATTRS)
    section = SelectField(_l("Section"), choices=choices.from_labels(SECTION_NAMES),
                          default=money_rules.Section.OPERATING.value, validate_choice=False)


class ApplicationForm(FlaskForm):
    description = TextAreaField(
        _l("What the grant would pay for"), validators=[Length(max=DESCRIPTION_MAX)],
        description=_l("The experiment or the support, for whom, with whom. Markdown is "
                       "accepted."), render_kw={"rows": 8})
    links = TextAreaField(_l("Links (one per line)"), render_kw={"rows": 3},
                          description=_l("The project's repository, documentation, "
                                         "budget..."))
    beneficiary_name = StringField(_l("Beneficiary (the organisation receiving the aid)"))
    beneficiary_id = StringField(_l("SIRET or RNA number"), description=_l(
        "A SIRET has 14 digits; an association's RNA number is W followed by 9 digits."))
    operating = EurosField(_l("Operating asked (€)"), render_kw=AMOUNT_ATTRS)
    investment = EurosField(_l("Investment asked (€)"), render_kw=AMOUNT_ATTRS)
    structure = EurosField(_l("Support structure grant asked (€)"), render_kw=AMOUNT_ATTRS)
    expenses = FieldList(FormField(LineForm), max_entries=LINES_MAX)

    def add_empty_rows(self) -> None:
        """A few empty rows under the typed ones (the no-JavaScript "add lines")."""
        for _row in range(EMPTY_LINES):
            self.expenses.append_entry()

    def lines(self) -> list[rules.Line]:
        """The lines typed (a row without label nor amount is ignored)."""
        found = []
        for entry in self.expenses:
            row = entry.form
            if not (row.label.data or "").strip() and not row.amount.cents:
                continue
            section = row.section.data
            if section not in money_rules.Section._value2member_map_:
                section = money_rules.Section.OPERATING.value
            found.append(rules.Line((row.label.data or "").strip(), row.amount.cents or 0,
                                    money_rules.Section(section)))
        return found


class GrantForm(FlaskForm):
    """The committee's grant: the amounts of :class:`ExperimentationGrantForm` or
    :class:`StructureGrantForm`, with a note."""

    grant_note = TextAreaField(_l("Note to the applicant (optional)"),
                               validators=[Length(max=NOTE_MAX)], render_kw={"rows": 2})


class ExperimentationGrantForm(GrantForm):
    operating = EurosField(_l("Operating (€)"), render_kw=AMOUNT_ATTRS)
    operating_envelope = SelectField(_l("Operating envelope"), coerce=coerce_id,
                                     validate_choice=False, validators=[Optional()])
    investment = EurosField(_l("Investment (€)"), render_kw=AMOUNT_ATTRS)
    investment_envelope = SelectField(_l("Investment envelope"), coerce=coerce_id,
                                      validate_choice=False, validators=[Optional()])


class StructureGrantForm(GrantForm):
    structure = EurosField(_l("Support structure (€)"), render_kw=AMOUNT_ATTRS)
    structure_envelope = SelectField(_l("Support structure envelope"), coerce=coerce_id,
                                     validate_choice=False, validators=[Optional()])


GRANT_FORMS = {rules.Kind.EXPERIMENTATION: ExperimentationGrantForm,
               rules.Kind.STRUCTURE: StructureGrantForm}


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the refusal"), validators=[
        DataRequired(_l("Give the reason for the refusal.")), Length(max=NOTE_MAX)],
        render_kw={"rows": 3})


class ChangesForm(FlaskForm):
    note = TextAreaField(_l("Changes asked"), validators=[
        DataRequired(_l("Say what should change.")), Length(max=NOTE_MAX)],
        render_kw={"rows": 3})
