"""Database helpers shared by the services: write transactions and conflict-safe inserts."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from inspir_events.extensions import db

# The largest id an INTEGER column holds on PostgreSQL (SQLite's is larger, but a
# Python int past 2**63 cannot even be bound). Ids from URLs and forms are checked
# against it, so a forged huge number is "not found", not a server error.
ID_MAX = 2**31 - 1


def begin_write() -> None:
    """Start the calling use case's write transaction (one per use case).

    Any read-only transaction still open on the session (loading the current
    user, say) is ended first. On SQLite the new transaction is BEGIN
    IMMEDIATE: it waits for the write lock (busy_timeout) and then reads fresh
    rows, instead of failing with "database is locked" at its first write when
    another writer committed in between. PostgreSQL simply starts a new one.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def insert_ignoring_conflicts(model, **values):
    """An INSERT that does nothing when a unique key already holds these values.

    One statement, safe under concurrency on SQLite and PostgreSQL: the result's
    ``rowcount`` is 1 when a row was added, 0 when it already existed.

    ``preserve_rowcount`` is needed: SQLAlchemy only keeps the driver's rowcount
    of UPDATE and DELETE statements; for an INSERT, psycopg's closed cursor then
    reports -1 (sqlite3 happens to keep it), which would move the counters the
    wrong way on PostgreSQL.
    """
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(model).values(**values).on_conflict_do_nothing()
                 .execution_options(preserve_rowcount=True))
    return db.session.execute(statement)


def like_pattern(term: str) -> str:
    """``%term%`` with LIKE's wildcards in ``term`` escaped (use with escape="\\\\")."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
