"""Store use cases: « Je veux le reproduire ».

« Les diffuser »: the deliberation wants experiments spread across all
territories. A signed-in user (another territory, an association...) declares
interest in reproducing a store project with a short message for its team: one
declaration per user and project (a unique key), the public count moved by the
same transaction with a conditional UPDATE, the team notified in-app, audited.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.queries import member_ids
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, insert_ignoring_conflicts, retrying
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.notifications import services as notifications
from inspir_events.store import queries, rules
from inspir_events.store.models import ReproductionRequest
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for


class StoreError(DomainError):
    """A store use case refused (422 unless a subclass says otherwise)."""


class NotInStore(StoreError):
    status = 404

    def __init__(self):
        super().__init__(_l("This project is not in the innovation store."))


class SignInRequired(StoreError):
    status = 401


class AlreadyDeclared(StoreError):
    status = 409


def store_url(project: Project) -> str:
    """The project's story in the store: the link its team's notices carry."""
    return path_for("store.lineage", project_id=project.id)


@retrying
def reproduce(user, project_id: int, message: str | None) -> ReproductionRequest:
    """A signed-in user declares « Je veux le reproduire » for a store project.

    The row's unique key (project, user) settles two declarations sent at once:
    the second INSERT does nothing and is refused; the counter only moves with a
    new row, by an UPDATE computed in the database, so two users at once count two.
    """
    if not (user and getattr(user, "is_authenticated", False)):
        raise SignInRequired(_l("Sign in to declare that you want to reproduce a project."))
    message = rules.clean_message(message)
    if not message:
        raise StoreError(_l("Write a short message for the project's team."), field="message")
    if len(message) > rules.MESSAGE_MAX:
        raise StoreError(_l("At most %(max)d characters.", max=rules.MESSAGE_MAX),
                         field="message")
    begin_write()
    project = queries.store_project(project_id)
    if project is None:
        raise NotInStore()
    result = insert_ignoring_conflicts(ReproductionRequest, project_id=project.id,
                                       user_id=user.id, message=message, created_at=utcnow())
    if result.rowcount != 1:
        raise AlreadyDeclared(_l("You have already declared that you want to reproduce this "
                                 "project; its team has your message."))
    db.session.execute(update(Project).where(Project.id == project.id).values(
        reproductions_count=Project.reproductions_count + 1))
    request = db.session.scalar(select(ReproductionRequest).where(
        ReproductionRequest.project_id == project.id, ReproductionRequest.user_id == user.id))
    audit.record(user, "project.reproduce", "project", project.id, reproduction_request=request.id)
    notifications.notify([uid for uid in member_ids(project) if uid != user.id],
                         "project.reproduce", url=store_url(project),
                         name=user.display_name, project=project.title)
    db.session.commit()
    return request


def has_declared(user, project: Project) -> bool:
    """This user already declared « Je veux le reproduire » for the project."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    return db.session.scalar(select(ReproductionRequest.id).where(
        ReproductionRequest.project_id == project.id,
        ReproductionRequest.user_id == user.id)) is not None


def is_member(user, project: Project) -> bool:
    """A signed-in member of the project's team."""
    return bool(user and getattr(user, "is_authenticated", False)
                and user.id in member_ids(project))


def requests_for_team(user, project: Project) -> list[ReproductionRequest] | None:
    """The messages received, for the project's members only (None for anyone else)."""
    if not is_member(user, project):
        return None
    return list(db.session.scalars(
        select(ReproductionRequest).where(ReproductionRequest.project_id == project.id)
        .options(joinedload(ReproductionRequest.user))
        .order_by(ReproductionRequest.created_at.desc(), ReproductionRequest.id.desc())))
