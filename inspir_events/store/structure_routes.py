"""Support structures' public pages, and the INS'pir label requests of structures and
projects (same charter form, same committee queue as the events' label).

Thin views: the use case is :func:`inspir_events.labels.services.request_for`, which reads
who may ask and the subject's title, page and eligibility from labels' registry
(:data:`inspir_events.store.structures.LABEL_SUBJECT`,
:data:`inspir_events.aid.projects.labelling.LABEL_SUBJECT`).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspir_events.aid.projects import labelling as project_labelling
from inspir_events.aid.projects import queries as project_queries
from inspir_events.errors import on_refusal
from inspir_events.labels import services as labels
from inspir_events.labels.charter import PRINCIPLES, SubjectType
from inspir_events.labels.forms import CharterForm
from inspir_events.store import structures
from inspir_events.store.blueprint import bp
from inspir_events.store.routes import reference_names


@bp.app_template_global("project_label")
def project_label(project_id: int):
    """The project's latest label request (for the project's page), or None."""
    return labels.latest(SubjectType.PROJECT, project_id)


@bp.app_template_global("can_request_project_label")
def can_request_project_label(project) -> bool:
    return labels.may_request(current_user, SubjectType.PROJECT, project)


@bp.app_template_global("project_may_ask_label")
def project_may_ask_label(project) -> bool:
    """Whether the project itself may ask for the label now (in the pipeline, not stopped)."""
    return project_labelling.ineligible(project) is None


@bp.route("/structures")
def structure_list():
    rows = structures.structures()
    return render_template(
        "store/structures.html", structures=rows, counts=structures.accompanied_counts(),
        labelled=labels.labelled_ids(SubjectType.SUPPORT_STRUCTURE, [s.id for s in rows]),
        **reference_names())


@bp.route("/structures/<int:user_id>")
def structure(user_id: int):
    row = structures.get_structure(user_id)
    if row is None:
        abort(404)
    projects = structures.accompanied(row.id)
    return render_template(
        "store/structure.html", structure=row, projects=projects,
        label=labels.latest(SubjectType.SUPPORT_STRUCTURE, row.id),
        labelled_projects=labels.labelled_ids(SubjectType.PROJECT, [p.id for p in projects]),
        is_self=current_user.is_authenticated and current_user.id == row.id,
        **reference_names())


def _label_page(subject_type: SubjectType, subject_id: int, title: str, back_url: str):
    """The charter form shared by structures and projects (and, in its own page, events);
    a refusal is shown on the form, with the answers typed kept."""
    form = CharterForm()

    def page(error=None):
        return render_template(
            "labels/request.html", form=form, error=error.message if error else None,
            principles=PRINCIPLES, subject_title=title, back_url=back_url,
            subject_type=subject_type.value, current=labels.latest(subject_type, subject_id))

    if form.validate_on_submit():
        on_refusal(page=page, form=form)
        labels.request_for(current_user, subject_type, subject_id,
                           {p.code: form[p.code].data for p in PRINCIPLES})
        flash(_("Your label request is sent to the committee."), "success")
        return redirect(back_url)
    return page(), 422 if form.errors else 200


@bp.route("/structures/<int:user_id>/label", methods=["GET", "POST"])
@login_required
def structure_label(user_id: int):
    row = structures.get_structure(user_id)
    if row is None:
        abort(404)
    if not labels.may_request(current_user, SubjectType.SUPPORT_STRUCTURE, row):
        abort(403)
    return _label_page(SubjectType.SUPPORT_STRUCTURE, row.id, row.display_name,
                       url_for("store.structure", user_id=row.id))


@bp.route("/projects/<int:project_id>/label", methods=["GET", "POST"])
@login_required
def project_label_request(project_id: int):
    project = project_queries.get_for_viewer(project_id, current_user)
    if project is None:
        abort(404)
    if not labels.may_request(current_user, SubjectType.PROJECT, project):
        abort(403)
    return _label_page(SubjectType.PROJECT, project.id, project.title,
                       url_for("aid.project", project_id=project.id))
