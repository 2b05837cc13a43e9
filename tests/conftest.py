"""Shared fixtures: ``app``, ``client``, ``db`` and factories.

The database is SQLite in a temporary folder by default, built once per run by
the real migrations (``flask db upgrade``) and copied for each test. Tests that
take ``pg_app`` (or parametrise ``app`` with "postgres") run on the PostgreSQL
server at 127.0.0.1:5432 (database ``test``), in a schema of their own. When a
service is missing the test is skipped with the reason printed, except under
``CI=true`` where it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import email
import email.policy
import os
import re
import shutil
import signal
import socket
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, select, text

from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.app import create_app
from inspir_events.extensions import db as _db
from inspir_events.mail import worker
from inspir_events.mail.models import OutboxMessage
from inspir_events.timeutil import utcnow

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "correct horse battery staple"  # noqa: S105 - test data

# Rows loaded by the migrations; tests never change them, so resets keep them.
REFERENCE_TABLES = {"department", "theme", "skill", "epci", "commune", "alembic_version"}

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
    return {"connect_args": {"options": f"-csearch_path={schema}"}}


def _make_sqlite_app(sqlite_template, tmp_path, **overrides):
    path = tmp_path / "inspir.db"
    shutil.copy(sqlite_template, path)
    overrides.setdefault("MAIL_FILE_DIR", str(tmp_path / "mail"))  # never instance/mail
    overrides.setdefault("UPLOADS_DIR", str(tmp_path / "uploads"))  # never instance/uploads
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
        application = _make_pg_app(request.getfixturevalue("pg_schema"),
                                   UPLOADS_DIR=str(tmp_path / "uploads"))
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
def statements_run(db):
    """``with statements_run() as seen:``: ``seen`` lists the SQL statements the engine
    sends inside the block, as sent (transaction control included)."""

    @contextlib.contextmanager
    def recording():
        seen: list[str] = []

        def record(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return recording


@pytest.fixture
def make_user(db):
    """Create an account: ``make_user(email=..., roles=(Role.ADMIN,), password=...)``; its
    address is confirmed unless ``verified=False``."""
    counter = iter(range(1, 10_000))

    def factory(email: str | None = None, *, display_name: str | None = None,
                password: str = PASSWORD, roles=(), department_code: str | None = None,
                verified: bool = True, locale: str | None = None):
        n = next(counter)
        user = User(
            email=(email or f"user{n}@example.org").lower(),
            display_name=display_name or f"User {n}",
            password_hash=account_services.passwords().hash(password),
            department_code=department_code,
            email_verified_at=utcnow() if verified else None,
            locale=locale,
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


# ---- outgoing e-mail: the outbox, a real SMTP server, a real worker ------------------------

URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+")
DEADLINE = 30.0  # seconds a test waits for a condition before it fails


def wait_until(condition, timeout: float = DEADLINE, what: str = "the condition"):
    """Poll ``condition()`` until it returns something true (returned), or fail at the
    deadline: tests wait on conditions, never for a fixed time."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def link_path(message, fragment: str) -> str:
    """The path (for the test client) of the first link in ``message``'s text containing
    ``fragment``."""
    for url in URL_IN_TEXT.findall(message.body_text):
        if fragment in url:
            return urlsplit(url).path
    raise AssertionError(f"no link with {fragment!r} in {message.body_text!r}")


@pytest.fixture
def outbox(db):
    """The outbox's messages, oldest first: ``outbox(to=..., kind=...)``."""
    def read(to: str | None = None, kind: str | None = None) -> list:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if to is not None:
            query = query.where(OutboxMessage.recipient == to.lower())
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        found = list(_db.session.scalars(query))
        _db.session.rollback()  # the next read sees what others committed
        return found

    return read


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) recording what it accepts.

    ``stop()`` and ``start()`` take it down and back on the same port; ``reply`` answers
    every DATA with that reply instead ("451 ..." temporary, "550 ..." permanent);
    ``hold(after=n)`` makes the DATA after the n-th accepted message wait until ``release()``
    (``held`` is set meanwhile):
    a message whose client went away while it waited is not accepted, as with a real
    server whose 250 never reached the client.
    """

    def __init__(self):
        self.port = loopback_port()
        self.messages: list = []
        self.reply: str | None = None
        self.controller = None
        self.lock = threading.Lock()
        self.held = threading.Event()
        self.held_session = None  # the held connection's aiosmtpd protocol
        self._hold_after: int | None = None
        self._release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        if self.reply:
            return self.reply
        if self._hold_after is not None and len(self.messages) >= self._hold_after:
            self._hold_after = None
            self.held_session = server
            self.held.set()
            while not self._release.is_set():  # cancelled when the client goes away
                await asyncio.sleep(0.01)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def hold(self, after: int = 0) -> None:
        """Hold the DATA that arrives once ``after`` messages were accepted."""
        self._release.clear()
        self.held.clear()
        self._hold_after = after

    def release(self) -> None:
        self._release.set()

    def ids(self) -> list[str]:
        """The Message-IDs received, in order (one per accepted message)."""
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]

    def wait_for(self, count: int, timeout: float = DEADLINE) -> list:
        wait_until(lambda: len(self.messages) >= count, timeout,
                   f"{count} messages at the SMTP server (got {len(self.messages)})")
        with self.lock:
            return list(self.messages)

    def settings(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_TIMEOUT": 10}


def loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A running SMTP server on loopback (see :class:`SmtpServer`); stopped afterwards."""
    server = SmtpServer()
    server.start()
    yield server
    server.release()
    server.stop()


@pytest.fixture
def mail_worker():
    """Start a real mail worker (a Huey consumer, threads) on an application's task engine:
    ``mail_worker(app, workers=2)``; stopped (gracefully) at the end of the test."""
    started = []

    def start(application, workers: int = 2):
        consumer = worker.consumer(application, workers=workers, periodic=False,
                                   initial_delay=0.01, max_delay=0.05,
                                   check_worker_health=False)
        # The consumer installs its signal handlers; the test run keeps its own.
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        consumer.start()
        for signum, handler in saved.items():
            signal.signal(signum, handler)
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        consumer.stop(graceful=True)


class Mailbox:
    """What a module-wide SMTP server received for this test (see ``mailbox``).

    The worker starts at the first wait, and every wait returns once the outbox is
    settled (nothing pending or being sent): the test's own writes (factories that do not
    begin with ``begin_write``) never meet the worker's on SQLite.
    """

    def __init__(self, server: SmtpServer, start, settled):
        self.server = server
        self.start = start
        self.settled = settled
        self.started = False

    def received(self, to: str | None = None) -> list:
        with self.server.lock:
            messages = list(self.server.messages)
        return [m for m in messages if to is None or str(m["To"]).lower() == to.lower()]

    def _wait(self, condition, what: str, timeout: float):
        if not self.started:
            self.start()
            self.started = True
        found = wait_until(condition, timeout, what)
        wait_until(self.settled, timeout, "the outbox settled (nothing pending or sending)")
        return found

    def wait_for(self, to: str, count: int = 1, timeout: float = DEADLINE) -> list:
        """Wait until ``count`` messages to ``to`` arrived; returns them, oldest first."""
        return self._wait(lambda: (found := self.received(to)) and len(found) >= count
                          and found, f"{count} messages to {to} at the SMTP server", timeout)

    def find(self, to: str, subject: str, timeout: float = DEADLINE):
        """Wait for the message to ``to`` whose subject starts with ``subject`` (several
        messages may arrive in any order: the worker runs threads)."""
        def found():
            matching = [m for m in self.received(to)
                        if str(m["Subject"]).strip(" ").startswith(subject)]
            assert len(matching) <= 1, f"{len(matching)} messages {subject!r} to {to}"
            return matching[0] if matching else None
        return self._wait(found, f"the message {subject!r} to {to}", timeout)


@pytest.fixture(scope="module")
def module_smtp_server():
    """One real SMTP server on loopback for a whole test module (see :class:`SmtpServer`)."""
    server = SmtpServer()
    server.start()
    yield server
    server.release()
    server.stop()


@pytest.fixture
def mailbox(app, db, module_smtp_server, mail_worker):
    """Messages delivered for real: ``app`` sends to the module's SMTP server through a
    real worker (a Huey consumer) started at the test's first wait; the server's earlier
    messages are forgotten. ``mailbox.find(to, subject)`` returns a message received."""
    with module_smtp_server.lock:
        module_smtp_server.messages.clear()
    module_smtp_server.reply = None
    app.config.update(module_smtp_server.settings())

    def settled() -> bool:
        busy = _db.session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.status.in_(("pending", "sending"))).limit(1))
        _db.session.rollback()
        return busy is None

    return Mailbox(module_smtp_server, lambda: mail_worker(app), settled)


def text_body(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_body(message) -> str:
    return message.get_body(("html",)).get_content()


def attachments(message) -> dict[str, tuple[str, bytes, object]]:
    """A received message's files by name: (content type, bytes, the MIME part)."""
    return {part.get_filename(): (part.get_content_type(), part.get_payload(decode=True), part)
            for part in message.walk() if part.get_filename()}
