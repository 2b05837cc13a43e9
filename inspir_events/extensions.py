"""Unbound Flask extensions, initialised by :func:`inspir_events.app.create_app`.

Models import ``db`` from here, never from the application module.
"""

from __future__ import annotations

import sqlite3

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
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


db = SQLAlchemy(model_class=Base)


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
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

