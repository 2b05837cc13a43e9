"""psycopg's wait function for gevent processes (``database.wait_ready_first``), against
the real PostgreSQL: statements, a pipeline, a statement longer than the wait's interval
(the generator is given "nothing ready" and goes on), and a server error."""

from __future__ import annotations

import os

import psycopg
import pytest
from psycopg import waiting

from inspir_events import database
from tests.conftest import PG_URL, postgres_available, service_missing


@pytest.fixture
def connection(monkeypatch):
    reason = postgres_available()
    if reason:
        service_missing("PostgreSQL at 127.0.0.1:5432", reason)
    monkeypatch.setattr(waiting, "wait", database.wait_ready_first)
    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://")) as conn:
        yield conn


def test_statements_and_a_pipeline_run_through_the_ready_first_wait(connection):
    assert waiting.wait is database.wait_ready_first
    assert connection.execute("SELECT %(n)s + 1", {"n": 41}).fetchone() == (42,)
    with connection.pipeline():
        first = connection.execute("SELECT 1")
        second = connection.execute("SELECT generate_series(1, 3)")
    assert first.fetchall() == [(1,)] and second.fetchall() == [(1,), (2,), (3,)]
    connection.commit()


def test_a_statement_longer_than_the_interval_is_waited_for(connection):
    # psycopg's interval is 0.1 s: the wait times out twice before the answer comes.
    assert connection.execute("SELECT pg_sleep(0.25), 'done'").fetchone()[1] == "done"


def test_a_server_error_is_raised_as_psycopg_raises_it(connection):
    with pytest.raises(psycopg.errors.DivisionByZero):
        connection.execute("SELECT 1 / 0")
    connection.rollback()
    assert connection.execute("SELECT 2").fetchone() == (2,)


def test_a_connection_on_a_descriptor_above_1024_is_waited_for(monkeypatch):
    """A server with 1,000 sockets open gets database connections on descriptors above
    select()'s limit of 1024: the wait must not use select()."""
    reason = postgres_available()
    if reason:
        service_missing("PostgreSQL at 127.0.0.1:5432", reason)
    monkeypatch.setattr(waiting, "wait", database.wait_ready_first)
    fillers = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://")) as conn:
            assert conn.pgconn.socket > 1024
            assert conn.execute("SELECT 'far'").fetchone() == ("far",)
    finally:
        for fd in fillers:
            os.close(fd)
