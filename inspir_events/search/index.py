"""Keeping the search index fresh: in the transaction of every change.

A listener on every session's ``after_flush`` looks at the objects the flush inserted,
changed or deleted; for each registered :class:`~inspir_events.search.registry.Watch` on
their model (and, for a change, on one of its fields) it asks which items of the source
are touched, deletes their rows and writes the documents their source now gives (none for
an item hidden, withdrawn, back to draft or deleted). It runs on the flush's connection,
inside the use case's transaction: the index commits, or rolls back, with the change.

A change made by a bulk UPDATE or DELETE statement is not seen by the listener; the code
that makes one on a watched field calls :func:`refresh` itself (none does today: the
counters updated in bulk are not indexed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from inspir_events.search import rules
from inspir_events.search.models import SearchDocument
from inspir_events.search.registry import EXTENSION, SearchSource, sources

TABLE = SearchDocument.__table__
BATCH = 500


def _row(document: rules.Document) -> dict:
    return {
        "source": document.source,
        "item_id": document.item_id,
        "kind": document.kind,
        "department_code": document.department_code,
        "theme_code": document.theme_code,
        "title": rules.clean(document.title, rules.TITLE_MAX),
        "body": rules.clean(document.body, rules.BODY_MAX),
        "facets": rules.facets(document.kind, document.department_code, document.theme_code),
    }


def refresh(connection: Connection, touched: Mapping[str, Iterable[int]],
            registered: Mapping[str, SearchSource] | None = None) -> None:
    """Index again these items of these sources (by source name), on ``connection``."""
    registered = sources() if registered is None else registered
    for name, ids in touched.items():
        source = registered.get(name)
        wanted = sorted({int(i) for i in ids if i is not None})
        if source is None or not wanted:
            continue
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start:start + BATCH]
            connection.execute(delete(TABLE).where(TABLE.c.source == name,
                                                   TABLE.c.item_id.in_(chunk)))
            rows = [_row(d) for d in source.load(connection, chunk)]
            if rows:
                connection.execute(insert(TABLE), rows)


def rebuild(connection: Connection, registered: Mapping[str, SearchSource] | None = None) -> int:
    """Empty the index and fill it again from every source; the number of documents."""
    registered = sources() if registered is None else registered
    connection.execute(delete(TABLE))
    count = 0
    for source in registered.values():
        rows = [_row(d) for d in source.load(connection, None)]
        for start in range(0, len(rows), BATCH * 10):
            connection.execute(insert(TABLE), rows[start:start + BATCH * 10])
        count += len(rows)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            "INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    return count


def count(connection: Connection) -> int:
    """How many documents the index holds."""
    return connection.execute(select(func.count()).select_from(TABLE)).scalar_one()


def _changed(obj, fields: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


@event.listens_for(Session, "after_flush")
def _follow_flush(session: Session, flush_context) -> None:
    if not has_app_context():
        return
    registered = current_app.extensions.get(EXTENSION)
    if not registered:
        return
    watching: dict[type, list] = defaultdict(list)
    for name, source in registered.items():
        for watch in source.watches:
            watching[watch.model].append((name, watch))
    touched: dict[str, set[int]] = defaultdict(set)
    connection = None
    for objects, dirty in ((session.new, False), (session.dirty, True),
                           (session.deleted, False)):
        for obj in objects:
            for name, watch in watching.get(type(obj), ()):
                if dirty and watch.fields and not _changed(obj, watch.fields):
                    continue
                if connection is None:
                    connection = session.connection()
                touched[name].update(watch.items(connection, obj))
    if touched:
        refresh(connection, touched, registered)
