"""The project as a subject of the INS'pir label, as labels reads it through its registry
(:mod:`inspir_events.labels.subjects`; the aid blueprint registers it).

The label « INS'pir » « pourra être attribué à des événements, structures
d'accompagnement et projets/expérimentations »: a project's members and its
support structure ask for its label, with the charter form; only a project of the
INS'pir pipeline (listed, not stopped) may ask.
"""

from __future__ import annotations

from operator import attrgetter

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.services import project_url
from inspir_events.aid.projects.stages import Stage
from inspir_events.database import ID_MAX
from inspir_events.extensions import db
from inspir_events.labels.subjects import LabelSubject


def may_ask(user, project: Project) -> bool:
    """A project's members and its support structure ask for its label."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    return (user.id == project.support_structure_id
            or any(row.user_id == user.id for row in project.member_rows))


def ineligible(project: Project) -> str | None:
    """Why this project may not ask for the label now (None: it may)."""
    if not project.is_listed or project.stage == Stage.ABANDONNE:
        return _l("Only a project of the INS'pir pipeline may ask for the label.")
    return None


def _locked(project_id: int) -> Project | None:
    if not 0 < project_id <= ID_MAX:
        return None
    return db.session.scalar(select(Project).where(Project.id == project_id)
                             .with_for_update().execution_options(populate_existing=True))


LABEL_SUBJECT = LabelSubject(
    locked=_locked, may_ask=may_ask, title=attrgetter("title"), url=project_url,
    not_allowed=_l("Only the project's team or its support structure asks for its label."),
    ineligible=ineligible)
