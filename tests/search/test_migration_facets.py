"""Migration 0023 (issue 20 §2) on data, on SQLite and PostgreSQL: every document's facets
are written again as the kind joined to its department and theme; SQLite's index finds
them by the new words at once; the downgrade writes the former words back."""

from __future__ import annotations

from tests.test_migration_hardening import empty_app, execute  # noqa: F401 (fixture)
from tests.test_migrations import run_db

DOCUMENTS = {  # id: (kind, department, theme, former facets, facets after 0023)
    1: ("need", "80", "services_publics", "kindneed dep80 themeservicespublics",
        "kneed d80 kdneed80 tservicespublics ktneedservicespublics"),
    2: ("event", "59", None, "kindevent dep59", "kevent d59 kdevent59"),
    3: ("structure", None, None, "kindstructure", "kstructure"),
}


def test_every_document_gets_the_joined_facet_words(empty_app):  # noqa: F811
    app = empty_app
    run_db(app, "upgrade", "0022")
    for doc_id, (kind, department, theme, former, _new) in DOCUMENTS.items():
        execute(app, "INSERT INTO search_document (id, source, item_id, kind, "
                "department_code, theme_code, title, body, facets) VALUES (:id, :kind, :id, "
                ":kind, :department, :theme, 'Covoiturage rural', 'Un texte', :facets)",
                id=doc_id, kind=kind, department=department, theme=theme, facets=former)

    run_db(app, "upgrade", "0023")
    facets = dict(execute(app, "SELECT id, facets FROM search_document"))
    assert facets == {doc_id: new for doc_id, (*_, new) in DOCUMENTS.items()}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        found = [row[0] for row in execute(
            app, "SELECT rowid FROM search_fts WHERE search_fts MATCH "
            "'covoiturage AND facets : kdneed80'")]
        assert found == [1]
        assert list(execute(app, "SELECT rowid FROM search_fts WHERE search_fts MATCH "
                            "'facets : kindneed'")) == []

    run_db(app, "downgrade", "0022")
    facets = dict(execute(app, "SELECT id, facets FROM search_document"))
    assert facets == {doc_id: former for doc_id, (_k, _d, _t, former, _n) in DOCUMENTS.items()}
