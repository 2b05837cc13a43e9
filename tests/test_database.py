"""Database connections: SQLite pragmas on every connection, PostgreSQL through psycopg
with ``pool_pre_ping``."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from inspir_events.accounts.models import User, UserRole
from inspir_events.app import create_app
from inspir_events.extensions import db
from tests.conftest import PG_URL
from tests.conftest import testing_config as settings_for


def pragmas(connection) -> tuple:
    return (
        connection.exec_driver_sql("PRAGMA journal_mode").scalar(),
        connection.exec_driver_sql("PRAGMA busy_timeout").scalar(),
        connection.exec_driver_sql("PRAGMA foreign_keys").scalar(),
    )


@pytest.fixture
def fresh_sqlite_app(tmp_path):
    """An app on a new SQLite file: nothing persisted in the file sets WAL beforehand."""
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'fresh.db'}"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_sqlite_connection_gets_the_pragmas(fresh_sqlite_app):
    with fresh_sqlite_app.app_context():
        with db.engine.connect() as first, db.engine.connect() as second:
            assert first.connection.dbapi_connection is not second.connection.dbapi_connection
            assert pragmas(first) == ("wal", 5000, 1)
            assert pragmas(second) == ("wal", 5000, 1)
        assert db.engine.pool.checkedin() == 2

        # A connection made after the pool was emptied gets them too.
        db.engine.dispose()
        with db.engine.connect() as third:
            assert pragmas(third) == ("wal", 5000, 1)


def test_the_busy_timeout_is_the_platforms_not_the_drivers(tmp_path):
    """sqlite3 waits 5 s by default too; the platform sets 5000 ms whatever the driver does."""
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'timeout.db'}",
                                  SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0}}))
    try:
        with app.app_context(), db.engine.connect() as connection:
            assert pragmas(connection) == ("wal", 5000, 1)
    finally:
        with app.app_context():
            db.engine.dispose()


def test_the_sqlite_session_connection_has_the_pragmas(db):
    connection = db.session.connection()
    assert pragmas(connection) == ("wal", 5000, 1)


def test_a_foreign_key_violation_is_refused(db):
    db.session.add(User(email="nobody@example.org", display_name="Nobody",
                        password_hash="x", department_code="99"))
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        db.session.commit()
    db.session.rollback()

    with pytest.raises(IntegrityError):
        db.session.execute(text(
            "INSERT INTO user_role (user_id, role, granted_at) "
            "VALUES (424242, 'admin', CURRENT_TIMESTAMP)"
        ))
    db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM user_account")) == 0


def test_deleting_an_account_cascades_through_the_database(db, make_user):
    user_id = make_user(roles=("admin",)).id
    db.session.expunge_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(UserRole)) == 1
    db.session.execute(text("DELETE FROM user_account WHERE id = :id"), {"id": user_id})
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(UserRole)) == 0


# --- PostgreSQL ------------------------------------------------------------------------------

@pytest.fixture
def pg_app(pg_schema, monkeypatch):
    """An app built the way production builds it: from DATABASE_URL, with the settings
    class's own engine options (the schema is chosen in the URL, not in test options)."""
    url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    monkeypatch.setenv("DATABASE_URL", f"{url}?options=-csearch_path%3D{pg_schema}")
    app = create_app("testing")
    app.config["SERVER_NAME"] = None
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def backend_pid() -> int:
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    db.session.commit()
    return pid


@pytest.mark.postgres
def test_postgresql_uses_psycopg_and_pre_ping(pg_app, pg_schema):
    with pg_app.app_context():
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.dialect.driver == "psycopg"
        assert db.engine.pool._pre_ping is True
        assert db.session.scalar(text("SHOW search_path")) == pg_schema
        assert db.session.scalar(text("SELECT count(*) FROM department")) == 5
        db.session.remove()


@pytest.mark.postgres
def test_a_killed_postgresql_connection_is_replaced_transparently(pg_app):
    killer = create_engine(PG_URL)
    try:
        with pg_app.app_context():
            first = backend_pid()
            db.session.remove()
            assert db.engine.pool.checkedin() == 1

            with killer.begin() as conn:
                assert conn.execute(text("SELECT pg_terminate_backend(:pid)"),
                                    {"pid": first}).scalar() is True

            # The next query checks out the dead connection: pre-ping replaces it.
            assert db.session.scalar(text("SELECT count(*) FROM department")) == 5
            second = backend_pid()
            assert second != first
            db.session.remove()
    finally:
        killer.dispose()
