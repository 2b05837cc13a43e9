"""The event as the site's search finds it (search/registry.py), registered with the
events blueprint: a published event (never a draft; a cancelled one leaves the search),
its title, description, venue and commune, its department."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus
from inspir_events.search.registry import SearchSource, Watch
from inspir_events.search.rules import Document, plain_text
from inspir_events.urls import path_for

SOURCE = "event"


def documents(connection, ids) -> list[Document]:
    statement = select(Event.id, Event.title, Event.description_html, Event.venue_name,
                       Event.venue_commune, Event.department_code).where(
        Event.status == EventStatus.PUBLISHED)
    if ids is not None:
        statement = statement.where(Event.id.in_(ids))
    return [Document(source=SOURCE, item_id=row.id, kind="event", title=row.title,
                     body=" ".join((plain_text(row.description_html), row.venue_name or "",
                                    row.venue_commune or "")),
                     department_code=row.department_code)
            for row in connection.execute(statement)]


SEARCH_SOURCE = SearchSource(
    kinds={"event": _l("Events")},
    load=documents,
    url=lambda kind, item_id: path_for("events.detail", event_id=item_id),
    watches=(Watch(Event, lambda connection, event: [event.id],
                   fields=("title", "description_html", "venue_name", "venue_commune",
                           "department_code", "status")),),
)
