"""A need's lineage, composed where events, ideas and projects are all known: the events
that address the need (published ones), the ideas posted for it at them, and the projects
answering it that the store lists (:attr:`Project.is_listed`, the pipeline's one rule).
Given to the need page through :func:`inspir_events.needs.lineage.provide`."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.aid.projects.models import Project
from inspir_events.events.models import Event, event_need
from inspir_events.events.rules import EventStatus
from inspir_events.extensions import db
from inspir_events.needs.lineage import LineageItem
from inspir_events.urls import path_for
from inspir_events.voting.models import Idea


def compose(need) -> dict[str, list[LineageItem]]:
    """The events, ideas and projects ``need`` led to, each list in time order."""
    events = db.session.execute(
        select(Event.id, Event.title, Event.starts_at)
        .join(event_need, event_need.c.event_id == Event.id)
        .where(event_need.c.need_id == need.id, Event.status == EventStatus.PUBLISHED)
        .order_by(Event.starts_at)).all()
    ideas = db.session.execute(
        select(Idea.id, Idea.title, Idea.created_at).join(Event, Event.id == Idea.event_id)
        .where(Idea.need_id == need.id, Event.status == EventStatus.PUBLISHED)
        .order_by(Idea.created_at, Idea.id)).all()
    projects = db.session.execute(
        select(Project.id, Project.title, Project.created_at)
        .where(Project.need_id == need.id, Project.is_listed)
        .order_by(Project.created_at, Project.id)).all()
    return {
        "events": [LineageItem(row.title, path_for("events.detail", event_id=row.id),
                               row.starts_at) for row in events],
        "ideas": [LineageItem(row.title, path_for("voting.idea", idea_id=row.id),
                              row.created_at) for row in ideas],
        "projects": [LineageItem(row.title, path_for("aid.project", project_id=row.id),
                                 row.created_at) for row in projects],
    }
