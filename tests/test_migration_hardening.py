"""Migration 0012 (issue 18) on data, on SQLite and PostgreSQL: existing calendar tokens are
hashed and their addresses keep working, duplicate reports collapse to the first, a deleted
account's stored French name is emptied; the downgrade undoes what it can."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from sqlalchemy import text

from inspir_events.events import participation
from inspir_events.extensions import db
from tests.conftest import PG_URL, fresh_pg_schema, pg_options
from tests.conftest import testing_config as settings_for
from tests.test_migrations import run_db

REVISION = "0012"
TOKEN = "an-old-clear-calendar-token-from-before-0012"
NOW = datetime(2026, 5, 1, 12, 0)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_app(request, tmp_path):
    from inspir_events.app import create_app

    if request.param == "sqlite":
        app = create_app(settings_for(f"sqlite:///{tmp_path / 'm.db'}"))
        yield app
    else:
        with fresh_pg_schema("h") as schema:
            app = create_app(settings_for(PG_URL, SQLALCHEMY_ENGINE_OPTIONS=pg_options(schema)))
            yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def previous_revision() -> str:
    from tests.test_migrations import revision_scripts

    (script,) = [s for s in revision_scripts() if s.revision == REVISION]
    return script.down_revision


def execute(app, sql: str, **values):
    with app.app_context():
        with db.engine.begin() as connection:
            result = connection.execute(text(sql), values)
            rows = result.all() if result.returns_rows else None
        db.engine.dispose()
    return rows


def test_the_hardening_revision_on_data(empty_app):
    app = empty_app
    run_db(app, "upgrade", previous_revision())
    for n, (name, password) in enumerate((("Alice", "argon2-hash"),
                                          ("Compte supprimé", "!deleted")), start=1):
        execute(app, "INSERT INTO user_account (id, email, display_name, password_hash, bio, "
                "created_at) VALUES (:id, :email, :name, :password, '', :now)",
                id=n, email=f"u{n}@example.org", name=name, password=password, now=NOW)
    execute(app, "INSERT INTO calendar_feed (user_id, token, created_at) "
            "VALUES (1, :token, :now)", token=TOKEN, now=NOW)
    execute(app, "INSERT INTO need (id, author_id, title, description, description_html, "
            "department_code, theme_code, status, visibility, supporters_count, search_text, "
            "created_at, updated_at) VALUES (1, 1, 'Un bus', 'Texte', '<p>Texte</p>', '80', "
            "'transports', 'published', 'public', 0, 'un bus', :now, :now)", now=NOW)
    for n in range(3):
        execute(app, "INSERT INTO need_report (need_id, reporter_id, reason, created_at) "
                "VALUES (1, 1, :reason, :now)", reason=f"doublon {n}", now=NOW)
    for n in range(2):  # reports of deleted reporters: kept, the constraint ignores NULLs
        execute(app, "INSERT INTO need_report (need_id, reporter_id, reason, created_at) "
                "VALUES (1, NULL, :reason, :now)", reason=f"anonyme {n}", now=NOW)

    run_db(app, "upgrade", REVISION)
    [(stored,)] = execute(app, "SELECT token_hash FROM calendar_feed")
    assert stored == hashlib.sha256(TOKEN.encode()).hexdigest()
    reasons = execute(app, "SELECT reason FROM need_report ORDER BY id")
    assert [r for (r,) in reasons] == ["doublon 0", "anonyme 0", "anonyme 1"]
    names = execute(app, "SELECT display_name FROM user_account ORDER BY id")
    assert [n for (n,) in names] == ["Alice", ""]
    # The old address works with today's code (whose models need every later revision).
    run_db(app, "upgrade", "head")
    with app.app_context():
        user_id, _events = participation.events_of_feed(TOKEN)
        assert user_id == 1
        db.session.remove()

    run_db(app, "downgrade", previous_revision())
    assert execute(app, "SELECT count(*) FROM calendar_feed") == [(0,)]
    names = execute(app, "SELECT display_name FROM user_account ORDER BY id")
    assert [n for (n,) in names] == ["Alice", "Compte supprimé"]
