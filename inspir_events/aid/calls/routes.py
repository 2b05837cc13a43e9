"""Calls for projects' pages: the public list and a call's page (its results once
published), the committee's preparation, opening, closing and publishing, the
applicants' form, an application's page with the committee's decisions.

Thin views: parse, call a use case, render; a refusal is shown next to its field with
what was typed kept (:func:`inspir_events.errors.on_refusal`).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import role_required
from inspir_events.aid.blueprint import bp
from inspir_events.aid.calls import applying, decisions, services
from inspir_events.aid.calls.forms import (
    APPLICATION_STATUS_LABELS,
    CALL_STATUS_LABELS,
    CRITERION_LABELS,
    GRANT_FORMS,
    KIND_LABELS,
    ApplicationForm,
    CallForm,
    ChangesForm,
    RefuseForm,
)
from inspir_events.aid.calls.models import CallApplication
from inspir_events.aid.calls.rules import ApplicationStatus, CallStatus, Kind
from inspir_events.aid.envelopes.names import envelope_choices, envelope_name
from inspir_events.aid.envelopes.services import is_committee
from inspir_events.aid.forms import refusal_message
from inspir_events.aid.jury import services as jury
from inspir_events.aid.names import SECTION_NAMES
from inspir_events.aid.projects.models import Project
from inspir_events.aid.years import services as years
from inspir_events.errors import on_refusal
from inspir_events.extensions import db
from inspir_events.i18n import localized
from inspir_events.recusal import services as recusal
from inspir_events.reference import choices
from inspir_events.timeutil import paris_to_utc, utc_to_paris


def _labels() -> dict:
    return {"call_status_labels": CALL_STATUS_LABELS, "kind_labels": KIND_LABELS,
            "application_status_labels": APPLICATION_STATUS_LABELS,
            "section_labels": SECTION_NAMES, "criterion_labels": CRITERION_LABELS,
            "shown": jury.shown, "envelope_name": envelope_name,
            "localized": localized}


@bp.get("/aid/calls")
def calls():
    project = None
    if request.args.get("project", type=int):
        project = db.session.get(Project, request.args.get("project", type=int))
    rows = services.listing(current_user)
    offers = {call.id: [(p, k) for p, k in applying.choices_for(current_user, call)
                        if project is None or p.id == project.id]
              for call in rows if services.accepting(call)}
    return render_template("aid/calls/listing.html", calls=rows, offers=offers,
                           project=project, is_committee=is_committee(current_user),
                           **_labels())


@bp.get("/aid/calls/<int:call_id>")
def call(call_id: int):
    found = services.get_for_viewer(current_user, call_id)
    committee = is_committee(current_user)
    applications = []
    if committee:
        applications = [a for a in found.applications if a.status != ApplicationStatus.DRAFT]
    mine = [a for a in found.applications if current_user.is_authenticated
            and current_user.id in applying.parties(a)]
    results = jury.public_ranking(services.JURY_SUBJECT, found.id)
    statuses = {a.id: a.status for a in found.applications}
    jury_row = jury.jury_of(services.JURY_SUBJECT, found.id)
    return render_template(
        "aid/calls/detail.html", call=found, committee=committee, applications=applications,
        mine=mine, results=results, statuses=statuses,
        offers=applying.choices_for(current_user, found) if services.accepting(found) else [],
        accepting=services.accepting(found), closed=services.is_closed(found),
        jury=jury_row, sees_jury=jury.may_see_scores(current_user, services.JURY_SUBJECT,
                                                      found.id),
        action_form=FlaskForm(), **_labels())


# ---- the committee ------------------------------------------------------------------------

def _call_form(form: CallForm, year: int | None = None) -> CallForm:
    form.year.choices = [SelectChoice(y, str(y)) for y in years.opened_years()]
    form.themes.choices = choices.themes()
    form.departments.choices = choices.departments()
    chosen = year or form.year.data or years.today().year
    form.envelopes.choices = envelope_choices(services.envelope_choices(chosen))
    return form


def _call_input(form: CallForm) -> services.CallInput:
    return services.CallInput(
        title=form.title.data or "", text=form.text.data or "", year=form.year.data,
        opens_at=paris_to_utc(form.opens_at.data) if form.opens_at.data else None,
        closes_at=paris_to_utc(form.closes_at.data) if form.closes_at.data else None,
        allows_experimentation=form.allows_experimentation.data,
        allows_structure=form.allows_structure.data, theme_codes=form.themes.data or [],
        department_codes=form.departments.data or [], envelope_ids=form.envelopes.data or [],
        criteria=form.criteria.data or [])


def _form_page(form: CallForm, call=None, error=None, status: int = 200):
    return render_template("aid/calls/form.html", form=form, call=call, error=error), status


@bp.route("/aid/calls/new", methods=["GET", "POST"])
@role_required(Role.COMMITTEE)
def new_call():
    form = _call_form(CallForm(data={"year": years.today().year}))
    if request.method == "POST":
        if not form.validate_on_submit():
            return _form_page(form, status=422)
        on_refusal(form=form, page=lambda error: _form_page(
            form, error=refusal_message(form, error))[0])
        created = services.create_call(current_user, _call_input(form))
        flash(_("The call is prepared as a draft: open it when it is ready."), "success")
        return redirect(url_for("aid.call", call_id=created.id), 303)
    return _form_page(form)


@bp.route("/aid/calls/<int:call_id>/edit", methods=["GET", "POST"])
@role_required(Role.COMMITTEE)
def edit_call(call_id: int):
    found = services.get_for_viewer(current_user, call_id)
    if request.method == "POST":
        form = _call_form(CallForm(), found.year)
        if not form.validate_on_submit():
            return _form_page(form, found, status=422)
        on_refusal(form=form, page=lambda error: _form_page(
            form, found, error=refusal_message(form, error))[0])
        services.edit_call(current_user, call_id, _call_input(form))
        flash(_("The call is saved."), "success")
        return redirect(url_for("aid.call", call_id=call_id), 303)
    data = services.as_input(found)
    form = _call_form(CallForm(data={
        "title": data.title, "text": data.text, "year": data.year,
        "opens_at": utc_to_paris(data.opens_at).replace(tzinfo=None),
        "closes_at": utc_to_paris(data.closes_at).replace(tzinfo=None),
        "allows_experimentation": data.allows_experimentation,
        "allows_structure": data.allows_structure, "themes": list(data.theme_codes),
        "departments": list(data.department_codes), "envelopes": list(data.envelope_ids),
        "criteria": list(data.criteria)}), found.year)
    return _form_page(form, found)


def _call_action(call_id: int, use_case, message: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("aid.call", call_id=call_id))
    use_case(current_user, call_id)
    flash(message, "success")
    return redirect(url_for("aid.call", call_id=call_id), 303)


@bp.post("/aid/calls/<int:call_id>/open")
@role_required(Role.COMMITTEE)
def open_call(call_id: int):
    return _call_action(call_id, services.open_call,
                        _("The call is open: it accepts applications between its dates."))


@bp.post("/aid/calls/<int:call_id>/close")
@role_required(Role.COMMITTEE)
def close_call(call_id: int):
    return _call_action(call_id, services.close_call,
                        _("The call is closed: its applications are frozen."))


@bp.post("/aid/calls/<int:call_id>/publish")
@role_required(Role.COMMITTEE)
def publish_call(call_id: int):
    return _call_action(call_id, services.publish_results,
                        _("The results are published with the jury's ranking."))


# ---- applicants ---------------------------------------------------------------------------

def _application_form(application=None, formdata=True) -> ApplicationForm:
    if application is None or formdata:
        form = ApplicationForm() if formdata else ApplicationForm(formdata=None)
    else:
        data = applying.as_input(application)
        form = ApplicationForm(formdata=None, data={
            "description": data.description, "links": data.links,
            "beneficiary_name": data.beneficiary_name,
            "beneficiary_id": data.beneficiary_identifier,
            "operating": _euros(data.operating_cents),
            "investment": _euros(data.investment_cents),
            "structure": _euros(data.structure_cents),
            "expenses": [{"label": line.label, "amount": _euros(line.amount_cents),
                          "section": line.section.value} for line in data.lines]})
    return form


def _euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}" if cents else ""


def _apply_page(call_id: int, project_id: int, kind: str, form=None, error=None,
                status: int = 200):
    found, project, application = applying.for_applicant(current_user, call_id, project_id,
                                                         kind)
    editable = applying.editable(found, application)
    if form is None:
        form = _application_form(application, formdata=False)
    if editable and request.method == "GET":
        form.add_empty_rows()
    return render_template(
        "aid/calls/apply.html", call=found, project=project, kind=Kind(kind),
        application=application, form=form, error=error, editable=editable,
        policy=years.policy_or_none(found.year), **_labels()), status


@bp.route("/aid/calls/<int:call_id>/apply/<int:project_id>/<kind>", methods=["GET", "POST"])
@login_required
def call_apply(call_id: int, project_id: int, kind: str):
    if request.method == "GET":
        return _apply_page(call_id, project_id, kind)
    applying.for_applicant(current_user, call_id, project_id, kind)  # 403/404 first
    form = ApplicationForm()
    if not form.validate_on_submit():
        return _apply_page(call_id, project_id, kind, form=form, status=422)
    data = applying.ApplicationInput(
        description=form.description.data or "", links=form.links.data or "",
        beneficiary_name=form.beneficiary_name.data or "",
        beneficiary_identifier=form.beneficiary_id.data or "",
        operating_cents=form.operating.cents or 0, investment_cents=form.investment.cents or 0,
        structure_cents=form.structure.cents or 0, lines=form.lines())

    def refused(error):
        for name, message in getattr(error, "problems", ()):
            if name in form and name != "expenses":
                form[name].errors = [*form[name].errors, message]
        general = [m for n, m in getattr(error, "problems", ()) if n == "expenses"]
        return _apply_page(call_id, project_id, kind, form=form,
                           error=" ".join(general) or refusal_message(form, error))[0]

    on_refusal(form=form, page=refused)
    if request.form.get("action") == "submit":
        saved = applying.submit(current_user, call_id, project_id, kind, data)
        flash(_("Your application is submitted: the jury scores it, the committee decides."),
              "success")
    else:
        saved = applying.save_draft(current_user, call_id, project_id, kind, data)
        flash(_("Your draft is saved."), "success")
    return redirect(url_for("aid.call_application", application_id=saved.id), 303)


# ---- one application, the committee's decisions ----------------------------------------

def _application_page(application_id: int, status: int = 200, error=None, **given):
    application = applying.get_for_viewer_application(current_user, application_id)
    committee = is_committee(current_user)
    grant_form = given.get("grant_form") or GRANT_FORMS[application.kind]()
    choices = decisions.envelope_choices(current_user, application) if committee else {}
    for kind, rows in choices.items():
        grant_form[f"{kind}_envelope"].choices = envelope_choices(rows)
    jury_row = jury.jury_of(services.JURY_SUBJECT, application.call_id)
    result = None
    if application.status != ApplicationStatus.DRAFT and jury.may_see_scores(
            current_user, services.JURY_SUBJECT, application.call_id):
        juried = next((a for a in decisions.juried_applications(application.call_id)
                       if a.id == application.id), None)
        if juried is not None:
            result = jury.result_of(services.JURY_SUBJECT, application.call_id, juried)
    recused = recusal.refusal(current_user, decisions.RECUSAL_SUBJECT,
                                        application.id)
    return render_template(
        "aid/calls/application.html", application=application, call=application.call,
        committee=committee, grant_form=grant_form,
        refuse_form=given.get("refuse_form") or RefuseForm(),
        changes_form=given.get("changes_form") or ChangesForm(), error=error,
        grants=decisions.grants_of(application), recused=recused, result=result,
        jury=jury_row, may_declare=not recused and decisions.may_decide(
            current_user, application.id),
        can_edit=current_user.id in applying.parties(application)
        and applying.editable(application.call, application),
        decidable=committee and application.status == ApplicationStatus.SUBMITTED
        and application.call.status != CallStatus.PUBLISHED, **_labels()), status


@bp.get("/aid/calls/applications/<int:application_id>")
@login_required
def call_application(application_id: int):
    return _application_page(application_id)


def _decision(application_id: int, form_name: str, form, action: str):
    if not is_committee(current_user):
        abort(403)
    recusal.check(current_user, decisions.RECUSAL_SUBJECT, application_id, action)
    if not form.validate_on_submit():
        return _application_page(application_id, 422, **{form_name: form})

    def refused(error):
        for name, message in getattr(error, "problems", ()):
            if name in form:
                form[name].errors = [*form[name].errors, message]
        return _application_page(application_id, error=refusal_message(form, error),
                                 **{form_name: form})[0]

    on_refusal(form=form, page=refused)
    return None


@bp.post("/aid/calls/applications/<int:application_id>/grant")
@login_required
def call_grant(application_id: int):
    application = db.session.get(CallApplication, application_id)
    if application is None:
        abort(404)
    form = GRANT_FORMS[application.kind]()
    answer = _decision(application_id, "grant_form", form, "call_application.grant")
    if answer is not None:
        return answer
    kinds = [k for k in ("operating", "investment", "structure") if k in form]
    amounts = {f"{k}_cents": form[k].cents or 0 for k in kinds}
    decisions.grant(current_user, application_id, decisions.GrantInput(
        **amounts, envelope_ids={k: form[f"{k}_envelope"].data or None for k in kinds},
        note=form.grant_note.data or ""))
    flash(_("The grant is decided and committed on the envelopes."), "success")
    return redirect(url_for("aid.call_application", application_id=application_id), 303)


@bp.post("/aid/calls/applications/<int:application_id>/refuse")
@login_required
def call_refuse(application_id: int):
    form = RefuseForm()
    answer = _decision(application_id, "refuse_form", form, "call_application.refuse")
    if answer is not None:
        return answer
    decisions.refuse(current_user, application_id, form.reason.data)
    flash(_("The refusal is recorded and the applicant is told."), "success")
    return redirect(url_for("aid.call_application", application_id=application_id), 303)


@bp.post("/aid/calls/applications/<int:application_id>/changes")
@login_required
def call_changes(application_id: int):
    form = ChangesForm()
    answer = _decision(application_id, "changes_form", form, "call_application.changes")
    if answer is not None:
        return answer
    decisions.ask_changes(current_user, application_id, form.note.data)
    flash(_("The application is sent back to its applicant."), "success")
    return redirect(url_for("aid.call_application", application_id=application_id), 303)

