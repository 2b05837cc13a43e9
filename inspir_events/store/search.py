"""Projects, store entries and support structures as the site's search finds them
(search/registry.py), registered with the store's blueprint (it knows which projects are
in the store, and what a structure is).

- A listed project (never one awaiting the committee's qualification or oriented to
  another programme): a store entry when it is in the store (:data:`queries.STORE_STAGES`),
  else a project of the pipeline; its title, summary, results and lessons, its department
  and theme.
- A support structure: an account holding the role (a deleted account holds none), its
  name and presentation, its department.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.accounts.models import DeletedAccount, Role, User, UserRole
from inspir_events.aid.projects.models import Project
from inspir_events.search.registry import SearchSource, Watch
from inspir_events.search.rules import Document, plain_text
from inspir_events.store.queries import STORE_STAGES
from inspir_events.urls import path_for

PROJECT_SOURCE = "project"
STRUCTURE_SOURCE = "structure"


def project_documents(connection, ids) -> list[Document]:
    statement = select(Project.id, Project.title, Project.summary_html, Project.results_html,
                       Project.lessons_html, Project.stage, Project.department_code,
                       Project.theme_code).where(Project.is_listed)
    if ids is not None:
        statement = statement.where(Project.id.in_(ids))
    store_stages = {str(stage) for stage in STORE_STAGES}
    return [Document(source=PROJECT_SOURCE, item_id=row.id,
                     kind="store" if str(row.stage) in store_stages else "project",
                     title=row.title,
                     body=" ".join(plain_text(part) for part in (
                         row.summary_html, row.results_html, row.lessons_html)),
                     department_code=row.department_code, theme_code=row.theme_code)
            for row in connection.execute(statement)]


def _project_url(kind: str, item_id: int) -> str:
    if kind == "store":
        return path_for("store.lineage", project_id=item_id)
    return path_for("aid.project", project_id=item_id)


PROJECT_SEARCH = SearchSource(
    kinds={"project": _l("Projects"), "store": _l("Store entries")},
    load=project_documents,
    url=_project_url,
    watches=(Watch(Project, lambda connection, project: [project.id],
                   fields=("title", "summary_html", "results_html", "lessons_html", "stage",
                           "qualification", "department_code", "theme_code")),),
)


def structure_documents(connection, ids) -> list[Document]:
    statement = (select(User.id, User.display_name, User.bio, User.department_code)
                 .where(User.id.in_(select(UserRole.user_id).where(
                     UserRole.role == Role.SUPPORT_STRUCTURE)),
                        User.id.not_in(select(DeletedAccount.user_id))))
    if ids is not None:
        statement = statement.where(User.id.in_(ids))
    return [Document(source=STRUCTURE_SOURCE, item_id=row.id, kind="structure",
                     title=row.display_name, body=row.bio or "",
                     department_code=row.department_code)
            for row in connection.execute(statement)]


STRUCTURE_SEARCH = SearchSource(
    kinds={"structure": _l("Support structures")},
    load=structure_documents,
    url=lambda kind, item_id: path_for("store.structure", user_id=item_id),
    watches=(
        Watch(User, lambda connection, user: [user.id],
              fields=("_display_name", "bio", "department_code")),
        Watch(UserRole, lambda connection, role: [role.user_id]),
        Watch(DeletedAccount, lambda connection, entry: [entry.user_id]),
    ),
)
