"""Support structures' public pages, and the INS'pir label requests of structures and
projects (same charter form, same committee queue as the events' label).

Thin views: the use cases are :func:`inspir_events.labels.services.request_for_structure`
and :func:`~inspir_events.labels.services.request_for_project`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspir_events.aid.projects import queries as project_queries
from inspir_events.extensions import db
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
    return labels.can_request_for_project(current_user, project)


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


def _label_page(subject_type: SubjectType, subject_id: int, title: str, back_url: str,
                use_case):
    """The charter form shared by structures and projects (and, in its own page, events)."""
    form = CharterForm()
    error = None
    if form.validate_on_submit():
        answers = {p.code: form[p.code].data for p in PRINCIPLES}
        try:
            use_case(current_user, subject_id, answers, back_url)
        except labels.LabelError as exc:
            db.session.rollback()
            if exc.status == 403:
                abort(403)
            error = exc.message
            if exc.field in form:
                form[exc.field].errors.append(exc.message)
        else:
            flash(_("Your label request is sent to the committee."), "success")
            return redirect(back_url)
    status = 422 if (error or form.errors) else 200
    return render_template(
        "labels/request.html", form=form, error=error, principles=PRINCIPLES,
        subject_title=title, back_url=back_url, subject_type=subject_type.value,
        current=labels.latest(subject_type, subject_id)), status


@bp.route("/structures/<int:user_id>/label", methods=["GET", "POST"])
@login_required
def structure_label(user_id: int):
    row = structures.get_structure(user_id)
    if row is None:
        abort(404)
    if current_user.id != row.id:
        abort(403)
    return _label_page(SubjectType.SUPPORT_STRUCTURE, row.id, row.display_name,
                       url_for("store.structure", user_id=row.id),
                       labels.request_for_structure)


@bp.route("/projects/<int:project_id>/label", methods=["GET", "POST"])
@login_required
def project_label_request(project_id: int):
    project = project_queries.get_for_viewer(project_id, current_user)
    if project is None:
        abort(404)
    if not labels.can_request_for_project(current_user, project):
        abort(403)
    return _label_page(SubjectType.PROJECT, project.id, project.title,
                       url_for("aid.project", project_id=project.id),
                       labels.request_for_project)
