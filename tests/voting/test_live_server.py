"""Live voting against the real server: ``python wsgi.py`` (gevent) on loopback ports.

Participants sign in through the HTTP log-in form, then connect ``python-socketio``
clients with their session cookie and an allowed Origin. The database is seeded by
the voting fixtures (real use cases), then served by the subprocesses. Servers are
always stopped in ``finally``; every wait is bounded.
"""

from __future__ import annotations

import http.cookiejar
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack

import pytest
import socketio as sio

from inspir_events.extensions import db as _db
from inspir_events.voting.models import Vote
from tests.conftest import (
    CSRF_RE,
    PASSWORD,
    PG_URL,
    REDIS_URL,
    redis_available,
    service_missing,
)
from tests.test_serve import (
    ROOT,
    START_TIMEOUT,
    STOP_TIMEOUT,
    URL_RE,
    free_port,
    get_when_ready,
    read_lines,
    wait_for_line,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

DELIVERY_BOUND = 2.0  # seconds from a vote's ack to its tally at every other client
SECRET = "live-server-test-secret"  # noqa: S105 - test data, shared by the processes


class Server:
    """``python wsgi.py`` with the given environment, stopped by ``stop()``."""

    def __init__(self, tmp_path, name: str, port: int | None = None, **env_overrides):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.origin = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items()
               if k not in {"INSPIR_NO_GEVENT", "REDIS_URL", "SERVER_NAME", "ALLOWED_ORIGINS",
                            "SECRET_KEY", "FLASK_DEBUG", "DATABASE_URL", "SOCKETIO_CHANNEL"}}
        env.update(INSPIR_CONFIG="development", HOST="127.0.0.1", PORT=str(self.port),
                   SECRET_KEY=SECRET, ALLOWED_ORIGINS=self.origin, PYTHONUNBUFFERED="1")
        env.update(env_overrides)
        self.stderr_path = tmp_path / f"{name}.stderr.log"
        with self.stderr_path.open("w") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 - our own entry point
                [sys.executable, "wsgi.py"], cwd=ROOT, env=env, text=True,
                stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=read_lines, args=(self.process.stdout, lines),
                         daemon=True).start()
        seen: list[str] = []
        if not wait_for_line(lines, URL_RE, seen, START_TIMEOUT):
            self.stop()
            raise AssertionError(f"{name} did not start: {seen!r} {self.log()}")
        get_when_ready(self.base + "healthz", START_TIMEOUT)

    def log(self) -> str:
        return self.stderr_path.read_text()[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        if self.process.stdout:
            self.process.stdout.close()


def sign_in(server: Server, email: str) -> str:
    """Log in through the form; returns the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(server.base + "login", timeout=5).read().decode()
    token = CSRF_RE.search(page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email,
                                   "password": PASSWORD}).encode()
    opener.open(server.base + "login", data=form, timeout=5).read()
    cookies = {c.name: c.value for c in jar}
    assert "inspir_session" in cookies, f"log-in failed for {email}"
    return f"inspir_session={cookies['inspir_session']}"


class Watcher:
    """A python-socketio client that records every "tally" it receives."""

    def __init__(self, server: Server, cookie: str | None, origin: str | None = None):
        # websocket-client sends the Origin header itself (given here, not in headers).
        self.client = sio.Client(reconnection=False, websocket_extra_options={
            "origin": origin or server.origin})
        self.tallies: list[dict] = []
        self.received = threading.Condition()
        self.client.on("tally", self._on_tally)
        headers = {"Cookie": cookie} if cookie else {}
        self.client.connect(server.base, headers=headers, transports=["websocket"],
                            wait_timeout=5)

    def _on_tally(self, data):
        with self.received:
            self.tallies.append(data)
            self.received.notify_all()

    def join(self, event_id: int) -> dict:
        return self.client.call("join", {"event_id": event_id}, timeout=5)

    def vote(self, round_id: int, idea_id: int) -> dict:
        return self.client.call("vote", {"round_id": round_id, "idea_id": idea_id}, timeout=5)

    def wait_for(self, predicate, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        with self.received:
            while True:
                for message in self.tallies:
                    if predicate(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.received.wait(left)

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def refused(server: Server, cookie: str | None, origin: str | None = None) -> bool:
    try:
        Watcher(server, cookie, origin).close()
    except sio.exceptions.ConnectionError:
        return True
    return False


def tally_is(expected: dict[int, int]):
    wanted = {str(k): v for k, v in expected.items()}
    return lambda m: m.get("tally") == wanted


def stored_votes(round_id: int) -> int:
    _db.session.rollback()
    return _db.session.query(Vote).filter(Vote.round_id == round_id).count()


def seeded(db, voting_setup):
    setup = voting_setup()
    db.session.commit()
    db.engine.dispose()  # the servers own the database now
    return setup


def test_a_vote_reaches_the_room_on_the_real_server(app, db, voting_setup, tmp_path):
    setup = seeded(db, voting_setup)
    event_id, round_id = setup.event.id, setup.round.id
    idea_a, idea_b = (i.id for i in setup.ideas)
    with ExitStack() as stack:
        server = Server(tmp_path, "server", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])
        stack.callback(server.stop)
        people = [setup.outsider, setup.members[0][1], setup.members[1][1]]
        cookies = [sign_in(server, person.email) for person in people]
        watchers = []
        for cookie in cookies:
            watcher = Watcher(server, cookie)
            stack.callback(watcher.close)
            assert watcher.join(event_id)["ok"] is True
            watchers.append(watcher)
        voter, *others = watchers

        sent = time.monotonic()
        ack = voter.vote(round_id, idea_a)
        assert (ack["ok"], ack["outcome"]) == (True, "stored"), ack
        for watcher in others:
            message = watcher.wait_for(tally_is({idea_a: 1}), DELIVERY_BOUND)
            assert message is not None, (watcher.tallies, server.log())
        delay = time.monotonic() - sent
        print(f"\n1 process: vote -> tally at {len(others)} clients: {delay * 1000:.0f} ms")
        assert delay < DELIVERY_BOUND

        # Reconnecting: a new socket gets the full snapshot at once.
        others[0].close()  # a member of the first idea's team
        assert others[1].vote(round_id, idea_a)["outcome"] == "stored"
        again = Watcher(server, cookies[1])
        stack.callback(again.close)
        (snapshot,) = again.join(event_id)["rounds"]
        assert snapshot["round_id"] == round_id and snapshot["status"] == "open"
        assert snapshot["tally"] == {str(idea_a): 2} and snapshot["total"] == 2
        assert snapshot["version"] > 0
        assert again.vote(round_id, idea_b)["outcome"] == "stored"
        assert voter.wait_for(tally_is({idea_a: 2, idea_b: 1}), DELIVERY_BOUND)

        # Refused: a foreign Origin (even signed in), and no session at all.
        assert refused(server, cookies[0], origin="http://evil.example")
        assert refused(server, None)
    assert stored_votes(round_id) == 3


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_two_processes_behind_redis_share_the_room(app, db, voting_setup, tmp_path):
    reason = redis_available()
    if reason:
        service_missing("Redis at " + REDIS_URL, reason)
    setup = seeded(db, voting_setup)
    event_id, round_id = setup.event.id, setup.round.id
    idea_a, idea_b = (i.id for i in setup.ideas)
    search_path = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
    database_url = PG_URL + "?" + urllib.parse.urlencode({"options": search_path})
    channel = f"inspir-test-{uuid.uuid4().hex[:8]}"
    ports = [free_port(), free_port()]
    origins = ",".join(f"http://127.0.0.1:{p}" for p in ports)
    with ExitStack() as stack:
        servers = []
        for n, port in enumerate(ports):
            server = Server(tmp_path, f"server{n}", DATABASE_URL=database_url,
                            REDIS_URL=REDIS_URL, SOCKETIO_CHANNEL=channel,
                            ALLOWED_ORIGINS=origins, port=port)
            stack.callback(server.stop)
            servers.append(server)
        people = [setup.outsider, setup.members[0][1], setup.members[1][1], setup.members[0][0]]
        watchers = []
        for n, person in enumerate(people):
            server = servers[n % 2]  # split across the two processes
            watcher = Watcher(server, sign_in(server, person.email))
            stack.callback(watcher.close)
            assert watcher.join(event_id)["ok"] is True
            watchers.append(watcher)

        # One vote through each process: every client sees both.
        started = time.monotonic()
        assert watchers[0].vote(round_id, idea_b)["outcome"] == "stored"
        assert watchers[1].vote(round_id, idea_b)["outcome"] == "stored"
        expected = tally_is({idea_b: 2})
        for watcher in watchers:
            assert watcher.wait_for(expected, DELIVERY_BOUND), (
                watcher.tallies, servers[0].log(), servers[1].log())
        print(f"\n2 processes: both votes at 4 clients after "
              f"{(time.monotonic() - started) * 1000:.0f} ms")
        # The connected count is summed over the processes.
        for watcher in watchers:
            assert watcher.wait_for(lambda m: m["connected"] == 4, 3.0), watcher.tallies

        # One broadcast stream: a change reaches each client once, not once per process.
        assert watchers[2].vote(round_id, idea_a)["outcome"] == "stored"
        for watcher in watchers:
            assert watcher.wait_for(tally_is({idea_a: 1, idea_b: 2}), DELIVERY_BOUND)
        time.sleep(1.0)  # a second process broadcasting would have sent its copy by now
        for watcher in watchers:
            keys = [(m["round_id"], m["version"], m["total"], m["connected"])
                    for m in watcher.tallies]
            assert len(keys) == len(set(keys)), watcher.tallies
            assert sum(1 for m in watcher.tallies if m["total"] == 3) == 1, watcher.tallies
        import redis

        leader = redis.Redis.from_url(REDIS_URL).get(f"{channel}:voting:broadcast-leader")
        assert leader is not None
    assert stored_votes(round_id) == 3
