"""The store's pages: the catalogue, a project's lineage, « Je veux le reproduire ».

Thin views: read the filters, call :mod:`inspir_events.store.queries` or a use
case of :mod:`inspir_events.store.services`, render; a refusal goes through the error
boundary and is shown next to the message field with what was typed kept.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspir_events import limits
from inspir_events.aid.projects.forms import ROLE_LABELS, STAGE_LABELS
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import OPEN_LICENCES
from inspir_events.errors import on_refusal
from inspir_events.i18n import current_language, localized
from inspir_events.labels import services as labels
from inspir_events.labels.charter import SubjectType
from inspir_events.reference import services as reference
from inspir_events.store import cards, catalogue_page, queries, rules, services
from inspir_events.store.blueprint import bp
from inspir_events.store.forms import ReproduceForm


def _page() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdigit() else 1


def reference_names() -> dict:
    """Names of the territories and themes, licences and stages, for cards and filters, in
    the page's language: made once per application and language (the reference rows are
    written by the migrations only; made for each page, they were a twentieth of the
    store's)."""
    key = ("store names", current_language())
    kept = current_app.extensions.setdefault(reference.CACHE, {})
    names = kept.get(key)
    if names is None:
        names = kept[key] = {
            "department_names": {d.code: d.name for d in reference.departments()},
            "theme_names": {t.code: localized(t) for t in reference.themes()},
            "licence_names": OPEN_LICENCES, "stage_labels": STAGE_LABELS,
            "role_labels": ROLE_LABELS}
    return names


@bp.app_template_filter("store_year")
def store_year_filter(moment) -> int | str:
    return rules.store_year(moment) if moment else ""


@bp.app_template_global("in_store")
def in_store_global(project: Project) -> bool:
    return queries.in_store(project)


@bp.route("/store")
@limits.costly_read
def catalogue():
    filters = queries.filters_from(request.args)
    page = _page()
    per_page = queries.PER_PAGE
    found = queries.catalogue_page(filters, (page - 1) * per_page, per_page)
    total = found.total
    pages = max(1, -(-total // per_page))
    if page > pages:
        page = pages
        found = queries.catalogue_page(filters, (page - 1) * per_page, per_page)
    names = reference_names()
    shown = cards.cards(found.items, found.labelled, names["department_names"],
                        names["theme_names"], found.comments)
    return render_template("store/catalogue.html", body=catalogue_page.body(
        filters, shown, total, page, pages, found.choices))


def _render_lineage(project: Project, form: ReproduceForm, error: str | None = None,
                    status: int = 200):
    return render_template(
        "store/lineage.html", project=project, story=queries.lineage(project), form=form,
        error=error, labelled=labels.is_labelled(SubjectType.PROJECT, project.id),
        declared=services.has_declared(current_user, project),
        team_requests=services.requests_for_team(current_user, project),
        **reference_names()), status


@bp.route("/store/<int:project_id>")
def lineage(project_id: int):
    project = queries.store_project(project_id)
    if project is None:
        abort(404)
    return _render_lineage(project, ReproduceForm())


def _reproduce_again(message: str) -> str | None:
    """The project's page again, the limit's message next to the request form."""
    project = queries.store_project(request.view_args.get("project_id", 0))
    if project is None:
        return None
    return _render_lineage(project, ReproduceForm(), error=message)[0]


limits.answer_on(bp, reproduce=_reproduce_again)


@bp.route("/store/<int:project_id>/reproduce", methods=["POST"])
@login_required
@limits.limit("reproduce")
def reproduce(project_id: int):
    project = queries.store_project(project_id)
    if project is None:
        abort(404)
    form = ReproduceForm()
    if not form.validate_on_submit():
        return _render_lineage(project, form, status=422)
    on_refusal(page=lambda error: _render_lineage(queries.store_project(project_id), form,
                                                  error=error.message)[0], form=form)
    services.reproduce(current_user, project_id, form.message.data)
    flash(_("Your interest is recorded: the project's team is notified."), "success")
    return redirect(url_for("store.lineage", project_id=project_id) + "#reproduce")
