"""Following and the pipeline: the project as a subject people follow (follows/subjects.py),
and what its followers and those of the need it answers are told.

Issue 17 §3: les soutiens et abonnés d'un besoin are told when the need becomes a
project (a round's winner answering it is promoted: "need.project") and when that
project reaches the store (it moves to ``diffusion``: "need.in_store"). A project's own
followers are told of each of its moves ("project.moved", as its team is). Supporting a
need follows it (needs/services.py), so a need's followers include its supporters but
those who chose to stop following it. The person whose action it is, and the team
already told, hear nothing more. In the app, in the caller's transaction
(notifications.notify; by e-mail too, per each person's choice for the kind).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.queries import member_ids
from inspir_events.aid.projects.stages import Stage
from inspir_events.database import ID_MAX
from inspir_events.discussions.subjects import CommentSubject
from inspir_events.extensions import db
from inspir_events.follows import services as follows
from inspir_events.follows.subjects import FollowSubject
from inspir_events.notifications import services as notifications
from inspir_events.urls import path_for

SUBJECT_TYPE = "project"


def listed_project(project_id: int) -> Project | None:
    """The project if it is in the pipeline's public lists (what a visitor may follow)."""
    project = db.session.get(Project, project_id) if 0 < project_id <= ID_MAX else None
    return project if project is not None and project.is_listed else None


def project_path(project: Project) -> str:
    return path_for("aid.project", project_id=project.id)


FOLLOW_SUBJECT = FollowSubject(
    load=listed_project, title=lambda project: project.title, url=project_path,
    name=_l("Project"), gone=_l("A project that is no longer in the pipeline's lists"))



def _commenters_told(project_id: int) -> list[int]:
    """A new comment on a project: its followers and its team hear of it."""
    project = db.session.get(Project, project_id)
    team = member_ids(project) if project is not None else []
    return sorted(set(follows.followers(SUBJECT_TYPE, project_id)) | set(team))


# People comment on a listed project (issue 20 §1): one conversation, shown on its page
# in the pipeline and in the store.
COMMENT_SUBJECT = CommentSubject(
    load=listed_project, title=lambda project: project.title,
    url=lambda project_id: path_for("aid.project", project_id=project_id),
    public_ids=lambda: select(Project.id).where(Project.is_listed), name=_l("Project"),
    followers=_commenters_told)


def _need_followers(actor, project: Project) -> list[int]:
    if project.need_id is None:
        return []
    return [uid for uid in follows.followers("need", project.need_id) if uid != actor.id]


def project_created(actor, project: Project) -> int:
    """A promoted winner answering a need: the need's followers hear it is a project now."""
    people = _need_followers(actor, project)
    if not people:
        return 0
    return notifications.notify(people, "need.project", url=project_path(project),
                                need=project.need.title, project=project.title)


def project_moved(actor, project: Project, target: Stage) -> int:
    """A move: the project's followers (but its team, told already) hear of it; reaching
    ``diffusion``, the followers of the need it answers hear it is in the store."""
    team = set(member_ids(project))
    told = notifications.notify(
        [uid for uid in follows.followers(SUBJECT_TYPE, project.id)
         if uid != actor.id and uid not in team],
        "project.moved", url=project_path(project), project=project.title)
    if target is Stage.DIFFUSION:
        people = _need_followers(actor, project)
        if people:
            told += notifications.notify(
                people, "need.in_store", url=path_for("store.lineage", project_id=project.id),
                need=project.need.title, project=project.title)
    return told
