"""The maturation pipeline's pages: projects, proposals, the committee's moves and grants.

Thin views: parse the form, call a use case of :mod:`inspir_events.aid.projects.services`,
render; a refusal goes through the error boundary (:func:`inspir_events.errors.on_refusal`)
and is shown next to its field with what was typed kept.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import role_required
from inspir_events.aid import messages
from inspir_events.aid.blueprint import bp
from inspir_events.aid.envelopes.names import envelope_choices
from inspir_events.aid.envelopes.services import is_committee
from inspir_events.aid.forms import refusal_message
from inspir_events.aid.projects import grants, queries, services, stages
from inspir_events.aid.projects.forms import (
    PROGRAMME_LABELS,
    QUALIFICATION_LABELS,
    ROLE_LABELS,
    STAGE_LABELS,
    DetailsForm,
    GrantForm,
    MoveForm,
    ProposalForm,
    QualifyForm,
)
from inspir_events.aid.projects.models import Project
from inspir_events.aid.years import services as years
from inspir_events.discussions import services as discussions
from inspir_events.errors import on_refusal
from inspir_events.extensions import db
from inspir_events.i18n import localized
from inspir_events.reference import choices
from inspir_events.reference import services as reference

# Which grant form field a violation of rules.check_grants belongs to.
VIOLATION_FIELDS = {"operating_cap_exceeded": "operating",
                    "investment_cap_exceeded": "investment",
                    "structure_cap_exceeded": "structure"}


def _labels() -> dict:
    return {"stage_labels": STAGE_LABELS, "qualification_labels": QUALIFICATION_LABELS,
            "programme_labels": PROGRAMME_LABELS, "role_labels": ROLE_LABELS,
            "licence_names": stages.OPEN_LICENCES,
            "theme_names": {t.code: localized(t) for t in reference.themes()}}


@bp.route("/projects")
def projects():
    filters = queries.filters_from(request.args)
    listing = queries.listing(filters, current_user)
    shown = [p.id for rows in listing.by_stage.values() for p in rows]
    return render_template("aid/projects/listing.html", filters=filters, listing=listing,
                           comment_counts=discussions.counts("project", shown),
                           departments=reference.departments(), themes=reference.themes(),
                           **_labels())


@bp.route("/projects/propose", methods=["GET", "POST"])
@login_required
def propose_project():
    form = ProposalForm()
    form.department.choices = choices.departments(blank=_("Choose…"))
    form.theme.choices = choices.themes(blank=_("None"))
    if form.validate_on_submit():
        on_refusal(page=lambda error: render_template(
            "aid/projects/propose.html", form=form, error=refusal_message(form, error)),
            form=form)
        project = services.propose_project(current_user, form.title.data, form.summary.data,
                                           form.department.data, form.theme.data,
                                           form.commune.data or "")
        flash(_("Your proposal is sent to the committee."), "success")
        return redirect(url_for("aid.project", project_id=project.id))
    return render_template("aid/projects/propose.html", form=form), 422 if form.errors else 200


# ---- one project ---------------------------------------------------------------------------

def _details_data(project) -> dict:
    return {"licence": project.licence or "", "repository_url": project.repository_url or "",
            "results": project.results, "lessons": project.lessons,
            "support_structure": project.support_structure_id or 0}


def _forms(project, **given) -> dict:
    structures = queries.support_structures()
    envelopes = queries.grant_envelopes(current_user, project)
    by_kind = {kind: envelope_choices(rows) for kind, rows in envelopes.items()}
    forms = {
        "qualify_form": given.get("qualify_form") or QualifyForm(structures=structures),
        "move_form": given.get("move_form") or MoveForm(),
        "details_form": given.get("details_form") or DetailsForm(
            structures=structures, data=_details_data(project)),
        "grant_form": given.get("grant_form") or GrantForm(envelope_choices=by_kind),
    }
    forms["can_grant"] = queries.can_grant(current_user, project, by_kind)
    return forms


def _project_page(project_id: int, status: int = 200, error=None, move_missing=(),
                  grant_violations=(), **given):
    project = queries.get_for_viewer(project_id, current_user)
    if project is None:
        abort(404)
    forms = _forms(project, **given)
    recused = queries.recusal_of(current_user, project)
    return render_template(
        "aid/projects/detail.html", project=project, gates=queries.gates(project),
        recused=recused,
        may_declare=not recused and queries.may_decide(current_user, project.id),
        grants=queries.grants_of(project.id), received=queries.received(project.id),
        policy=years.current_policy(), is_committee=is_committee(current_user),
        can_edit=queries.can_edit_details(current_user, project), error=error,
        move_missing=[_(m.message) for m in move_missing],
        grant_violations=[messages.message(v) for v in grant_violations],
        **forms, **_labels()), status


@bp.route("/projects/<int:project_id>")
def project(project_id: int):
    return _project_page(project_id)


def _on_refused(project_id: int, form_name: str, form, page=None) -> None:
    """A refused decision: the project's page again, the refusal next to its field (or above
    the form), what was typed kept; ``page`` renders the refusals that say more."""
    def default(error):
        return _project_page(project_id, error=refusal_message(form, error),
                             **{form_name: form})[0]

    on_refusal(page=page or default, form=form)


@bp.route("/projects/<int:project_id>/qualify", methods=["POST"])
@role_required(Role.COMMITTEE)
def qualify_project(project_id: int):
    services.refuse_if_recused(current_user, project_id, "project.qualify")
    form = QualifyForm(structures=queries.support_structures())
    if not form.validate_on_submit():
        return _project_page(project_id, 422, qualify_form=form)
    decision, note = form.decision.data, form.note.data
    _on_refused(project_id, "qualify_form", form)
    if decision == "structure":
        services.orient_to_structure(current_user, project_id, form.structure.data, note)
    elif decision == "programme":
        services.orient_to_programme(current_user, project_id, form.programme.data, note)
    else:
        services.qualify(current_user, project_id, note)
    flash(_("The committee's answer is recorded and the proposer is told."), "success")
    return redirect(url_for("aid.project", project_id=project_id), 303)


def _move_refused(project_id: int, form: MoveForm, error) -> str:
    """A move whose gate is not met: every missing condition, next to the detail that
    would provide it."""
    if not isinstance(error, services.MoveRefused):
        return _project_page(project_id, error=refusal_message(form, error), move_form=form)[0]
    details = DetailsForm(formdata=None, structures=queries.support_structures(),
                          data=_details_data(db.session.get(Project, project_id)))
    for missing in error.missing:
        if missing.field and missing.field in details:
            field = details[missing.field]
            field.errors = [*field.errors, _(missing.message)]  # a tuple before validation
    form.target.errors.append(error.message)
    return _project_page(project_id, move_form=form, details_form=details,
                         move_missing=error.missing)[0]


@bp.route("/projects/<int:project_id>/move", methods=["POST"])
@role_required(Role.COMMITTEE)
def move_project(project_id: int):
    services.refuse_if_recused(current_user, project_id, "project.move")
    form = MoveForm()
    if not form.validate_on_submit():
        return _project_page(project_id, 422, move_form=form)
    _on_refused(project_id, "move_form", form,
                page=lambda error: _move_refused(project_id, form, error))
    moved = services.move_project(current_user, project_id, form.target.data, form.note.data)
    flash(_("The project moves to the stage “%(stage)s”.", stage=STAGE_LABELS[moved.stage]),
          "success")
    return redirect(url_for("aid.project", project_id=project_id), 303)


@bp.route("/projects/<int:project_id>/details", methods=["POST"])
@login_required
def project_details(project_id: int):
    form = DetailsForm(structures=queries.support_structures())
    if not form.validate_on_submit():
        return _project_page(project_id, 422, details_form=form)
    data = services.DetailsInput(
        licence=form.licence.data, repository_url=form.repository_url.data,
        results=form.results.data, lessons=form.lessons.data,
        support_structure_id=form.support_structure.data or None)
    _on_refused(project_id, "details_form", form)
    services.update_project_details(current_user, project_id, data)
    flash(_("The project's details are saved."), "success")
    return redirect(url_for("aid.project", project_id=project_id), 303)


def _grant_input(form: GrantForm) -> grants.GrantInput:
    """Beneficiaries are checked only for the grants asked (the service says which)."""
    def who(prefix: str, asked: int):
        if not asked:
            return None
        return grants.beneficiary(form[f"{prefix}_name"].data, form[f"{prefix}_id"].data,
                                  prefix)

    return grants.GrantInput(
        operating_cents=form.operating.cents, investment_cents=form.investment.cents,
        structure_cents=form.structure.cents,
        beneficiary=who("beneficiary", form.operating.cents + form.investment.cents),
        structure_beneficiary=who("structure_beneficiary", form.structure.cents),
        envelope_ids={kind: form[f"{kind}_envelope"].data or None
                      for kind in queries.GRANT_KINDS},
        reason=form.reason.data or "")


def _grant_refused(project_id: int, form: GrantForm, error) -> str:
    """Grants beyond the caps: each violation next to its amount, and all of them above."""
    if not isinstance(error, services.GrantRefused):
        return _project_page(project_id, error=refusal_message(form, error),
                             grant_form=form)[0]
    for violation in error.violations:
        name = VIOLATION_FIELDS.get(violation.code) or violation.params.get("field")
        if name in form:
            form[name].errors.append(messages.message(violation))
    return _project_page(project_id, grant_form=form, grant_violations=error.violations)[0]


@bp.route("/projects/<int:project_id>/grant", methods=["POST"])
@login_required
def grant_project(project_id: int):
    project = queries.get_for_viewer(project_id, current_user)
    if project is None:
        abort(404)
    if not any(queries.grant_envelopes(current_user, project).values()):
        abort(403)  # deciding on no envelope it can draw on: refused before the form
    services.refuse_if_recused(current_user, project_id, "project.grant")
    form = GrantForm()
    if not form.validate_on_submit():
        return _project_page(project_id, 422, grant_form=form)
    _on_refused(project_id, "grant_form", form,
                page=lambda error: _grant_refused(project_id, form, error))
    grants.grant_project(current_user, project_id, _grant_input(form))
    flash(_("The grants are decided and committed on the envelopes."), "success")
    return redirect(url_for("aid.project", project_id=project_id), 303)


@bp.route("/rounds/<int:round_id>/promote", methods=["POST"])
@login_required
def promote_winners(round_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("voting.results", round_id=round_id))
    promoted = services.promote_winner(current_user, round_id)
    flash(_("The winners are projects of the INS'pir pipeline (%(count)d).",
            count=len(promoted)), "success")
    return redirect(url_for("aid.projects", stage="idee"), 303)
