"""Migration 0020 fills the index from the rows already there (by the sources' rules)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from inspir_events.extensions import db
from tests.test_migrations import empty_postgres, empty_sqlite, run_db  # noqa: F401

NEEDS = """
INSERT INTO user_account (id, email, display_name, password_hash, bio, created_at)
VALUES (1, 'a@example.org', 'Autrice', 'x', '', '2026-01-01');
INSERT INTO need (id, author_id, title, description, description_html, search_text,
                  department_code, theme_code, status, visibility, supporters_count,
                  created_at, updated_at)
VALUES (1, 1, 'Épicerie solidaire', 'Une épicerie', '<p>Une <em>épicerie</em></p>', '',
        '80', 'transports', 'published', 'public', 0, '2026-01-01', '2026-01-01'),
       (2, 1, 'Épicerie cachée', 'Cachée', '<p>Cachée</p>', '',
        '80', 'transports', 'published', 'hidden', 0, '2026-01-01', '2026-01-01');
"""


def fill_and_upgrade(app) -> list:
    run_db(app, "upgrade", "0016")
    with app.app_context():
        with db.engine.begin() as connection:
            for statement in NEEDS.split(";"):
                if statement.strip():
                    connection.execute(text(statement))
        db.engine.dispose()
    run_db(app, "upgrade")
    with app.app_context():
        rows = db.session.execute(text(
            "SELECT source, item_id, kind, department_code, title, body "
            "FROM search_document")).all()
        db.session.remove()
        db.engine.dispose()
    return [tuple(row) for row in rows]


def test_the_migration_fills_the_index_on_sqlite(empty_sqlite):  # noqa: F811
    assert fill_and_upgrade(empty_sqlite) == [
        ("need", 1, "need", "80", "Épicerie solidaire", "Une épicerie")]


@pytest.mark.postgres
def test_the_migration_fills_the_index_on_postgresql(empty_postgres):  # noqa: F811
    assert fill_and_upgrade(empty_postgres) == [
        ("need", 1, "need", "80", "Épicerie solidaire", "Une épicerie")]
