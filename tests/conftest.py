"""Shared fixtures: ``app``, ``client``, ``db`` and factories.

The database is SQLite in a temporary folder by default, built once per run by
the real migrations (``flask db upgrade``) and copied for each test. Tests that
take ``pg_app`` (or parametrise ``app`` with "postgres") run on the PostgreSQL
server at 127.0.0.1:5432 (database ``test``), in a schema of their own. When a
service is missing the test is skipped with the reason printed, except under
``CI=true`` where it fails.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import shutil
import threading
import time
import uuid

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.app import create_app
from inspir_events.extensions import db as _db

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "correct horse battery staple"  # noqa: S105 - test data

# Rows loaded by the migrations; tests never change them, so resets keep them.
REFERENCE_TABLES = {"department", "theme", "skill", "alembic_version"}

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def service_missing(name: str, reason: str):
    """Skip locally, fail under CI: a missing service is never silent there."""
    message = f"{name} is not reachable ({reason})"
    if IN_CI:
        pytest.fail(message + " and CI=true requires it", pytrace=False)
    pytest.skip(message)


def postgres_available() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).splitlines()[0]
    return None


def redis_available() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        return str(exc)
    return None


WORKER = threading.local()  # ``.index``: the running job's index inside run_together
CONCURRENCY_TIMEOUT = 120  # seconds, for all the threads of one run_together


def run_together(app, jobs, background=None) -> tuple[list[str], float]:
    """Run each ``job(index)`` in its own thread and app context, released together.

    The concurrency tests' harness: a barrier releases every thread at once, each
    in an application context of its own (its own database session), as concurrent
    requests are. ``background(stop)``, when given, runs in one more thread from the
    release until every job has ended, then ``stop`` is set. Returns the errors
    raised in any thread (as text) and the elapsed seconds.
    """
    barrier = threading.Barrier(len(jobs) + (1 if background else 0))
    stop = threading.Event()
    errors: list[str] = []
    lock = threading.Lock()

    def guarded(name: str, body) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                body()
        except BaseException as exc:  # noqa: BLE001 - every failure is reported by the test
            with lock:
                errors.append(f"{name}: {type(exc).__name__}: {exc}")

    def worker(index: int, job) -> None:
        WORKER.index = index
        guarded(f"thread {index}", lambda: job(index))

    threads = [threading.Thread(target=worker, args=(i, job), daemon=True)
               for i, job in enumerate(jobs)]
    watcher = None
    if background:
        watcher = threading.Thread(target=guarded, args=("observer", lambda: background(stop)),
                                   daemon=True)
        watcher.start()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    deadline = started + CONCURRENCY_TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    elapsed = time.perf_counter() - started
    stop.set()
    if watcher:
        watcher.join(max(0.0, deadline - time.perf_counter()))
    alive = [t for t in [*threads, watcher] if t is not None and t.is_alive()]
    assert not alive, f"{len(alive)} threads still running after {CONCURRENCY_TIMEOUT} s"
    return errors, elapsed


class InspirClient(FlaskClient):
    """A test client that sends forms with their CSRF token, as a browser does.

    Each request runs in a fresh context, as in production: the ``db`` fixture's
    application context (and its ``g``, current_user and database session) is
    not shared with the request. Afterwards the test's session is rolled back
    so that its next query sees what the request committed.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            _db.session.rollback()
        return response

    def csrf_token(self, url: str = "/") -> str:
        """The session's CSRF token, read from ``url`` (or the home page's header forms)."""
        for page_url in (url, "/"):
            match = CSRF_RE.search(self.get(page_url).get_data(as_text=True))
            if match:
                return match.group(1)
        raise AssertionError(f"no CSRF token on {url} nor on /")

    def post_form(self, url: str, data: dict | None = None, token_from: str = "/", **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(token_from))
        return self.post(url, data=data, **kwargs)


def testing_config(database_uri: str, **overrides) -> dict:
    config = {
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session", autouse=True)
def _testing_env():
    os.environ["INSPIR_CONFIG"] = "testing"
    yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite database built once by the migrations, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "inspir.db"
    app = create_app(testing_config(f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return path


@contextlib.contextmanager
def fresh_pg_schema(prefix: str = "t"):
    """A new, empty PostgreSQL schema, dropped on exit (skips or fails without the server)."""
    reason = postgres_available()
    if reason:
        service_missing("PostgreSQL at 127.0.0.1:5432", reason)
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def pg_schema():
    """A PostgreSQL schema of this run's own, migrated once, dropped at the end."""
    with fresh_pg_schema() as schema:
        app = create_app(testing_config(PG_URL, SQLALCHEMY_ENGINE_OPTIONS=pg_options(schema)))
        with app.app_context():
            upgrade()
            _db.engine.dispose()
        yield schema


def pg_options(schema: str) -> dict:
    return {
        "pool_pre_ping": True,
        "connect_args": {"options": f"-csearch_path={schema}"},
    }


def _make_sqlite_app(sqlite_template, tmp_path, **overrides):
    path = tmp_path / "inspir.db"
    shutil.copy(sqlite_template, path)
    return create_app(testing_config(f"sqlite:///{path}", **overrides))


def _make_pg_app(schema, **overrides):
    app = create_app(testing_config(PG_URL, SQLALCHEMY_ENGINE_OPTIONS=pg_options(schema),
                                    **overrides))
    with app.app_context():
        tables = [t.name for t in _db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
        if tables:
            quoted = ", ".join(f'"{t}"' for t in tables)
            _db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            _seed_2016_rules()
            _db.session.commit()
    return app


def _seed_2016_rules() -> None:
    """The 2016 rules as migration 0010 seeds them (the tables were emptied)."""
    from inspir_events.aid import rules
    from inspir_events.aid.years.models import AidPolicy, AidPolicyEnvelope

    policy = rules.POLICY_2016
    row = AidPolicy(
        year=2016, version=1, cofunding_rate_numerator=policy.cofunding_rate.numerator,
        cofunding_rate_denominator=policy.cofunding_rate.denominator,
        cofunding_cap_cents=policy.cofunding_cap_cents,
        operating_cap_cents=policy.operating_cap_cents,
        investment_cap_cents=policy.investment_cap_cents,
        structure_cap_cents=policy.structure_cap_cents,
        vote_reference=policy.vote_reference, vote_date=policy.vote_date)
    row.envelopes = [AidPolicyEnvelope(former_region=region, section=section,
                                       amount_cents=amount)
                     for (region, section), amount in policy.envelopes.items()]
    _db.session.add(row)


@pytest.fixture(params=["sqlite"])
def backend(request):
    """The database backend of ``app``; parametrise indirectly with "postgres"."""
    return request.param


@pytest.fixture
def app(request, backend, sqlite_template, tmp_path):
    if backend == "postgres":
        application = _make_pg_app(request.getfixturevalue("pg_schema"))
    else:
        application = _make_sqlite_app(sqlite_template, tmp_path)
    application.test_client_class = InspirClient
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def make_app(sqlite_template, tmp_path):
    """Build a SQLite app with settings overrides: ``make_app(RATELIMIT_ENABLED=False)``."""
    made = []

    def factory(**overrides):
        sub = tmp_path / f"app{len(made)}"
        sub.mkdir()
        application = _make_sqlite_app(sqlite_template, sub, **overrides)
        application.test_client_class = InspirClient
        made.append(application)
        return application

    yield factory
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """The database, inside an application context."""
    with app.app_context():
        yield _db


@pytest.fixture
def make_user(db):
    """Create an account: ``make_user(email=..., roles=(Role.ADMIN,), password=...)``."""
    counter = iter(range(1, 10_000))

    def factory(email: str | None = None, *, display_name: str | None = None,
                password: str = PASSWORD, roles=(), department_code: str | None = None):
        n = next(counter)
        user = User(
            email=(email or f"user{n}@example.org").lower(),
            display_name=display_name or f"User {n}",
            password_hash=account_services.passwords().hash(password),
            department_code=department_code,
        )
        user.role_rows = [UserRole(role=Role(r)) for r in roles]
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(client):
    """Sign ``user`` in on ``client`` (or another client) through the real log-in form."""

    def do_login(user, password: str = PASSWORD, on=None, remember: bool = False):
        target = on or client
        data = {"email": user.email, "password": password}
        if remember:
            data["remember"] = "y"
        response = target.post_form("/login", data, token_from="/login")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login
