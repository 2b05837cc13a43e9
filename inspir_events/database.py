"""Database helpers shared by the services: write transactions and conflict-safe inserts."""

from __future__ import annotations

import functools
import itertools
import logging
import random
import select
import time
from collections import namedtuple

from gevent import monkey
from gevent import select as green_select
from psycopg import errors as pg_errors
from psycopg import pq, waiting
from sqlalchemy import JSON, Integer, ScalarSelect, Select, bindparam, event
from sqlalchemy import select as sql_select  # `select` is the standard library's here
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.cache_key import CacheKey
from sqlalchemy.sql.elements import BindParameter, _anonymous_label
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.sql.visitors import replacement_traverse

from inspir_events.extensions import READING, READING_TRANSACTION, WRITING, db

# The largest id an INTEGER column holds on PostgreSQL (SQLite's is larger, but a
# Python int past 2**63 cannot even be bound). Ids from URLs and forms are checked
# against it, so a forged huge number is "not found", not a server error.
ID_MAX = 2**31 - 1


def coerce_id(value) -> int:
    """A form's choice of an id (a need, an envelope, a structure...) as an int.

    ValueError, which WTForms shows as the field's error, for anything but a whole number
    from 0 (the « Choose… » of some lists) to ID_MAX: a forged huge or negative id is a
    form error, never a server error (issue 18, 1.7).
    """
    number = int(str(value).strip())
    if not 0 <= number <= ID_MAX:
        raise ValueError("not an id")
    return number


def coerce_optional_id(value) -> int | None:
    """:func:`coerce_id`, with an empty choice read as None."""
    return None if value in (None, "", "None") else coerce_id(value)

# PostgreSQL's SQLSTATEs for "try the transaction again": serialization_failure and
# deadlock_detected. Nothing was changed when they are raised (the transaction is
# rolled back), so running the whole use case again is safe.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
RETRY_ATTEMPTS = 3

log = logging.getLogger(__name__)


def begin_write() -> None:
    """Start the calling use case's write transaction (one per use case).

    Any read-only transaction still open on the session (loading the current
    user, say) is ended first. On SQLite the new transaction is BEGIN
    IMMEDIATE: it waits for the write lock (busy_timeout) and then reads fresh
    rows, instead of failing with "database is locked" at its first write when
    another writer committed in between. PostgreSQL simply starts a new one.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    session.info[WRITES] = session.info.get(WRITES, 0) + 1
    session.info[WRITING] = True  # a real transaction, also on PostgreSQL (extensions.Session)
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


WRITES = "inspir.writes"  # Session.info: how many write transactions it began


def writes() -> int:
    """How many write transactions the request's session began so far (begin_write): what
    was read before the last one may have changed since."""
    return db.session().info.get(WRITES, 0)


# ---- a page's reads end by COMMIT on PostgreSQL ----------------------------------------
#
# psycopg prepares a statement the fifth time a connection runs it (``prepare_threshold``)
# and forgets every prepared statement at each ROLLBACK (objects dropped in a rolled-back
# transaction could come back different). A page's transaction, reads only, ended by the
# session's rollback when the request ended: no statement of a page was ever prepared, and
# PostgreSQL planned each one again at every page (0.1-0.6 ms each, a page runs 9-13).
# A transaction that ran nothing but plain SELECTs leaves the same database whether it
# ends by COMMIT or ROLLBACK; such a transaction now ends by COMMIT at the end of the
# request (``end_reads``), and the pool's connections keep their prepared statements.

READS_ONLY = "inspir.reads_only"  # Connection.info: this transaction only read so far
# The execution options of a statement that is not built by SQLAlchemy as a SELECT and
# changes nothing all the same (a text SELECT): ``db.session.execute(text(sql).
# execution_options(**ONLY_READS), ...)``.
ONLY_READS = {"inspir_only_reads": True}


@event.listens_for(Engine, "begin")
def _transaction_reads_only(conn) -> None:
    if conn.dialect.name == "postgresql":
        conn.info[READS_ONLY] = True


class WriteOutsideTransaction(RuntimeError):
    """A statement that would change the database, sent on a connection reading without a
    transaction (extensions.Session): a use case writes after ``begin_write``."""


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany) -> None:
    if conn.info.get(READS_ONLY) and not is_plain_select(context):
        conn.info[READS_ONLY] = False
    if conn.get_execution_options().get(READING) and not is_plain_select(context):
        raise WriteOutsideTransaction(
            f"a write outside a use case's transaction (begin_write): {statement[:80]}")


def is_plain_select(context) -> bool:
    """Whether a statement about to run is a SELECT built by SQLAlchemy, without row locks
    (FOR UPDATE / SHARE), or one its caller marked ``ONLY_READS``. Anything else — an
    INSERT, UPDATE, DELETE, a text or driver-level statement — counts as a write: its
    transaction ends by ROLLBACK as before."""
    if context.execution_options.get("inspir_only_reads"):
        return True
    compiled = getattr(context, "compiled", None)
    statement = getattr(compiled, "statement", None)
    return isinstance(statement, Select) and statement._for_update_arg is None


def end_reads(exception: BaseException | None = None) -> None:
    """At the end of a request (``teardown_appcontext``, before the session is removed):
    on PostgreSQL, commit the session's transaction when it ran plain SELECTs only and holds
    no unflushed change, instead of letting the session roll it back. Anything else (an
    error, a statement that wrote or locked, a change not flushed) is rolled back by the
    session as before: nothing a use case left uncommitted is ever committed here."""
    session = db.session()
    if exception is not None or not session.in_transaction():
        return
    transaction = session.get_transaction()
    if not transaction.is_active:  # a statement failed: rolled back anyway
        return
    if session.info.get(READING_TRANSACTION) is transaction:
        # Reads without a transaction (extensions.Session): nothing to end. The session's
        # rollback as it closes sends nothing (psycopg keeps its prepared statements); a
        # COMMIT here cost a twentieth of an event's page in SQLAlchemy's work alone.
        return
    if session.new or session.dirty or session.deleted:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.info.get(READS_ONLY):
        session.commit()


def page_rows(statement, params: dict) -> list:
    """The rows of a page's statement of columns (no entity: rows, not objects), run through
    the session's connection: without the ORM's work on the statement and on each row,
    which cost a quarter of running a board's page of twenty needs on SQLite. For reads
    only (nothing of the session is flushed first).

    Each row is a named tuple of the statement's columns (:func:`row_shape`): reading a
    column of SQLAlchemy's ``Row`` by its name took 0.8 µs, a board's cards read about three
    hundred; a named tuple's takes a twentieth of it. Same names, same order, same values."""
    connection = db.session.connection()
    result = connection.execute(fixed(statement, connection.dialect.name), params)
    return list(map(row_shape(tuple(result.keys()))._make, result.fetchall()))


_FIXED_KEYS = itertools.count(1)


def fixed(statement, dialect: str = ""):
    """``statement`` (built once: a module's, or kept by an ``lru_cache`` builder) as it
    runs on ``dialect``'s database, known to SQLAlchemy's cache of compiled statements by a
    key of its own (:func:`_fixed`); on PostgreSQL, with its constants written into its text
    (:func:`with_constants_written`), made once per statement."""
    if dialect != "postgresql":
        return _fixed(statement)
    written = statement.__dict__.get(_WRITTEN_MARK)
    if written is None:
        written = _fixed(with_constants_written(statement))
        statement.__dict__[_WRITTEN_MARK] = written
        statement._memoized_keys |= {_WRITTEN_MARK}  # a derived statement drops it
    return written


def with_constants_written(statement):
    """``statement`` with the values it holds itself — a rule's constants, as
    ``need.visibility = 'public'`` — written into its text when it runs, not sent as
    parameters; the parameters its callers give (named ``bindparam``'s) stay parameters.

    PostgreSQL plans a prepared statement once for all its parameters' values (a generic
    plan) only when that plan is estimated to cost about what the plans for given values
    do. With the visibility a parameter, it estimated a third of the needs public, not
    nearly all, hence more rows read before a page's twenty: it planned the board's and the
    API's statements again at every run (0.2-0.45 ms more of the server's work for each,
    bench/README.md). Only text and integers are written, as the columns' types write them
    (an apostrophe doubled); the statement must hold no visitor's value (it is built once,
    for every visitor: :func:`fixed`'s rule)."""
    def written(element):
        if (isinstance(element, BindParameter) and element.unique
                and isinstance(element.key, _anonymous_label) and element.callable is None
                and not element.literal_execute and _writable(element.value)):
            return element.render_literal_execute()
        return None

    return replacement_traverse(statement, {}, written)


def _writable(value) -> bool:
    """A constant written into a statement's text: text or an integer (a list of them)."""
    if isinstance(value, (list, tuple)):
        return bool(value) and all(map(_writable, value))
    return isinstance(value, (str, int))


_WRITTEN_MARK = "_inspir_constants_written"


def _fixed(statement):
    """``statement`` (built once: a module's, or kept by an ``lru_cache`` builder), known to
    SQLAlchemy's cache of compiled statements by a key of its own.

    SQLAlchemy finds a statement's compiled form by its cache key, a tuple of tuples of the
    statement's whole structure (2,852 elements for the event page, 1,051 for the session's
    user), hashed again at each execution: 5 % of a served event page. The key is computed
    once (SQLAlchemy keeps it on the statement), then replaced by a short one naming this
    statement, with the same parameters; a statement derived from it (``where``,
    ``order_by``...) drops it, as SQLAlchemy drops what it keeps, and gets its own."""
    if _FIXED_MARK in statement.__dict__:
        return statement
    found = statement._generate_cache_key()  # kept by SQLAlchemy in statement.__dict__
    if found is None:  # a statement SQLAlchemy does not cache
        return statement
    short = CacheKey(("inspir fixed statement", next(_FIXED_KEYS)), found.bindparams,
                     found.params)
    statement.__dict__["_generate_cache_key"] = lambda: short
    statement.__dict__[_FIXED_MARK] = True
    statement._memoized_keys |= {_FIXED_MARK}
    return statement


_FIXED_MARK = "_inspir_fixed"


def page_row(statement, params: dict):
    """The first row (or None) of a page's statement of columns, as :func:`page_rows`."""
    rows = page_rows(statement, params)
    return rows[0] if rows else None


@functools.lru_cache(maxsize=256)
def row_shape(keys: tuple[str, ...]) -> type:
    """The named tuple of a statement's columns (``keys``, its rows' names; a name that is
    no Python identifier, or repeated, becomes ``_<position>``)."""
    return namedtuple("PageRow", keys, rename=True)  # noqa: PYI024 - made at run time


def is_retryable(exc: BaseException) -> bool:
    """True for a serialization failure or a deadlock, wrapped by SQLAlchemy or raw.

    SQLAlchemy's ``DBAPIError`` carries the driver's error in ``.orig``; the vote's
    hot path uses the driver directly and gets psycopg's error itself. psycopg 3
    names the code ``sqlstate``, psycopg 2 ``pgcode``.
    """
    error = getattr(exc, "orig", None) or exc
    code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return code in RETRYABLE_SQLSTATES


def use_case(function):
    """Mark ``function`` as a use case that owns its transaction: when it raises (a
    refusal, a database error), its transaction is rolled back before the error leaves
    it, so nothing half-written stays in the session and the caller (a page, a socket
    handler, a command) can go on reading. Views and socket handlers never roll back."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise

    return run


def retrying(use_case=None, *, attempts: int = RETRY_ATTEMPTS, pause: float = 0.02):
    """Run a write use case again (at most ``attempts`` times in all) when PostgreSQL
    aborts its transaction with a serialization failure or a deadlock.

    Apply it to the use case that owns the transaction (the function calling
    ``begin_write`` and ``commit``), never to a helper inside one: a retry rolls the
    whole session back. Other errors, domain errors included, pass through at once,
    after the transaction is rolled back (a retrying use case is a :func:`use_case`);
    after the last attempt the database's error is raised. The pause before each
    retry grows and is jittered, so the transactions that collided do not collide
    again in step. SQLite never raises these (BEGIN IMMEDIATE serialises writers).
    """

    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return function(*args, **kwargs)
                except BaseException as exc:
                    db.session.rollback()
                    if attempt >= attempts or not is_retryable(exc):
                        raise
                    log.warning("retrying %s after %s (attempt %d of %d)",
                                function.__qualname__, type(exc).__name__, attempt, attempts)
                    jitter = 0.5 + random.random()  # noqa: S311  # nosec B311 # timing only
                    time.sleep(pause * attempt * jitter)
            raise AssertionError("unreachable")  # pragma: no cover

        return run

    return decorate(use_case) if use_case is not None else decorate


def insert_ignoring_conflicts(model, **values):
    """An INSERT that does nothing when a unique key already holds these values.

    One statement, safe under concurrency on SQLite and PostgreSQL: the result's
    ``rowcount`` is 1 when a row was added, 0 when it already existed.

    ``preserve_rowcount`` is needed: SQLAlchemy only keeps the driver's rowcount
    of UPDATE and DELETE statements; for an INSERT, psycopg's closed cursor then
    reports -1 (sqlite3 happens to keep it), which would move the counters the
    wrong way on PostgreSQL.
    """
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(model).values(**values).on_conflict_do_nothing()
                 .execution_options(preserve_rowcount=True))
    return db.session.execute(statement)


def like_pattern(term: str) -> str:
    """``%term%`` with LIKE's wildcards in ``term`` escaped (use with escape="\\\\")."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---- a list's statement built once per shape of its filters ----------------------------
#
# Building a ``select()`` with its filters, loader options and paging, and having
# SQLAlchemy compute its cache key, cost more than running it (0.23 ms of a needs page's
# 0.44 ms on SQLite). A list whose filters vary (the needs' boards, the store) builds its
# statement once per *shape* — which filters are set, how many words, the order — kept by
# ``functools.lru_cache``, and gives the filters' values as parameters (docs/development.md).

def shape_of(params: dict, filter_names: tuple[str, ...], terms: list[str], order) -> tuple:
    """A list's shape (``filter_names`` set in ``params``, how many words, the order), after
    adding the words' LIKE patterns to ``params`` (``term0``, ``term1``...)."""
    for n, term in enumerate(terms):
        params[f"term{n}"] = like_pattern(term)
    return tuple(name for name in filter_names if name in params), len(terms), order


def containing_words(stmt: Select, column, words: int) -> Select:
    """``stmt`` keeping the rows whose ``column`` contains each of the shape's words."""
    for n in range(words):
        stmt = stmt.where(column.like(bindparam(f"term{n}"), escape="\\"))
    return stmt


def with_paging(stmt: Select, options: tuple, paged: bool) -> Select:
    """``stmt`` with its loader ``options``, and, when ``paged``, ``limit`` and ``offset``
    as parameters written into the statement's text when it runs (PAGING).

    PostgreSQL plans a prepared statement once for all its parameters' values (a generic
    plan) when that plan costs about what the plans for given values do. With a page's
    size and place unknown, its generic plan estimated a tenth of the rows read, so it
    planned the board's statement again at every page: 0.25 ms more of the server's work,
    0.89 against 0.60 ms a board's statement with them written (bench/README.md). The
    statement stays compiled once (SQLAlchemy writes the numbers in at each run); each
    page's place is a statement of its own for PostgreSQL, most pages are the first."""
    if options:
        stmt = stmt.options(*options)
    if paged:
        stmt = stmt.limit(PAGING[0]).offset(PAGING[1])
    return stmt


# A page's size and place: integers (an integer type writes them as numbers, never text).
PAGING = (bindparam("limit", type_=Integer, literal_execute=True),
          bindparam("offset", type_=Integer, literal_execute=True))


# ---- a row's related values read with it, as one list ----------------------------------
#
# A page of rows and their related values (a need's tags...) was two statements: the rows,
# then the values of all of them. Each statement costs the application more than the
# database's work here (0.15-0.3 ms of SQLAlchemy and the driver, a round trip on
# PostgreSQL), so the values come as one more column of each row: a JSON list, which both
# drivers read as a Python list.

class json_list_agg(GenericFunction):  # noqa: N801  (SQL functions are lower case)
    """``json_list_agg(value, position)``: the aggregate of ``value`` into one JSON list,
    ordered by ``position`` — PostgreSQL's ``json_agg(value ORDER BY position)``; SQLite
    3.40 has no ORDER BY inside an aggregate: its ``json_group_array(value)`` takes the
    rows in the order they come, so the rows must come sorted (:func:`related_list`)."""

    type = JSON()
    inherit_cache = True


@compiles(json_list_agg, "sqlite")
def _json_list_agg_sqlite(element, compiler, **kw):
    value, _position = element.clauses.clauses
    return f"json_group_array({compiler.process(value, **kw)})"


@compiles(json_list_agg, "postgresql")
def _json_list_agg_postgresql(element, compiler, **kw):
    value, position = element.clauses.clauses
    return (f"json_agg({compiler.process(value, **kw)} "
            f"ORDER BY {compiler.process(position, **kw)})")


class json_map_agg(GenericFunction):  # noqa: N801  (SQL functions are lower case)
    """``json_map_agg(key, value)``: the aggregate of the rows into one JSON object (a
    Python dict when read) — SQLite's ``json_group_object``, PostgreSQL's
    ``json_object_agg``."""

    type = JSON()
    inherit_cache = True


@compiles(json_map_agg, "sqlite")
def _json_map_agg_sqlite(element, compiler, **kw):
    return f"json_group_object({compiler.process(element.clauses, **kw)})"


@compiles(json_map_agg, "postgresql")
def _json_map_agg_postgresql(element, compiler, **kw):
    return f"json_object_agg({compiler.process(element.clauses, **kw)})"


def related_list(column, *, where, order_by, outer) -> ScalarSelect:
    """A column of a statement on ``outer`` (a mapped class or table): the values of
    ``column`` in the rows ``where`` keeps (a condition on ``outer``'s row), in
    ``order_by``'s order, as one list (None when there are none on PostgreSQL, ``[]`` on
    SQLite)."""
    values = (sql_select(column.label("value"), order_by.label("position")).where(where)
              .order_by(order_by).correlate(outer).subquery())
    return sql_select(json_list_agg(values.c.value, values.c.position)).scalar_subquery()


def related_lists(*columns, where, order_by, outer) -> list[ScalarSelect]:
    """:func:`related_list` for several columns of the same rows, each a column of the
    statement on ``outer``, all in ``order_by``'s order (lists of the same length, to zip).

    The rows are one selection of every column (a subquery each list aggregates): with a
    selection of its own per column, SQLite (without statistics) read a list of a few
    columns of an index holding them all — an event's needs' ids, by the index of the
    public needs — through the whole index, 2.5 ms, instead of the event's few links."""
    rows = (sql_select(*(column.label(f"c{n}") for n, column in enumerate(columns)),
                       order_by.label("position"))
            .where(where).order_by(order_by).correlate(outer).subquery())
    return [sql_select(json_list_agg(rows.c[f"c{n}"], rows.c.position)).scalar_subquery()
            for n in range(len(columns))]


def wait_ready_first(gen, fileno: int, interval: float = 0.0, timeout: float | None = None):
    """psycopg's wait function for a gevent process: ask the kernel first, without the
    hub, whether the connection's socket is ready (the original ``poll`` with a zero
    timeout); only when it is not, wait cooperatively (gevent's ``poll``: other greenlets
    run meanwhile).

    psycopg's own choice under gevent (``wait_poll`` over the patched ``poll``) goes
    through the hub for every step of its protocol, even when the socket is writable at
    once: a batch of votes in pipeline mode paid about 1.5 ms of CPU in these waits
    (bench/README.md, issue 21). Same contract as ``psycopg.waiting.wait_poll``.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        state = next(gen)
        while True:
            mask = _POLL_MASKS[state]
            try:
                kernel = _original_poll()()
                kernel.register(fileno, mask)
                events = kernel.poll(0)
                if not events:
                    wait = interval if deadline is None else max(
                        0.0, min(interval, deadline - time.monotonic()))
                    green = green_select.poll()
                    green.register(fileno, mask)
                    events = green.poll(int(wait * 1000))
            except (OSError, ValueError) as error:  # the socket was closed under us
                raise pg_errors.OperationalError("connection socket closed") from error
            flags = events[0][1] if events else 0
            if flags & _POLL_BAD and not flags & (select.POLLIN | select.POLLOUT):
                raise pg_errors.OperationalError("connection socket closed")
            ready = ((waiting.READY_R if flags & select.POLLIN else 0)
                     | (waiting.READY_W if flags & select.POLLOUT else 0))
            state = gen.send(ready or waiting.READY_NONE)
            if deadline is not None and time.monotonic() >= deadline:
                raise pg_errors._WaitTimeout("wait timeout expired")
    except StopIteration as stop:
        return stop.value


_POLL_MASKS = {
    waiting.WAIT_R: select.POLLIN,
    waiting.WAIT_W: select.POLLOUT,
    waiting.WAIT_RW: select.POLLIN | select.POLLOUT,
}
_POLL_BAD = select.POLLERR | select.POLLHUP | select.POLLNVAL


@functools.cache
def _original_poll():
    """The standard library's ``select.poll``, as it was before gevent patched it (no
    limit on the descriptor's number, unlike ``select``)."""
    return monkey.get_original("select", "poll")


def use_ready_first_waits() -> None:
    """Under gevent (wsgi.py, after patching): psycopg waits with ``wait_ready_first``."""
    waiting.wait = wait_ready_first


# ---- a connection PostgreSQL dropped is replaced before a request uses it ---------------
#
# SQLAlchemy's ``pool_pre_ping`` runs ``SELECT 1`` at every checkout: a round trip, and a
# statement for the database, on every request (5-6 % of a page on PostgreSQL). A
# connection PostgreSQL closed (a restart, ``pg_terminate_backend``, an idle timeout) has
# its socket readable at once: the server's last message and the end of the stream, where
# an idle connection in the pool is otherwise sent nothing. The check at each checkout is
# that socket, asked without waiting; a connection that sat in the pool longer than
# ``DATABASE_PING_AFTER_IDLE`` seconds (whose path may have been cut without a word: a
# firewall's idle timeout) is pinged as before.

CHECKED_IN_AT = "inspir.checked_in_at"  # the pool record's info: when it came back


def watch_dropped_connections(engine, ping_after_idle: float) -> None:
    """Replace, at checkout, a PostgreSQL connection the server closed (its socket is
    readable) or one idle for ``ping_after_idle`` seconds that no longer answers a ping
    (the pool retries with a new connection: ``DisconnectionError``)."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine.pool, "checkin")
    def _checked_in(dbapi_connection, record) -> None:
        record.info[CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checkout(dbapi_connection, record, proxy) -> None:
        if closed_by_server(dbapi_connection):
            raise DisconnectionError("the server closed the connection")
        checked_in = record.info.get(CHECKED_IN_AT)
        if checked_in is not None and time.monotonic() - checked_in >= ping_after_idle:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as error:
                raise DisconnectionError(str(error)) from error


def closed_by_server(connection) -> bool:
    """Whether an idle psycopg connection was closed by the server: not open any more, or
    its socket readable (asked without waiting, nor the hub)."""
    pgconn = connection.pgconn
    if connection.closed or pgconn.status != pq.ConnStatus.OK:
        return True
    try:
        kernel = _original_poll()()
        kernel.register(pgconn.socket, select.POLLIN)
        return bool(kernel.poll(0))
    except (OSError, ValueError, pg_errors.OperationalError):
        return True
