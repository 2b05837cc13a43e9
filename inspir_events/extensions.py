"""Unbound Flask extensions, initialised by :func:`inspir_events.app.create_app`.

Models import ``db`` from here, never from the application module.
"""

from __future__ import annotations

import sqlite3
import weakref

from flask import has_request_context
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from flask_wtf import CSRFProtect
from sqlalchemy import Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names: Alembic can then alter and drop them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Session.info: the session's transaction is a use case's write transaction (begin_write
# sets it; the transaction's end clears it).
WRITING = "inspir.writing"
READING = "inspir_reading"  # execution option: a connection reading without a transaction
READING_TRANSACTION = "inspir.reading"  # Session.info: the session's transaction that does


class Session(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session, reading without a transaction in requests.

    A page's reads on PostgreSQL ran in a transaction of their own: a BEGIN before its first
    statement and a COMMIT after its last, two round trips for every page (0.15-0.2 ms of
    the server's time, a twentieth of a page). Plain SELECTs see the same rows either way
    (READ COMMITTED: each statement its own snapshot), so in a request, until a use case
    begins its write transaction (``database.begin_write``), the session reads through the
    engine with ``isolation_level="AUTOCOMMIT"``; a use case writes in a transaction as
    before. A statement that would write on such a connection is refused (``database``:
    WriteOutsideTransaction), never run alone.

    SQLite's connections are in autocommit already (the driver's transactions are off,
    ``_sqlite_pragmas``): a reading connection skips the ``BEGIN`` of ``_sqlite_begin``
    (each SELECT its own snapshot, as on PostgreSQL; 0.07 ms of every page), and the same
    writes are refused on it.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if engine.dialect.name not in READ_WITHOUT_TRANSACTION or self.info.get(WRITING):
            return engine
        if has_request_context():
            return _reading(engine)
        # After the request (an application context pushed before it outlives it), the
        # session's next statements go through a transaction again, writes included.
        return engine


_READING_ENGINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _reading(engine):
    """``engine`` in autocommit (the same object each time: the session keeps one connection
    per engine object within its transaction)."""
    reading = _READING_ENGINES.get(engine)
    if reading is None:
        reading = _READING_ENGINES[engine] = engine.execution_options(
            **READ_WITHOUT_TRANSACTION[engine.dialect.name], **{READING: True})
    return reading


# The databases a request reads without a transaction, and the execution options that do it.
READ_WITHOUT_TRANSACTION = {
    "postgresql": {"isolation_level": "AUTOCOMMIT"},
    "sqlite": {},  # in autocommit already: no BEGIN is sent (_sqlite_begin)
}


@event.listens_for(Session, "after_begin")
def _reading_begins(session, transaction, connection) -> None:
    if connection.get_execution_options().get(READING):
        session.info[READING_TRANSACTION] = transaction


@event.listens_for(Session, "after_transaction_end")
def _transaction_ends(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(WRITING, None)
        if session.info.get(READING_TRANSACTION) is transaction:
            del session.info[READING_TRANSACTION]


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})


def str_enum(enum_class, length: int = 24) -> Enum:
    """A column type storing a StrEnum's values as plain strings (checked, portable)."""
    return Enum(enum_class, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda members: [m.value for m in members])
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
socketio = SocketIO()
# Short-lived caches of public pages (in memory, or Redis when REDIS_URL is set).
cache = Cache()
# Outgoing e-mail over SMTP (used by the mail worker only: inspir_events/mail/).
mailman = Mail()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, a 5 s busy timeout and foreign keys on every SQLite connection.

    The driver's own transaction handling is switched off: SQLAlchemy emits
    BEGIN itself (see ``_sqlite_begin``), so a write use case can take the
    write lock up front with BEGIN IMMEDIATE.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """BEGIN, or BEGIN IMMEDIATE for connections marked ``sqlite_begin="IMMEDIATE"``.

    In WAL mode a deferred transaction that read first and writes later fails at
    once ("database is locked") when another writer committed in between; an
    immediate one waits for the lock (busy_timeout) and then sees fresh data.
    """
    if conn.dialect.name == "sqlite":
        options = conn.get_execution_options()
        if options.get(READING):  # a request's reads: each statement on its own
            return
        mode = options.get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

