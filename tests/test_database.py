"""Database connections: SQLite pragmas on every connection, PostgreSQL through psycopg,
its pooled connections checked at checkout (database.watch_dropped_connections)."""

from __future__ import annotations

import contextlib

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

import config
from inspir_events.accounts.models import User, UserRole
from inspir_events.app import create_app
from inspir_events.database import WriteOutsideTransaction, begin_write, end_reads
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
def test_postgresql_uses_psycopg(pg_app, pg_schema):
    with pg_app.app_context():
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.dialect.driver == "psycopg"
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
                # (waiting, up to 5 s, for the backend to be gone)
                assert conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"),
                                    {"pid": first}).scalar() is True

            # The next query checks out the dead connection: its socket, readable (the
            # server's goodbye), has it replaced.
            assert db.session.scalar(text("SELECT count(*) FROM department")) == 5
            second = backend_pid()
            assert second != first
            db.session.remove()
    finally:
        killer.dispose()


@contextlib.contextmanager
def checked_app(pg_schema: str, monkeypatch, ping_after_idle: float, fail: bool = False):
    """An app built from DATABASE_URL whose pooled connections are pinged after
    ``ping_after_idle`` seconds in the pool, and the list of its pings (each failing when
    ``fail``: a connection whose path was cut)."""
    url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    settings = config.load("testing", environ={
        "DATABASE_URL": f"{url}?options=-csearch_path%3D{pg_schema}"})
    settings.DATABASE_PING_AFTER_IDLE = ping_after_idle
    app = create_app(settings)
    app.config["SERVER_NAME"] = None
    pings: list[int] = []
    with app.app_context():
        dialect = db.engine.dialect
        original = dialect.do_ping

        def counted(dbapi_connection):
            pings.append(1)
            if fail:
                raise psycopg.OperationalError("no answer (a cut path)")
            return original(dbapi_connection)

        monkeypatch.setattr(dialect, "do_ping", counted)
    try:
        yield app, pings
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.postgres
def test_pooled_connections_are_checked_without_a_round_trip(pg_schema, monkeypatch):
    """Request after request, a pooled connection is not pinged (its socket is asked, no
    ``SELECT 1``): the check costs no round trip (issue 21 §6)."""
    with checked_app(pg_schema, monkeypatch, 30.0) as (app, pings):
        client = app.test_client()
        for _ in range(5):
            assert client.get("/readyz").status_code == 200
        assert pings == []
        with app.app_context():  # and a healthy connection is kept, never replaced
            pids = set()
            for _ in range(5):
                pids.add(backend_pid())
                db.session.remove()
            assert len(pids) == 1 and db.engine.pool.checkedin() == 1


@pytest.mark.postgres
def test_a_connection_idle_too_long_is_pinged_and_replaced_when_it_does_not_answer(
        pg_schema, monkeypatch):
    """A connection back in the pool for ``DATABASE_PING_AFTER_IDLE`` seconds is pinged at
    checkout (its path may have been cut silently); one that does not answer is replaced
    and the request succeeds."""
    with checked_app(pg_schema, monkeypatch, 0.0) as (app, pings), app.app_context():
        first = backend_pid()
        db.session.remove()
        second = backend_pid()
        db.session.remove()
        assert first == second and pings == [1]  # pinged once, answered, kept
    with checked_app(pg_schema, monkeypatch, 0.0, fail=True) as (app, pings), \
            app.app_context():
        first = backend_pid()
        db.session.remove()
        assert db.session.scalar(text("SELECT count(*) FROM department")) == 5
        assert backend_pid() != first  # replaced: a new backend
        assert pings
        db.session.remove()


# ---- a page's reads end by COMMIT on PostgreSQL (database.end_reads) --------------------

def prepared_statements() -> list[str]:
    """The statements prepared on the connection the pool hands out next (the tests run
    one request at a time: always the same connection)."""
    with db.engine.connect() as connection:
        return list(connection.execute(text("SELECT statement FROM pg_prepared_statements"))
                    .scalars())


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_on_postgresql_a_page_s_statements_get_prepared_across_requests(app, client):
    # psycopg prepares a statement on its fifth run on a connection and forgets them all
    # at each ROLLBACK: pages ended by the session's rollback were planned every time.
    for _ in range(6):
        assert client.get("/needs").status_code == 200
    with app.app_context():
        prepared = prepared_statements()
    assert any("FROM need_public_count" in statement for statement in prepared), prepared


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_on_postgresql_a_search_keeps_the_connection_s_prepared_statements(app, client,
                                                                          make_user):
    # The search sets its own planning (SET LOCAL) by the driver and marks its text SELECT
    # as reading only: as writes, its page ended by the ROLLBACK that drops them all.
    from inspir_events.needs import services as needs

    with app.app_context():
        needs.submit(make_user(), needs.NeedInput(
            title="Covoiturage vers la gare", description="Un covoiturage le dimanche.",
            department_code="80", theme_code="transports", commune="", tags=[]))
    page = client.get("/search?q=covoiturage").text
    assert "Covoiturage vers la gare" in page or "<mark>Covoiturage</mark>" in page
    for _ in range(6):
        assert client.get("/needs").status_code == 200
    assert client.get("/search?q=covoiturage").status_code == 200
    with app.app_context():
        prepared = prepared_statements()
    assert any("FROM need_public_count" in statement for statement in prepared), prepared


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_what_a_request_left_uncommitted_is_never_committed_at_its_end(app, backend,
                                                                       make_user):
    """A page reads without a transaction (extensions.Session), on SQLite as on PostgreSQL: a
    write outside a use case is refused before it runs, and what was added to the session
    without being written is dropped at the request's end."""
    with app.app_context():
        make_user(email="reste@example.org", display_name="Reste")
    writes = (
        lambda: db.session.add(User(email="ajout@example.org", display_name="Ajout",
                                    password_hash="x")),  # not even flushed
        lambda: (db.session.add(User(email="vidé@example.org", display_name="Vidé",
                                     password_hash="x")), db.session.flush()),
        lambda: db.session.execute(text("UPDATE user_account SET display_name = 'Texte'")),
        lambda: db.session.execute(db.update(User).values(display_name="Mis à jour")),
        lambda: db.session.execute(db.select(User).with_for_update()).all(),
    )
    for number, write in enumerate(writes):
        with app.test_request_context("/"):
            db.session.execute(db.select(User.id)).all()  # a read first, as a page does
            if number:
                with pytest.raises(WriteOutsideTransaction):
                    write()
            else:
                write()
            end_reads()  # as the request's end: commits reads only, never a write
            db.session.remove()
        with app.app_context():
            names = set(db.session.scalars(db.select(User.display_name)))
            assert names == {"Reste"}, write


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_on_postgresql_a_page_reads_without_a_transaction_and_a_use_case_writes_in_one(
        app, make_user):
    """A request's reads go through an autocommit connection (no BEGIN, no COMMIT: two
    round trips fewer per page); begin_write opens a real transaction, which a failure
    rolls back whole; after it, reads go without one again. Outside requests (commands,
    the worker) the session keeps its transactions."""
    from inspir_events.accounts import services as account_services

    with app.app_context():
        user_id = make_user(email="lit@example.org", display_name="Lit").id

    def in_autocommit() -> bool:
        return db.session.connection().connection.driver_connection.autocommit

    with app.test_request_context("/"):
        db.session.execute(db.select(User.id)).all()
        assert in_autocommit()
        begin_write()
        assert not in_autocommit()
        user = db.session.get(User, user_id)
        user.display_name = "Première"
        db.session.flush()
        db.session.execute(db.update(User).values(bio="lue"))
        db.session.rollback()  # the use case failed: both changes go
        db.session.execute(db.select(User.id)).all()
        assert in_autocommit()
        account_services.set_locale(db.session.get(User, user_id), "en")  # a use case
        assert in_autocommit() is True or not db.session.in_transaction()
    with app.app_context():
        assert db.session.execute(db.select(User.display_name, User.bio, User.locale)).one() \
            == ("Lit", "", "en")
        db.session.execute(db.select(User.id)).all()
        assert not in_autocommit()


def test_on_sqlite_a_page_reads_without_begin_and_a_use_case_writes_after_begin_immediate(
        app, make_user, statements_run):
    """SQLite's reading connections send no BEGIN (each SELECT its own snapshot, as on
    PostgreSQL); begin_write's transaction takes the write lock first, and after it reads
    go without a transaction again. Outside requests the session keeps its transactions."""
    from inspir_events.accounts import services as account_services

    with app.app_context():
        user_id = make_user(email="lit@example.org", display_name="Lit").id

    def control(seen):
        return [s.strip().upper() for s in seen
                if s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))]

    with app.test_request_context("/"), statements_run() as seen:
        db.session.execute(db.select(User.id)).all()
        db.session.execute(db.select(User.display_name)).all()
        assert control(seen) == []
        account_services.set_locale(db.session.get(User, user_id), "en")  # a use case
        assert control(seen) == ["BEGIN IMMEDIATE"]
        db.session.execute(db.select(User.locale)).all()
        assert control(seen) == ["BEGIN IMMEDIATE"]
    with app.app_context(), statements_run() as seen:
        assert db.session.scalar(db.select(User.locale)) == "en"
        assert control(seen) == ["BEGIN DEFERRED"]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_a_session_that_outlives_a_request_writes_in_a_transaction_after_it(app, make_user):
    """A request pushed inside an application context (a test, a command rendering a page)
    leaves the context's session: its reads without a transaction end with the request, and
    the session's next writes go through a transaction, not the request's reading
    connection."""
    with app.app_context():
        user_id = make_user(email="lit@example.org", display_name="Lit").id
        with app.test_request_context("/"):
            db.session.execute(db.select(User.id)).all()  # a page's read
        user = db.session.get(User, user_id)
        user.display_name = "Après"
        db.session.commit()
    with app.app_context():
        assert db.session.scalar(db.select(User.display_name)) == "Après"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_a_page_s_reads_end_without_a_commit(app, client, make_user):
    """A page's reads without a transaction have nothing to end: no COMMIT at the request's
    end (SQLAlchemy's work for it was a twentieth of a page), and the prepared statements
    stay (the session's rollback as it closes sends nothing)."""
    from sqlalchemy import event

    with app.app_context():
        make_user(email="lit@example.org", display_name="Lit")
    commits = []

    def committed(session):
        commits.append(session)

    event.listen(db.session, "after_commit", committed)
    try:
        for _ in range(3):
            assert client.get("/needs").status_code == 200
    finally:
        event.remove(db.session, "after_commit", committed)
    assert commits == []


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_request_that_failed_ends_by_rollback(app, make_user):
    with app.app_context():
        user_id = make_user(email="reste@example.org", display_name="Reste").id
    with pytest.raises(RuntimeError), app.test_request_context("/"):
        db.session.execute(db.select(User.id)).all()
        db.session.get(User, user_id).display_name = "Changé"
        db.session.flush()
        raise RuntimeError("the page failed")
    with app.app_context():
        assert db.session.scalar(db.select(User.display_name)) == "Reste"


def test_the_idle_time_before_a_ping_is_a_setting():
    assert config.load("production", environ={}).DATABASE_PING_AFTER_IDLE == 30.0
    assert config.load("testing", environ={"DATABASE_PING_AFTER_IDLE": "5"}) \
        .DATABASE_PING_AFTER_IDLE == 5.0
    assert config.load("testing", environ={"DATABASE_PING_AFTER_IDLE": "off"}) \
        .DATABASE_PING_AFTER_IDLE is None


def test_a_page_s_rows_are_named_tuples_of_its_columns(app, make_user):
    """``page_rows`` gives each row as a named tuple of the statement's columns: the same
    names, order and values as SQLAlchemy's ``Row``, whose columns cost 0.8 µs each to read
    by name (a board's cards read about three hundred); a name repeated, or no identifier,
    is positional."""
    from sqlalchemy import literal, select
    from sqlalchemy.engine import Row

    from inspir_events.database import page_row, page_rows

    make_user("ada@example.org", display_name="Ada")
    make_user("bob@example.org", display_name="Bob")
    statement = (select(User.id, User.display_name, User.email, literal(1).label("id"),
                        literal(2).label("class"))
                 .order_by(User.display_name))
    with app.test_request_context("/"):
        rows = page_rows(statement, {})
        first = page_row(statement, {})
        row = db.session.connection().execute(statement).first()
    assert not isinstance(rows[0], Row) and isinstance(rows[0], tuple)
    assert [(r.display_name, r.email) for r in rows] == [("Ada", "ada@example.org"),
                                                         ("Bob", "bob@example.org")]
    assert tuple(rows[0]) == tuple(row) and first == rows[0]
    assert rows[0]._fields == ("id", "display_name", "email", "_3", "_4")
    assert rows[0].id == row[0] and rows[0][3] == 1 and rows[0][4] == 2
    with app.test_request_context("/"):
        assert page_row(statement.where(User.id < 0), {}) is None


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_a_fixed_statement_is_found_in_the_compiled_cache_by_a_short_key(app, backend,
                                                                        make_user):
    """A statement built once and run by ``page_rows`` (the event page's, the session's
    user's...) is known to SQLAlchemy's cache of compiled statements by a short key, not
    by its whole structure hashed again at each run (5 % of a served event page); it
    gives the same rows, each run with its own parameters, and a statement derived from it
    is another statement with its own key and rows."""
    from sqlalchemy import bindparam, select

    from inspir_events.database import fixed, page_rows

    for name in ("Ada", "Bob", "Chloé"):
        make_user(f"{name.lower()}@example.org", display_name=name)
    statement = (select(User.display_name).where(User.display_name != bindparam("other"))
                 .order_by(User.display_name))
    whole = statement._generate_cache_key().key
    with app.test_request_context("/"):
        assert [r.display_name for r in page_rows(statement, {"other": "Bob"})] == [
            "Ada", "Chloé"]
        assert [r.display_name for r in page_rows(statement, {"other": "Ada"})] == [
            "Bob", "Chloé"]
        dialect = db.session.connection().dialect.name
        run = fixed(statement, dialect)  # on PostgreSQL, its constants written (none here)
        assert len(run._generate_cache_key().key) == 2 < len(whole)
        assert fixed(statement, dialect) is run
        derived = statement.where(User.display_name != "Chloé")
        assert len(derived._generate_cache_key().key) > 2
        assert [r.display_name for r in page_rows(derived, {"other": "Bob"})] == ["Ada"]
        assert [r.display_name for r in page_rows(statement, {"other": "Bob"})] == [
            "Ada", "Chloé"]
        assert db.session.connection().execute(statement, {"other": "Chloé"}).scalars().all() \
            == ["Ada", "Bob"]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_on_postgresql_a_statement_s_constants_are_written_into_its_text(app, backend,
                                                                        make_user):
    """A page's statement run on PostgreSQL carries the constants it holds in its text
    (``'public'``, ``0``...), so that its generic plan is estimated for them; what its
    callers give (named parameters) stays a parameter, a moment stays a parameter, an
    apostrophe is doubled; the rows are the same on both databases. SQLite's statement
    keeps them all as parameters (it plans nothing ahead)."""
    from datetime import datetime

    from sqlalchemy import bindparam, event, select

    from inspir_events.database import page_rows, with_constants_written

    for name in ("Ada", "Bob", "O'Brien"):
        make_user(f"{name.lower().replace(chr(39), '')}@example.org", display_name=name)
    statement = (select(User.display_name)
                 .where(User.display_name.not_in(["O'Brien", "Zoé"]), User.id > 0,
                        User.created_at < datetime(2999, 1, 1),
                        User.display_name != bindparam("other"))
                 .order_by(User.display_name))
    sent = []
    with app.test_request_context("/"):
        engine = db.session.connection().engine
        record = lambda *args: sent.append(args[2])  # noqa: E731 - the statement sent
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert [r.display_name for r in page_rows(statement, {"other": "Bob"})] == ["Ada"]
            assert [r.display_name for r in page_rows(statement, {"other": "Ada"})] == ["Bob"]
        finally:
            event.remove(engine, "before_cursor_execute", record)
    written = ("'O''Brien'", "'Zoé'", "> 0")
    if backend == "postgres":
        assert all(constant in sent[0] for constant in written), sent[0]
        assert "%(other)s" in sent[0] and "created_at < %(" in sent[0], sent[0]
    else:
        assert not any(constant in sent[0] for constant in written), sent[0]
    # The statement built is left as it is: a copy has its constants written.
    assert with_constants_written(statement) is not statement
    assert not any(p.literal_execute for p in statement._generate_cache_key().bindparams)


def test_the_postgresql_pool_keeps_the_connections_of_concurrent_pages(pg_schema):
    """A process's PostgreSQL pool keeps open the connections its pages use at once
    (DATABASE_POOL_SIZE, 20): with SQLAlchemy's 5, eight pages at once closed connections
    as they were returned and opened them again, a PostgreSQL backend started each time
    (58 in 13 s of the pages' bench, p99 three times p50). The size is a setting."""
    from sqlalchemy import event

    from tests.conftest import pg_options

    app = create_app(settings_for(PG_URL, SQLALCHEMY_ENGINE_OPTIONS=pg_options(pg_schema)))
    opened = []
    with app.app_context():
        engine = db.engine
        event.listen(engine, "connect", lambda *args: opened.append(1))
        try:
            for _round in range(3):  # eight pages at once, three times
                connections = [engine.connect() for _ in range(8)]
                for connection in connections:
                    connection.exec_driver_sql("SELECT 1")
                for connection in connections:
                    connection.close()
            assert len(opened) == 8, opened
            assert engine.pool.size() == 20
        finally:
            engine.dispose()
    smaller = create_app(settings_for(PG_URL, SQLALCHEMY_ENGINE_OPTIONS=pg_options(pg_schema),
                                      DATABASE_POOL_SIZE=3, DATABASE_MAX_OVERFLOW=2))
    with smaller.app_context():
        assert db.engine.pool.size() == 3
        db.engine.dispose()
