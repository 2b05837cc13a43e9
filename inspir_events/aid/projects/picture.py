"""The project as a subject that carries a picture (issue 20 §4): those who edit its
details change it (its team, its support structure, the committee)."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.queries import can_edit_details
from inspir_events.extensions import db
from inspir_events.pictures.subjects import PictureSubject
from inspir_events.urls import path_for


def _load(project_id: int, lock: bool = False) -> Project | None:
    stmt = select(Project).where(Project.id == project_id)
    return db.session.scalar(stmt.with_for_update() if lock else stmt)


PICTURE_SUBJECT = PictureSubject(
    load=_load, may_change=can_edit_details, title=lambda project: project.title,
    url=lambda project: path_for("aid.project", project_id=project.id))
