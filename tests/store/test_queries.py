"""The store's catalogue: only listed diffusion/abandonne projects; filters, search, sorts,
pages (read through inspir_events.store.queries, which the API calls too)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Qualification, Stage
from inspir_events.store import queries, rules
from inspir_events.store.queries import Sort, StoreFilters

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def titles(filters=None, offset=0, limit=20):
    items, _total = queries.store_entries(filters or StoreFilters(), offset, limit)
    return [p.title for p in items]


def test_only_listed_diffusion_and_stopped_projects_are_in_the_store(db, make_project):
    shown = make_project("Diffusé")
    stopped = make_project("Arrêté", stage=Stage.ABANDONNE)
    oriented_structure = make_project("Accompagné ailleurs",
                                      qualification=Qualification.ORIENTED_STRUCTURE)
    hidden = [make_project("Idée", stage=Stage.IDEE), make_project("Projet", stage=Stage.PROJET),
              make_project("Expérience", stage=Stage.EXPERIMENTATION),
              make_project("En attente", qualification=Qualification.AWAITING),
              make_project("Orienté", qualification=Qualification.ORIENTED_PROGRAMME),
              make_project("Abandon en attente", stage=Stage.ABANDONNE,
                           qualification=Qualification.AWAITING)]
    items, total = queries.store_entries(StoreFilters())
    assert {p.id for p in items} == {shown.id, stopped.id, oriented_structure.id}
    assert total == 3
    for project in hidden:
        assert not queries.in_store(project)
        assert queries.store_project(project.id) is None
        # Neither search nor any filter brings them back.
        for filters in (StoreFilters(q=project.title), StoreFilters(stage=Stage(project.stage)),
                        StoreFilters(theme="transports", department="80", licence="MIT")):
            assert project.title not in titles(filters)
    assert queries.store_project(shown.id) is shown
    assert queries.store_project(0) is None and queries.store_project(2**40) is None


@BACKENDS
def test_each_filter(db, backend, make_project):
    make_project("Bus Somme", department="80", theme="transports", licence="MIT",
                 reached=datetime(2025, 6, 1))
    make_project("Santé Nord", department="59", theme="sante", licence="CC-BY-4.0",
                 reached=datetime(2024, 6, 1))
    make_project("Arrêt Oise", department="60", theme="transports", licence=None,
                 stage=Stage.ABANDONNE, reached=datetime(2024, 3, 1))
    assert titles(StoreFilters(theme="sante")) == ["Santé Nord"]
    assert titles(StoreFilters(department="80")) == ["Bus Somme"]
    assert titles(StoreFilters(licence="CC-BY-4.0")) == ["Santé Nord"]
    assert titles(StoreFilters(stage=Stage.ABANDONNE)) == ["Arrêt Oise"]
    assert titles(StoreFilters(stage=Stage.DIFFUSION)) == ["Bus Somme", "Santé Nord"]
    assert titles(StoreFilters(year=2024)) == ["Santé Nord", "Arrêt Oise"]
    assert titles(StoreFilters(year=2023)) == []
    assert titles(StoreFilters(theme="transports", year=2024)) == ["Arrêt Oise"]
    assert queries.filter_choices() == queries.FilterChoices(["MIT", "CC-BY-4.0"], [2025, 2024])


@BACKENDS
def test_the_year_is_the_paris_year_of_reaching_the_store(db, backend, make_project):
    # 31 December 2025, 23:30 UTC is already 1 January 2026 in Paris.
    make_project("Nouvel an", reached=datetime(2025, 12, 31, 23, 30))
    assert titles(StoreFilters(year=2026)) == ["Nouvel an"]
    assert titles(StoreFilters(year=2025)) == []
    # The years the filter offers are the same Paris years (counted by the database).
    make_project("Réveillon", reached=datetime(2024, 12, 31, 22, 30))  # 23:30 in Paris
    make_project("Été", reached=datetime(2023, 6, 30, 22, 30))  # 1 July, 00:30 in Paris
    assert queries.filter_choices().years == [2026, 2024, 2023]
    assert queries.catalogue_page(StoreFilters(), 0, 20).choices.years == [2026, 2024, 2023]


def test_the_database_s_paris_year_is_the_rule_s():
    """rules.store_year_by_offset (what the database computes) is rules.store_year for
    every hour around each new year and each change of time, 2000 to 2100."""
    moments = []
    for year in range(rules.YEAR_MIN, rules.YEAR_MAX + 1):
        for month, day in ((1, 1), (3, 25), (10, 25)):
            start = datetime(year, month, day) - timedelta(days=1)
            moments += [start + timedelta(minutes=30 * n) for n in range(8 * 48)]
    assert all(rules.store_year_by_offset(m) == rules.store_year(m) for m in moments)


def test_search_ignores_accents_and_case_and_needs_every_word(db, make_project):
    make_project("Navette déjà testée", summary="Un minibus pour l'hôpital d'Abbeville.")
    make_project("Carnet des aidants", results="Les **infirmières** l'ont adopté.")
    make_project("Cantine", stage=Stage.ABANDONNE, lessons="Trop cher à l'été.")
    assert titles(StoreFilters(q="deja")) == ["Navette déjà testée"]
    assert titles(StoreFilters(q="HOPITAL abbeville")) == ["Navette déjà testée"]
    assert titles(StoreFilters(q="hopital aidants")) == []
    assert titles(StoreFilters(q="infirmieres")) == ["Carnet des aidants"]  # results
    assert titles(StoreFilters(q="ete")) == ["Cantine"]  # lessons
    assert titles(StoreFilters(q="100%_")) == []  # LIKE wildcards are escaped


def test_both_sorts(db, make_project):
    make_project("Ancien très repris", reached=datetime(2024, 1, 10), reproductions=5)
    make_project("Récent peu repris", reached=datetime(2025, 1, 10), reproductions=1)
    make_project("Moyen", reached=datetime(2024, 6, 10), reproductions=3)
    assert titles(StoreFilters(sort=Sort.NEWEST)) == ["Récent peu repris", "Moyen",
                                                      "Ancien très repris"]
    assert titles(StoreFilters(sort=Sort.REPRODUCED)) == ["Ancien très repris", "Moyen",
                                                          "Récent peu repris"]


def test_pages_of_twenty(db, make_project):
    for n in range(45):
        make_project(f"Projet {n:02d}")
    first, total = queries.store_entries(StoreFilters(), 0, 20)
    third, _ = queries.store_entries(StoreFilters(), 40, 20)
    assert total == 45 and len(first) == 20 and len(third) == 5
    assert first[0].title == "Projet 44" and third[-1].title == "Projet 00"
    beyond, _ = queries.store_entries(StoreFilters(), 10_000, 20)
    assert beyond == []
    capped, _ = queries.store_entries(StoreFilters(), 0, 10_000)
    assert len(capped) == 45  # at most MAX_LIMIT


def test_filters_from_a_query_string_are_lenient():
    filters = queries.filters_from({"theme": "sante", "department": "80", "licence": "MIT",
                                    "stage": "abandonne", "year": "2024", "q": " déjà ",
                                    "sort": "reproduced"})
    assert filters == StoreFilters(theme="sante", department="80", licence="MIT",
                                   stage=Stage.ABANDONNE, year=2024, q="déjà",
                                   sort=Sort.REPRODUCED)
    junk = queries.filters_from({"stage": "idee", "year": "99999999999", "sort": "x",
                                 "theme": ""})
    assert junk == StoreFilters()
    assert queries.filters_from({"year": "abc"}).year is None


def test_a_store_statement_is_built_once_per_shape_of_its_filters():
    """Two pages whose filters differ only in their values share one statement (built
    and keyed once: issue 21 §6); the values go as its parameters."""
    (first, first_params), (second, second_params) = (
        queries._statement(StoreFilters(department=code, year=year, q="navette"))
        for code, year in (("80", 2024), ("59", 2025)))
    assert first is second
    assert (first_params["department"], second_params["department"]) == ("80", "59")
    assert first_params["year_start"] < second_params["year_start"]
    assert queries._statement(StoreFilters(department="80", q="navette"))[0] is not first
    assert queries._statement(StoreFilters(department="80", year=2024, q="navette",
                                           sort=Sort.REPRODUCED))[0] is not first


@BACKENDS
def test_a_catalogue_page_reads_its_projects_as_the_columns_their_cards_show(db, backend,
                                                                             make_project):
    """queries.catalogue_page reads CARD_FIELDS, not Project objects (loading twenty of them
    cost more than running the page's statement)."""
    make_project(title="Un jardin partagé")
    db.session.expunge_all()
    page = queries.catalogue_page(StoreFilters(), 0, 20)
    assert [row.title for row in page.items] == ["Un jardin partagé"] and page.total == 1
    assert not any(isinstance(obj, Project) for obj in db.session.identity_map.values())


@BACKENDS
def test_a_catalogue_page_and_its_total_are_one_statement(db, backend, make_project,
                                                          statements_run):
    """The page's rows, how many entries its filters keep (a window count over the page's
    ids) and what the filters offer come together; only a page without entries counts and
    reads the choices on their own."""
    for n in range(3):
        make_project(title=f"Atelier vélo {n}", department="80" if n else "59")
    make_project(title="Jardin", department="80")
    cases = {(StoreFilters(), 0, 2): (2, 4), (StoreFilters(department="80"), 0, 20): (3, 3),
             (StoreFilters(q="velo"), 2, 2): (1, 3), (StoreFilters(q="velo"), 40, 20): (0, 3),
             (StoreFilters(q="nulle part"), 0, 20): (0, 0)}
    for (filters, offset, limit), (shown, total) in cases.items():
        with statements_run() as seen:
            page = queries.catalogue_page(filters, offset, limit)
        assert (len(page.items), page.total) == (shown, total), filters
        assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == (
            1 if shown else 3), (filters, seen)
        assert page.choices == queries.filter_choices()


def test_the_store_s_listing_is_read_from_its_covering_index(db, make_project):
    """The store's page and its count read what they ask of each listed project — stage,
    qualification, time of reaching it — from ``ix_project_store`` alone (SQLite: a
    covering index), not from the projects' long rows (a quarter of the store's statement);
    only the page's own projects are read by id, and its filters' choices from the few rows
    the database keeps for them (``store_choice``), not from the projects at all."""
    from sqlalchemy import event

    for n in range(4):
        make_project(title=f"Atelier {n}", licence="MIT" if n % 2 else None)
    make_project(title="Une idée", stage=Stage.IDEE)
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = queries.catalogue_page(StoreFilters(), 0, 20)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert page.total == 4 and page.choices.licences == ["MIT"]
    statement, parameters = next((s, p) for s, p in sent
                                 if s.lstrip().upper().startswith("SELECT"))
    with db.engine.connect() as connection:
        plan = [row[3] for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters)]
    reads = [step for step in plan if re.search(r"\b(SCAN|SEARCH) project\b", step)]
    by_index = [step for step in reads if "COVERING INDEX ix_project_store" in step]
    by_id = [step for step in reads if "INTEGER PRIMARY KEY" in step]
    assert len(by_index) == 1 and len(by_index) + len(by_id) == len(reads), plan
    assert len([step for step in plan if re.search(r"\bstore_choice\b", step)]) == 2, plan


@BACKENDS
def test_the_store_entries_index_holds_the_store_s_rule(db, backend, make_project):
    """``ix_project_store_listed``'s condition (SQL text, migration 0028) keeps exactly the
    projects ``queries.in_store`` keeps, for every stage and qualification; on PostgreSQL the
    store's page reads its entries from it (the statement states the same condition, its
    constants written in its text), not from every project's row."""
    from sqlalchemy import event, text

    from inspir_events.aid.projects.models import STORE_ENTRY

    projects = [make_project(f"Projet {stage} {qualification}", stage=stage,
                             qualification=qualification)
                for stage in Stage for qualification in Qualification]
    kept = set(db.session.scalars(text(f"SELECT id FROM project WHERE {STORE_ENTRY}")))  # noqa: S608 - a constant
    assert kept == {p.id for p in projects if queries.in_store(p)} and len(kept) == 4
    if backend != "postgres":
        return
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        queries.catalogue_page(StoreFilters(), 0, 20)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = next((s, p) for s, p in sent if "FROM project" in s)
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a few rows: no scan
    plan = "\n".join(row[0] for row in connection.exec_driver_sql(
        "EXPLAIN " + statement, parameters))
    db.session.rollback()
    assert "ix_project_store_listed" in plan, plan
