"""The event as a subject that carries a picture (issue 20 §4): its organisers change it."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.events.access import is_organiser
from inspir_events.events.models import Event
from inspir_events.extensions import db
from inspir_events.pictures.subjects import PictureSubject
from inspir_events.urls import path_for


def _load(event_id: int, lock: bool = False) -> Event | None:
    stmt = select(Event).where(Event.id == event_id)
    return db.session.scalar(stmt.with_for_update() if lock else stmt)


PICTURE_SUBJECT = PictureSubject(
    load=_load, may_change=is_organiser, title=lambda event: event.title,
    url=lambda event: path_for("events.detail", event_id=event.id))
