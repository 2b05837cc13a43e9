"""The follow-up's forms (input shape only): the schedule, the final report (lines as
FieldLists, as a co-funding application has them), the committee's answer, a payment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, FormField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from inspir_events.aid.cofunding.forms import (
    AMOUNT_ATTRS,
    DocumentForm,
    ExpenseLineForm,
    RevenueLineForm,
)
from inspir_events.aid.cofunding.reading import (
    LINES_MAX,
    DocumentInput,
    ExpenseInput,
    RevenueInput,
)
from inspir_events.aid.followup.reading import NARRATIVE_MAX, ReportInput
from inspir_events.aid.followup.services import NOTE_MAX
from inspir_events.aid.forms import EurosField
from inspir_events.aid.models import PaymentPart
from inspir_events.reference import choices

PART_LABELS = {PaymentPart.ADVANCE: _l("Advance"), PaymentPart.BALANCE: _l("Balance")}
EMPTY_ROWS = {"expenses": 3, "revenues": 2, "links": 2}


class ScheduleForm(FlaskForm):
    advance_percent = IntegerField(
        _l("Advance, in percent of the amount granted"),
        validators=[InputRequired(_l("Give the advance's share (0 for a single payment).")),
                    NumberRange(0, 100, _l("The advance is a share between 0 and 100 %%."))],
        description=_l("Paid at the start; the balance follows the final report. 0: a "
                       "single payment after the final report."))
    advance_on = DateField(_l("Planned date of the advance"), validators=[Optional()])
    balance_on = DateField(_l("Planned date of the balance"),
                           validators=[InputRequired(_l("Give the planned date of the "
                                                        "balance."))])


class ReportForm(FlaskForm):
    narrative = TextAreaField(
        _l("What was done with the aid"), validators=[Length(max=NARRATIVE_MAX)],
        render_kw={"rows": 8},
        description=_l("The narrative of the final report (Markdown): what happened, for "
                       "whom, what was learnt."))
    expenses = FieldList(FormField(ExpenseLineForm), max_entries=LINES_MAX)
    revenues = FieldList(FormField(RevenueLineForm), max_entries=LINES_MAX)
    links = FieldList(FormField(DocumentForm), max_entries=LINES_MAX)

    def add_empty_rows(self) -> None:
        for name, count in EMPTY_ROWS.items():
            for _row in range(count):
                self[name].append_entry()

    def to_input(self) -> ReportInput:
        return ReportInput(
            narrative=self.narrative.data or "",
            expenses=[ExpenseInput(e.form.label.data or "", e.form.amount.data or "",
                                   e.form.section.data or "") for e in self.expenses],
            revenues=[RevenueInput(r.form.kind.data or "", r.form.label.data or "",
                                   r.form.amount.data or "") for r in self.revenues],
            links=[DocumentInput(d.form.title.data or "", d.form.url.data or "")
                   for d in self.links])


class ChangesForm(FlaskForm):
    note = TextAreaField(_l("Changes asked"), validators=[
        DataRequired(_l("Say what should change.")), Length(max=NOTE_MAX)],
        render_kw={"rows": 3})


class PaymentForm(FlaskForm):
    part = SelectField(_l("Part"), choices=choices.from_labels(PART_LABELS),
                       validators=[DataRequired()])
    amount = EurosField(_l("Amount paid (€)"), render_kw=AMOUNT_ATTRS, blank_is_zero=False)
    paid_on = DateField(_l("Date of the payment"),
                        validators=[InputRequired(_l("Give the date of the payment."))])
