"""The follow-up's pages (thin views): the aid I receive or follow up, an aid's page
(schedule, report, payments), the final report's form; each decision posts a form.

A refusal goes through the error boundary (:func:`inspir_events.errors.on_refusal`): the
page again with the message next to its field and what was typed kept.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events.aid.blueprint import bp
from inspir_events.aid.cofunding.forms import REVENUE_LABELS
from inspir_events.aid.envelopes.names import envelope_name
from inspir_events.aid.followup import queries, services
from inspir_events.aid.followup.forms import (
    PART_LABELS,
    ChangesForm,
    PaymentForm,
    ReportForm,
    ScheduleForm,
)
from inspir_events.aid.followup.models import ReportStatus
from inspir_events.aid.forms import refusal_message
from inspir_events.aid.models import PaymentPart
from inspir_events.aid.names import SECTION_NAMES
from inspir_events.aid.years import services as years
from inspir_events.errors import on_refusal
from inspir_events.recusal import services as recusal


def _labels() -> dict:
    return {"section_labels": SECTION_NAMES, "revenue_labels": REVENUE_LABELS,
            "part_labels": PART_LABELS, "envelope_name": envelope_name,
            "report_status_names": {
                ReportStatus.DRAFT: _("Draft"),
                ReportStatus.SUBMITTED: _("Awaiting the committee"),
                ReportStatus.CHANGES_REQUESTED: _("Changes asked by the committee"),
                ReportStatus.ACCEPTED: _("Accepted")}}


@bp.get("/aid/followup")
@login_required
def followups():
    """The aid I receive (final reports to file), and for the committee every aid to
    follow up (a delegated envelope's decider: the aid granted from it)."""
    managed = queries.managed(current_user) if queries.manages_some(current_user) else []
    return render_template("aid/followup/list.html", mine=queries.mine(current_user),
                           managed=managed, **_labels())


def _schedule_form(aid) -> ScheduleForm:
    followup = aid.followup
    if followup is not None and followup.advance_percent is not None:
        return ScheduleForm(advance_percent=followup.advance_percent,
                            advance_on=followup.advance_on, balance_on=followup.balance_on)
    # By default half the aid is advanced now; the balance's date is the committee's.
    return ScheduleForm(advance_percent=50, advance_on=years.today())


def _page(grant_id: int, *, error=None, status: int = 200, **given):
    aid = services.for_viewer(current_user, grant_id)
    manages = queries.can_manage(current_user, aid)
    recused = recusal.refusal(current_user, *queries.recusal_subject(aid)) if manages else None
    part = PaymentPart.BALANCE if aid.final_cents is not None else PaymentPart.ADVANCE
    payable = sum(aid.payable(part))
    payment_form = given.pop("payment_form", None) or PaymentForm(
        part=part.value, amount=f"{payable // 100},{payable % 100:02d}" if payable else "")
    return render_template(
        "aid/followup/detail.html", aid=aid, manages=manages and not recused, recused=recused,
        beneficiary=queries.is_beneficiary(current_user, aid), error=error,
        schedule_form=given.get("schedule_form") or _schedule_form(aid),
        changes_form=given.get("changes_form") or ChangesForm(), accept_form=FlaskForm(),
        payment_form=payment_form, **_labels()), status


@bp.get("/aid/followup/<int:grant_id>")
@login_required
def followup(grant_id: int):
    """An aid's follow-up: its grant rows, schedule, final report, payments and balance."""
    return _page(grant_id)


def _refused(grant_id: int, form_name: str, form) -> None:
    on_refusal(page=lambda error: _page(grant_id, error=refusal_message(form, error),
                                        **{form_name: form})[0], form=form)


def _manager_only(grant_id: int):
    aid = services.for_viewer(current_user, grant_id)
    if not queries.can_manage(current_user, aid):
        abort(403)
    return aid


@bp.post("/aid/followup/<int:grant_id>/schedule")
@login_required
def followup_schedule(grant_id: int):
    _manager_only(grant_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        return _page(grant_id, schedule_form=form, status=422)
    _refused(grant_id, "schedule_form", form)
    services.schedule(current_user, grant_id, services.ScheduleInput(
        form.advance_percent.data, form.advance_on.data, form.balance_on.data))
    flash(_("The payment schedule is saved."), "success")
    return redirect(url_for("aid.followup", grant_id=grant_id), 303)


@bp.post("/aid/followup/<int:grant_id>/payments")
@login_required
def followup_payment(grant_id: int):
    _manager_only(grant_id)
    form = PaymentForm()
    if not form.validate_on_submit():
        return _page(grant_id, payment_form=form, status=422)
    _refused(grant_id, "payment_form", form)
    services.record_payment(current_user, grant_id, services.PaymentInput(
        PaymentPart(form.part.data), form.amount.cents, form.paid_on.data))
    flash(_("The payment is recorded."), "success")
    return redirect(url_for("aid.followup", grant_id=grant_id), 303)


@bp.post("/aid/followup/<int:grant_id>/report/accept")
@login_required
def followup_accept(grant_id: int):
    _manager_only(grant_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("aid.followup", grant_id=grant_id))
    services.accept_report(current_user, grant_id)
    flash(_("The final report is accepted: the balance is recomputed."), "success")
    return redirect(url_for("aid.followup", grant_id=grant_id), 303)


@bp.post("/aid/followup/<int:grant_id>/report/changes")
@login_required
def followup_changes(grant_id: int):
    _manager_only(grant_id)
    form = ChangesForm()
    if not form.validate_on_submit():
        return _page(grant_id, changes_form=form, status=422)
    _refused(grant_id, "changes_form", form)
    services.ask_report_changes(current_user, grant_id, form.note.data)
    flash(_("The final report is sent back to the beneficiary for changes."), "success")
    return redirect(url_for("aid.followup", grant_id=grant_id), 303)


# ---- the final report (the beneficiary) ------------------------------------------------------

def _report_data(report) -> dict:
    def euros(cents: int) -> str:
        return f"{cents // 100},{cents % 100:02d}"

    return {"narrative": report.narrative,
            "expenses": [{"label": line.label, "amount": euros(line.amount_cents),
                          "section": line.section.value} for line in report.expense_lines],
            "revenues": [{"kind": line.kind.value, "label": line.label,
                          "amount": euros(line.amount_cents)} for line in report.revenue_lines],
            "links": [{"title": link.title, "url": link.url} for link in report.links]}


def _show_problems(form: ReportForm, problems) -> list[tuple[str, str]]:
    summary = []
    for problem in problems:
        where, target = problem.field, None
        if isinstance(where, tuple):
            name, index, sub = where
            if index < len(form[name].entries):
                target = form[name].entries[index].form[sub]
            anchor = f"{name}-{index}-{sub}"
        else:
            target = form[where] if where in form and where not in (
                "expenses", "revenues", "links") else None
            anchor = where
        if target is not None:
            target.errors = [*target.errors, problem.message]
        summary.append((anchor, problem.message))
    return summary


def _report_page(aid, form, problems=(), status: int = 200, error=None):
    summary = _show_problems(form, problems) if form is not None else []
    return render_template(
        "aid/followup/report.html", aid=aid, form=form, summary=summary, error=error,
        expenses_problems=[p.message for p in problems if p.field == "expenses"],
        **_labels()), status


@bp.route("/aid/followup/<int:grant_id>/report", methods=["GET", "POST"])
@login_required
def followup_report(grant_id: int):
    """The beneficiary's final report: actual expenses and revenues, a narrative, links;
    saved as a draft, then sent to the committee."""
    aid = services.for_viewer(current_user, grant_id)
    if not queries.is_beneficiary(current_user, aid):
        abort(403)
    report = aid.report
    editable = report is None or report.status in services.EDITABLE
    if request.method == "GET":
        form = None
        if editable:
            form = ReportForm(data=_report_data(report)) if report is not None else ReportForm()
            form.add_empty_rows()
        return _report_page(aid, form)
    if not editable:
        flash(_("The report is with the committee or accepted: it can no longer be changed."),
              "error")
        return redirect(url_for("aid.followup", grant_id=grant_id), 303)
    form = ReportForm()
    action = request.form.get("action", "save")
    if action not in ("save", "submit", "add_lines") or not form.validate_on_submit():
        return _report_page(aid, form, status=422)
    if action == "add_lines":
        form.add_empty_rows()
        return _report_page(aid, form)
    on_refusal(page=lambda error: _report_page(
        aid, form, getattr(error, "problems", None) or [],
        error=None if getattr(error, "problems", None) else error.message)[0])
    services.save_report(current_user, grant_id, form.to_input(), submit=action == "submit")
    flash(_("Your final report is sent to the committee.") if action == "submit"
          else _("The draft is saved."), "success")
    return redirect(url_for("aid.followup", grant_id=grant_id), 303)
