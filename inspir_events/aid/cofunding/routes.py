"""Co-funding applications: the organiser's form and the committee's queue (thin views).

A refusal goes through the error boundary (:func:`inspir_events.errors.on_refusal`): an
application that cannot be sent shows every problem next to its line, what was typed kept.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events.accounts.permissions import verified_required
from inspir_events.aid import rules
from inspir_events.aid.blueprint import bp
from inspir_events.aid.cofunding import decisions, documents, entrusting, sessions
from inspir_events.aid.cofunding import services as applications
from inspir_events.aid.cofunding.forms import (
    FILE_KIND_LABELS,
    REVENUE_LABELS,
    ApplicationForm,
    ChangesForm,
    EntrustForm,
    FileForm,
    GrantForm,
    RefuseForm,
)
from inspir_events.aid.cofunding.reading import ApplicationInput, Problem, violation_message
from inspir_events.aid.envelopes.names import envelope_choices
from inspir_events.aid.names import SECTION_NAMES
from inspir_events.aid.years import services as years
from inspir_events.errors import on_refusal
from inspir_events.labels import services as labels
from inspir_events.labels.charter import SubjectType

ACTIONS = ("save", "check", "submit", "add_lines")
FORM_ID = "cofunding-form"  # the form's id in the page: a summary's link to it


# ---- the organiser -------------------------------------------------------------------

def _field_id(where) -> str:
    return "-".join(map(str, where)) if isinstance(where, tuple) else where


def _show_problems(form: ApplicationForm, problems) -> list[tuple[str, str]]:
    """Put each problem next to its field; returns (anchor, message) for the summary."""
    summary = []
    for problem in problems:
        where = problem.field
        target = None
        if isinstance(where, tuple):
            name, index, sub = where
            if index < len(form[name].entries):
                target = form[name].entries[index].form[sub]
        elif where in form and where not in ("expenses", "revenues", "documents"):
            target = form[where]
        if target is not None:
            target.errors = [*target.errors, problem.message]
        summary.append((_field_id(where), problem.message))
    return summary


def _totals(application, reading) -> dict | None:
    source = reading if reading is not None and reading.region_share_cents is not None \
        else application
    if source is None:
        return None
    return {"total_cost": source.total_cost_cents, "region_share": source.region_share_cents,
            "other_revenues": source.other_revenues_cents}


def _organiser_page(event, application, form, *, reading=None, problems=(), file_form=None):
    summary = _show_problems(form, problems) if form is not None else []
    return render_template(
        "aid/applications/form.html", event=event, application=application, form=form,
        reading=reading, summary=summary, totals=_totals(application, reading),
        totals_problems=[p.message for p in problems if p.field == "totals"],
        expenses_problems=[p.message for p in problems if p.field == "expenses"],
        grants=applications.grants_of(application), year=applications.budget_year(event),
        policy=years.policy_or_none(applications.budget_year(event)),
        region_led=event.run_by.value == "region", revenue_labels=REVENUE_LABELS,
        section_labels=SECTION_NAMES, files=documents.files_of(application),
        file_form=file_form or FileForm(), file_labels=FILE_KIND_LABELS,
        remove_file_form=FlaskForm(),
        editable=application is None or application.status in applications.EDITABLE)


def _cannot_apply(event_id: int, error) -> str:
    """Why this event cannot ask for co-funding (not third-party, not labelled...)."""
    return render_template("aid/applications/refused.html", event_id=event_id,
                           message=error.message, code=error.code)


def _problems(error) -> list[Problem]:
    """An application that cannot be sent: each problem next to its line; any other refusal
    above the form (its summary links to the form)."""
    return getattr(error, "problems", None) or [Problem(FORM_ID, error.message)]


@bp.route("/events/<int:event_id>/cofunding", methods=["GET", "POST"])
@verified_required
def application(event_id: int):
    """The organiser's co-funding application: save the draft, check, submit."""
    on_refusal(page=lambda error: _cannot_apply(event_id, error))
    event, current = applications.for_organiser(current_user, event_id)
    editable = current is None or current.status in applications.EDITABLE
    if request.method == "GET":
        form = None
        if editable:
            data = (applications.as_input(current) if current is not None
                    else ApplicationInput(purpose=event.title))
            form = ApplicationForm(obj=data)
            form.add_empty_rows()
        return _organiser_page(event, current, form)
    if not editable:
        flash(_("This application is with the committee or decided: it can no longer be "
                "changed."), "error")
        return redirect(url_for("aid.application", event_id=event_id))
    form = ApplicationForm()
    action = request.form.get("action", "save")
    if action not in ACTIONS or not form.validate_on_submit():
        abort(400)
    if action == "add_lines":
        form.add_empty_rows()
        return _organiser_page(event, current, form)
    data = form.to_input()
    on_refusal(page=lambda error: _organiser_page(event, current, form,
                                                  problems=_problems(error)))
    if action == "check":
        reading = applications.check(current_user, event_id, data)
        return _organiser_page(event, current, form, reading=reading, problems=reading.problems)
    if action == "save":
        applications.save_draft(current_user, event_id, data)
        flash(_("The draft is saved."), "success")
    else:
        applications.submit(current_user, event_id, data)
        flash(_("Your application is sent to the committee."), "success")
    return redirect(url_for("aid.application", event_id=event_id))


# ---- the committee -------------------------------------------------------------------

def _reviewer_only() -> None:
    if not decisions.can_review(current_user):
        abort(403)


@bp.route("/aid/applications")
@login_required
def applications_queue():
    """Submitted applications (oldest first) and the latest decisions."""
    _reviewer_only()
    return render_template("aid/applications/queue.html",
                           pending=decisions.queue(current_user),
                           decided=decisions.recent_decisions(current_user))


def _grant_form(application, form: GrantForm | None = None) -> GrantForm:
    form = form or GrantForm()
    envelopes = decisions.envelope_choices(current_user, application)
    form.investment_envelope.choices = envelope_choices(envelopes[rules.Section.INVESTMENT])
    form.operating_envelope.choices = envelope_choices(envelopes[rules.Section.OPERATING])
    return form


def _entrust_form(application, form: EntrustForm | None = None) -> EntrustForm:
    form = form or EntrustForm()
    form.envelope.choices = envelope_choices(entrusting.entrust_choices(application))
    return form


def _review_page(application, *, grant_form=None, refuse_form=None, changes_form=None,
                 entrust_form=None, error=None, status=200):
    return render_template(
        "aid/applications/review.html", application=application, event=application.event,
        label=labels.latest(SubjectType.EVENT, application.event_id),
        verdict=decisions.verdict(application), grants=applications.grants_of(application),
        grant_form=_grant_form(application, grant_form), refuse_form=refuse_form or RefuseForm(),
        changes_form=changes_form or ChangesForm(), error=error,
        recused=decisions.recusal_of(current_user, application),
        jury_result=sessions.quorum_of(application),
        open_sessions=sessions.open_sessions(application.year)
        if sessions.may_manage(current_user) else [],
        may_see_scores=application.session_id is not None
        and sessions.may_read(current_user, application.session_id),
        may_entrust=entrusting.may_entrust(current_user),
        entrust_form=_entrust_form(application, entrust_form), take_back_form=FlaskForm(),
        revenue_labels=REVENUE_LABELS, section_labels=SECTION_NAMES,
        files=documents.files_of(application), file_labels=FILE_KIND_LABELS,
        violation_message=violation_message), status


def _load_for_review(application_id: int, action: str | None = None):
    """The application, for a member allowed to decide on it (else 403, or 404); for a
    decision (``action``), a member recused from it is refused (403, audited) before
    the form is read."""
    _reviewer_only()
    application = decisions.for_review(current_user, application_id)
    if action is not None:
        decisions.refuse_if_recused(current_user, application_id, action)
    return application


@bp.route("/aid/applications/<int:application_id>")
@login_required
def review(application_id: int):
    if not decisions.can_review(current_user):  # a member of its jury reads it there
        page = sessions.reader_page(current_user, application_id)
        if page is not None:
            return redirect(page)
    return _review_page(_load_for_review(application_id))


def _on_refused_decision(application, form_name: str, form) -> None:
    """A refused decision: the review page again, the refusal next to its field and above."""
    on_refusal(page=lambda error: _review_page(application, error=error.message,
                                               **{form_name: form})[0], form=form)


@bp.route("/aid/applications/<int:application_id>/grant", methods=["POST"])
@login_required
def grant(application_id: int):
    application = _load_for_review(application_id, "application.grant")
    form = _grant_form(application, GrantForm())
    if not form.validate_on_submit():
        return _review_page(application, grant_form=form, status=422)
    data = decisions.GrantInput(
        investment_cents=form.investment.cents, operating_cents=form.operating.cents,
        investment_envelope_id=form.investment_envelope.data,
        operating_envelope_id=form.operating_envelope.data, note=form.grant_note.data or "")
    _on_refused_decision(application, "grant_form", form)
    decisions.grant(current_user, application_id, data)
    flash(_("Co-funding granted."), "success")
    return redirect(url_for("aid.applications_queue"))


@bp.route("/aid/applications/<int:application_id>/refuse", methods=["POST"])
@login_required
def refuse(application_id: int):
    application = _load_for_review(application_id, "application.refuse")
    form = RefuseForm()
    if not form.validate_on_submit():
        return _review_page(application, refuse_form=form, status=422)
    _on_refused_decision(application, "refuse_form", form)
    decisions.refuse(current_user, application_id, form.reason.data)
    flash(_("Co-funding refused."), "success")
    return redirect(url_for("aid.applications_queue"))


@bp.route("/aid/applications/<int:application_id>/changes", methods=["POST"])
@login_required
def ask_changes(application_id: int):
    application = _load_for_review(application_id, "application.changes")
    form = ChangesForm()
    if not form.validate_on_submit():
        return _review_page(application, changes_form=form, status=422)
    _on_refused_decision(application, "changes_form", form)
    decisions.ask_changes(current_user, application_id, form.note.data)
    flash(_("The application is sent back to the organiser for changes."), "success")
    return redirect(url_for("aid.applications_queue"))


# ---- entrusting to a delegated envelope (the Region's committee) ------------------------

def _load_for_entrusting(application_id: int, action: str):
    application = _load_for_review(application_id)
    if not entrusting.may_entrust(current_user):
        abort(403)
    decisions.refuse_if_recused(current_user, application_id, action)
    return application


@bp.route("/aid/applications/<int:application_id>/entrust", methods=["POST"])
@login_required
def entrust(application_id: int):
    """The committee entrusts the application to a delegated envelope's deciders."""
    application = _load_for_entrusting(application_id, "application.entrust")
    form = _entrust_form(application, EntrustForm())
    if not form.validate_on_submit():
        return _review_page(application, entrust_form=form, status=422)
    _on_refused_decision(application, "entrust_form", form)
    entrusting.entrust(current_user, application_id, form.envelope.data)
    flash(_("The application is entrusted to the delegated envelope: its deciders are told."),
          "success")
    return redirect(url_for("aid.review", application_id=application_id), 303)


@bp.route("/aid/applications/<int:application_id>/take-back", methods=["POST"])
@login_required
def take_back(application_id: int):
    """The committee takes an entrusted application back."""
    _load_for_entrusting(application_id, "application.take_back")
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("aid.review", application_id=application_id))
    entrusting.take_back(current_user, application_id)
    flash(_("The application is taken back: the Region's committee decides on it."),
          "success")
    return redirect(url_for("aid.review", application_id=application_id), 303)
