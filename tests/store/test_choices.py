"""What the store's filters offer, as the database keeps it (``store_choice``, migration
0027's triggers), on SQLite and PostgreSQL: always what the rules give over the projects
(``queries.in_store``, ``rules.store_year``), whatever changes a project, in the transaction
that changes it; and migration 0027 counts the projects already there."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from inspir_events.aid.projects import services as pipeline
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Qualification, Stage
from inspir_events.store import queries, rules
from inspir_events.store.models import StoreChoice
from tests.test_migration_hardening import empty_app, execute  # noqa: F401 (fixture)
from tests.test_migrations import run_db

both_databases = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def kept(db) -> dict[tuple[int, str], int]:
    """The rows the triggers keep (those with entries)."""
    return {(row.year, row.licence): row.entries
            for row in db.session.scalars(select(StoreChoice)) if row.entries}


def counted(db) -> dict[tuple[int, str], int]:
    """The store's entries per year and licence, as the rules count them."""
    return dict(Counter((rules.store_year(p.stage_changed_at), p.licence or "")
                        for p in db.session.scalars(select(Project)) if queries.in_store(p)))


def assert_kept(db) -> None:
    db.session.rollback()  # a fresh transaction: what is committed
    db.session.expire_all()
    assert kept(db) == counted(db)
    choices = queries.filter_choices()
    assert set(choices.licences) == {licence for _, licence in counted(db) if licence}
    assert choices.years == sorted({year for year, _ in counted(db)}, reverse=True)


@both_databases
def test_the_choices_follow_the_rules_for_every_stage_and_qualification(db, make_project):
    for n, (stage, qualification, licence) in enumerate(itertools.product(
            Stage, Qualification, ["MIT", "CC-BY-4.0", None])):
        make_project(f"Projet {n}", stage=stage, qualification=qualification, licence=licence,
                     reached=datetime(2022 + n % 3, 6, 1))
    assert_kept(db)
    # diffusion and abandonne, qualified or oriented to a structure: 2 x 2 x 3 entries.
    assert sum(kept(db).values()) == 12
    assert queries.filter_choices() == queries.FilterChoices(["MIT", "CC-BY-4.0"],
                                                             [2024, 2023, 2022])


@both_databases
def test_every_change_of_a_project_keeps_the_choices_at_once(db, make_project, committee):
    experiment = make_project("Expérience", stage=Stage.EXPERIMENTATION, licence="MIT",
                              reached=datetime(2024, 5, 1))
    shown = make_project("Diffusé", licence="CC-BY-4.0", reached=datetime(2023, 5, 1))
    assert_kept(db)
    assert queries.filter_choices() == queries.FilterChoices(["CC-BY-4.0"], [2023])

    # The committee moves the experiment to diffusion (the real use case): it enters now.
    pipeline.move_project(committee, experiment.id, Stage.DIFFUSION, "Diffusons-le.")
    assert_kept(db)
    year = rules.store_year(db.session.get(Project, experiment.id).stage_changed_at)
    assert queries.filter_choices() == queries.FilterChoices(["MIT", "CC-BY-4.0"],
                                                             [year, 2023])

    # Its licence changes (the committee's details form).
    pipeline.update_project_details(committee, experiment.id, pipeline.DetailsInput(
        licence="CC-BY-4.0", repository_url="https://forge.example.org/projet",
        results="Les résultats sont documentés."))
    assert_kept(db)
    assert queries.filter_choices().licences == ["CC-BY-4.0"]

    # Its qualification, stage, licence and time, each changed alone or together.
    for values in ({"qualification": Qualification.ORIENTED_PROGRAMME},
                   {"qualification": Qualification.QUALIFIED},
                   {"licence": None}, {"stage_changed_at": datetime(2020, 12, 31, 23, 30)},
                   {"stage": Stage.ABANDONNE, "licence": "MIT"},
                   {"stage": Stage.PROJET}, {"title": "Renommé"},
                   {"stage": Stage.DIFFUSION, "qualification": Qualification.AWAITING},
                   {"qualification": Qualification.ORIENTED_STRUCTURE}):
        db.session.execute(update(Project).where(Project.id == shown.id).values(**values))
        db.session.commit()
        assert_kept(db)

    db.session.execute(delete(Project).where(Project.id == shown.id))
    db.session.commit()
    assert_kept(db)
    assert queries.filter_choices().licences == ["CC-BY-4.0"]


@both_databases
def test_a_rolled_back_change_leaves_the_choices_as_they_were(db, make_project):
    project = make_project(licence="MIT", reached=datetime(2024, 5, 1))
    db.session.execute(update(Project).where(Project.id == project.id).values(licence="GPL-3.0"))
    assert queries.filter_choices().licences == ["GPL-3.0"]  # the transaction sees it
    db.session.rollback()
    assert queries.filter_choices() == queries.FilterChoices(["MIT"], [2024])


@both_databases
def test_the_database_tells_the_paris_year_as_the_rule(db, make_project):
    """The triggers' year (SQLite's string comparisons, PostgreSQL's interval) is
    rules.store_year for every half hour around each new year, 2000 to 2100, and for
    moments of the rest of the year."""
    moments = [datetime(year, 12, 31, 21) + timedelta(minutes=30 * n)
               for year in range(rules.YEAR_MIN - 1, rules.YEAR_MAX + 1) for n in range(8)]
    moments += [datetime(2024, 2, 29, 12, 5, 7, 123456), datetime(2024, 12, 30, 23, 59),
                datetime(2025, 6, 30, 22, 30), datetime(2025, 1, 1, 0, 0)]
    projects = [make_project(f"Projet {n}", licence=f"L{n}") for n in range(40)]
    for start in range(0, len(moments), len(projects)):
        batch = list(zip(projects, moments[start:start + len(projects)], strict=False))
        for project, moment in batch:
            db.session.execute(update(Project).where(Project.id == project.id)
                               .values(stage_changed_at=moment))
        years = {licence: year for (year, licence) in kept(db)}
        assert [years[project.licence] for project, _ in batch] == \
            [rules.store_year(moment) for _, moment in batch], batch
    db.session.rollback()


def test_migration_0027_counts_the_projects_already_there(empty_app):  # noqa: F811
    app = empty_app
    run_db(app, "upgrade", "0026")
    rows = [("diffusion", "qualified", "MIT", "2024-06-01 10:00:00"),
            ("diffusion", "oriented_structure", "MIT", "2024-12-31 23:30:00"),
            ("abandonne", "qualified", None, "2024-03-01 10:00:00"),
            ("diffusion", "awaiting", "MIT", "2024-06-01 10:00:00"),
            ("experimentation", "qualified", "GPL-3.0", "2024-06-01 10:00:00")]
    for n, (stage, qualification, licence, reached) in enumerate(rows, start=1):
        execute(app, "INSERT INTO project (id, title, summary, summary_html, stage, origin, "
                "qualification, licence, results, results_html, lessons, lessons_html, "
                "search_text, reproductions_count, stage_changed_at, created_at, updated_at) "
                "VALUES (:id, 'Projet', 'x', 'x', :stage, 'direct', :qualification, :licence, "
                "'', '', '', '', 'projet', 0, :reached, :reached, :reached)", id=n, stage=stage,
                qualification=qualification, licence=licence, reached=reached)
    run_db(app, "upgrade", "0027")
    choices = "SELECT year, licence, entries FROM store_choice WHERE entries > 0"
    assert {(y, lic): e for y, lic, e in execute(app, choices)} == \
        {(2024, "MIT"): 1, (2025, "MIT"): 1, (2024, ""): 1}
    execute(app, "UPDATE project SET stage = 'diffusion' WHERE id = 5")
    assert {(y, lic): e for y, lic, e in execute(app, choices)} == \
        {(2024, "MIT"): 1, (2025, "MIT"): 1, (2024, ""): 1, (2024, "GPL-3.0"): 1}
    run_db(app, "downgrade", "0026")
    execute(app, "UPDATE project SET stage = 'abandonne' WHERE id = 1")  # no trigger left
    run_db(app, "upgrade", "head")
