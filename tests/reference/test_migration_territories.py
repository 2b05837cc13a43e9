"""Migration 0021 (issue 20 §3) on data, on SQLite and PostgreSQL: today's free-text
communes get the code of the one commune of their department they name; the others keep
their text and no code; the downgrade keeps the texts."""

from __future__ import annotations

from datetime import datetime

from tests.test_migration_hardening import empty_app, execute  # noqa: F401 (fixture)
from tests.test_migrations import revision_scripts, run_db

REVISION = "0021"
NOW = datetime(2026, 5, 1, 12, 0)
NEEDS = {  # id: (department, free text) -> expected (code, text) after the migration
    1: ("62", "saint-omer", "62765", "Saint-Omer"),
    2: ("59", "  VILLENEUVE D'ASCQ ", "59009", "Villeneuve-d'Ascq"),
    3: ("80", "Amiens", "80021", "Amiens"),
    4: ("80", "Lille", None, "Lille"),  # a commune of another department: unmapped
    5: ("02", "Quartier des Champs", None, "Quartier des Champs"),  # no commune
    6: ("60", None, None, None),
}


def previous_revision() -> str:
    (script,) = [s for s in revision_scripts() if s.revision == REVISION]
    return script.down_revision


def test_free_text_communes_are_mapped_where_the_name_is_unique(empty_app):  # noqa: F811
    app = empty_app
    run_db(app, "upgrade", previous_revision())
    for need_id, (department, text, _code, _name) in NEEDS.items():
        execute(app, "INSERT INTO need (id, title, description, description_html, "
                "department_code, commune, theme_code, status, visibility, supporters_count, "
                "search_text, created_at, updated_at) VALUES (:id, 'Un besoin', 'Texte', "
                "'<p>Texte</p>', :department, :commune, 'transports', 'published', 'public', "
                "0, 'un besoin', :now, :now)", id=need_id, department=department,
                commune=text, now=NOW)
    for event_id, (department, text) in {1: ("59", "lille"), 2: ("62", "Lile")}.items():
        execute(app, "INSERT INTO event (id, title, kind, description, description_html, "
                "starts_at, ends_at, venue_name, venue_address, venue_commune, "
                "department_code, run_by, status, sequence, confirmed_count, created_at, "
                "updated_at) VALUES (:id, 'Atelier', 'atelier', 'x', 'x', :now, :later, "
                "'Salle', 'Rue', :commune, :department, 'region', 'published', 0, 0, :now, "
                ":now)", id=event_id, commune=text, department=department, now=NOW,
                later=datetime(2026, 5, 1, 14, 0))

    run_db(app, "upgrade", REVISION)
    found = dict((row[0], tuple(row[1:])) for row in execute(
        app, "SELECT id, commune_code, commune FROM need"))
    assert found == {need_id: (code, name) for need_id, (_d, _t, code, name) in NEEDS.items()}
    events = {row[0]: tuple(row[1:]) for row in execute(
        app, "SELECT id, venue_commune_code, venue_commune FROM event")}
    assert events == {1: ("59350", "Lille"), 2: (None, "Lile")}

    run_db(app, "downgrade", previous_revision())
    texts = dict(execute(app, "SELECT id, commune FROM need"))
    assert texts == {need_id: name for need_id, (_d, _t, _c, name) in NEEDS.items()}
