"""The migrations build the models' schema on SQLite and PostgreSQL, and undo it.

Each test starts from an empty database (a new SQLite file, or a PostgreSQL
schema of its own reached through ``search_path``) and drives the real
``flask db`` commands through the CLI runner.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from inspir_events.app import create_app
from inspir_events.extensions import db
from inspir_events.reference.models import Department, Skill, Theme
from inspir_events.search.models import include_in_comparison
from tests.conftest import PG_URL, fresh_pg_schema, pg_options
from tests.conftest import testing_config as settings_for

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


@pytest.fixture
def empty_sqlite(tmp_path):
    path = tmp_path / "empty.db"
    assert not path.exists()
    app = create_app(settings_for(f"sqlite:///{path}"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def empty_postgres():
    with fresh_pg_schema("m") as schema:
        app = create_app(settings_for(PG_URL, SQLALCHEMY_ENGINE_OPTIONS=pg_options(schema)))
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def run_db(app, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, (result.output, result.exception)


def table_names(app) -> set[str]:
    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
        db.session.remove()
        db.engine.dispose()  # the next command sees the schema afresh
        return names


def check_upgraded(app) -> None:
    with app.app_context():
        with db.engine.connect() as connection:
            # The search engines' own objects (search/models.py) are left out, as the
            # app's autogenerate does.
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_object": include_in_comparison})
            assert compare_metadata(context, db.metadata) == []
            assert context.get_current_revision() is not None
        codes = set(db.session.scalars(select(Department.code)))
        assert codes == {"02", "59", "60", "62", "80"}
        assert db.session.scalar(select(db.func.count()).select_from(Theme)) >= 10
        assert db.session.scalar(select(db.func.count()).select_from(Skill)) > 0
        db.session.remove()
    model_tables = {t.name for t in db.metadata.sorted_tables}
    assert model_tables <= table_names(app)


def upgrade_downgrade_upgrade(app) -> None:
    assert table_names(app) == set()

    run_db(app, "upgrade")
    check_upgraded(app)

    run_db(app, "downgrade", "base")
    assert table_names(app) <= {"alembic_version"}
    with app.app_context():
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() is None
        db.engine.dispose()

    run_db(app, "upgrade")
    check_upgraded(app)


def test_upgrade_and_downgrade_on_an_empty_sqlite_file(empty_sqlite):
    upgrade_downgrade_upgrade(empty_sqlite)


@pytest.mark.postgres
def test_upgrade_and_downgrade_on_postgresql(empty_postgres):
    with empty_postgres.app_context():
        assert db.engine.dialect.name == "postgresql"
    upgrade_downgrade_upgrade(empty_postgres)


def test_compare_metadata_sees_a_model_the_migrations_lack(empty_sqlite):
    """The autogenerate check above can fail: an extra column is reported."""
    run_db(empty_sqlite, "upgrade")
    with empty_sqlite.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE theme ADD COLUMN stray INTEGER"))
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert any(d[0] == "remove_column" and d[2] == "theme" for d in diffs), diffs


def revision_files() -> list[Path]:
    files = sorted(p for p in VERSIONS.glob("*.py") if not p.name.startswith("__"))
    assert files, "no revision file"
    return files


def revision_scripts() -> list:
    alembic_config = AlembicConfig()
    alembic_config.set_main_option("script_location", str(VERSIONS.parent))
    return list(ScriptDirectory.from_config(alembic_config).walk_revisions())


def test_every_revision_file_is_in_one_history():
    scripts = revision_scripts()
    assert {Path(s.path).resolve() for s in scripts} == {p.resolve() for p in revision_files()}
    assert len([s for s in scripts if s.down_revision is None]) == 1
    assert len([s for s in scripts if s.is_head]) == 1


@pytest.mark.parametrize("script", revision_scripts(), ids=lambda s: s.revision)
def test_revision_has_a_message_and_a_real_downgrade(script):
    name = Path(script.path).name
    # What `flask db history` shows: the docstring's first paragraph.
    assert script.doc.strip(), f"{name} has no message"
    assert script.doc.strip().lower() != "empty message", f"{name}: `flask db migrate` without -m"
    first_line = script.longdoc.splitlines()[0].strip()
    assert first_line and not first_line.startswith("Revision ID"), (
        f"{name}: the docstring must start with the message"
    )

    module = ast.parse(Path(script.path).read_text(encoding="utf-8"))
    functions = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    for function in ("upgrade", "downgrade"):
        assert function in functions, f"{name} has no {function}()"
        body = [
            stmt for stmt in functions[function].body
            if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
        ]
        assert body, f"{name}: {function}() does nothing"
        assert not all(isinstance(stmt, ast.Pass | ast.Return) for stmt in body), (
            f"{name}: {function}() is only `pass`"
        )
