"""The real server: ``python wsgi.py`` serves pages over HTTP with gevent and stops cleanly
on Ctrl-C (SIGINT); ``python -m inspir_events.launcher`` (what ``make run`` ends with) runs it
beside the mail worker and stops both."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from inspir_events.accounts.models import User
from inspir_events.app import create_app
from inspir_events.database import begin_write
from inspir_events.extensions import db
from inspir_events.mail.services import enqueue
from tests.conftest import testing_config as settings_for
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30
STOP_TIMEOUT = 10
URL_RE = re.compile(r"(http://127\.0\.0\.1:\d+/)")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def migrate(url: str) -> None:
    app = create_app(settings_for(url))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, (result.output, result.exception)
    with app.app_context():
        db.engine.dispose()


def read_lines(stream, into: queue.Queue) -> None:
    for line in iter(stream.readline, ""):
        into.put(line)
    into.put(None)


def wait_for_line(lines: queue.Queue, pattern: re.Pattern, seen: list[str], timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.05, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        match = pattern.search(line)
        if match:
            return match
    return None


def get(url: str, timeout: float = 5.0) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
        return response.status, response.headers.get("Content-Type", ""), response.read().decode()


def get_when_ready(url: str, timeout: float) -> tuple[int, str, str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return get(url)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_python_wsgi_serves_pages_and_stops_on_ctrl_c(tmp_path):
    database = tmp_path / "serve.db"
    url = f"sqlite:///{database}"
    migrate(url)

    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"INSPIR_NO_GEVENT", "REDIS_URL", "SERVER_NAME", "ALLOWED_ORIGINS",
                        "SECRET_KEY", "FLASK_DEBUG"}}
    env.update(INSPIR_CONFIG="development", DATABASE_URL=url, HOST="127.0.0.1", PORT=str(port),
               PYTHONUNBUFFERED="1")
    stderr_path = tmp_path / "stderr.log"
    seen: list[str] = []
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own entry point
            [sys.executable, "wsgi.py"], cwd=ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
        )
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    try:
        match = wait_for_line(lines, URL_RE, seen, START_TIMEOUT)
        assert match, f"no URL printed: {seen!r} {stderr_path.read_text()[-2000:]}"
        base = match.group(1)
        assert base == f"http://127.0.0.1:{port}/"

        status, content_type, body = get_when_ready(base, START_TIMEOUT)
        assert status == 200
        assert content_type.startswith("text/html")
        assert '<html lang="fr">' in body

        status, content_type, body = get(base + "healthz")
        assert status == 200
        assert content_type.startswith("application/json")
        assert json.loads(body) == {"status": "ok"}

        # Flask-SocketIO answers too: an Engine.IO handshake over long-polling.
        status, _, body = get(base + "socket.io/?EIO=4&transport=polling")
        assert status == 200
        assert body.startswith("0") and '"sid"' in body

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=STOP_TIMEOUT) == 0, stderr_path.read_text()[-2000:]
        reader.join(timeout=STOP_TIMEOUT)
        stopped = wait_for_line(lines, re.compile(r"INS'pir Events stopped\."), seen, 2)
        assert stopped, f"no stop line: {seen!r}"
        assert "Traceback" not in stderr_path.read_text()
        with pytest.raises(OSError):
            get(base + "healthz", timeout=1)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
        process.stdout.close()


PIDS_RE = re.compile(r"web server \(pid (\d+)\), mail worker \(pid (\d+)\)")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_make_run_serves_and_delivers_mail_and_ctrl_c_stops_both(tmp_path):
    """``python -m inspir_events.launcher`` (make run's last step): the web server and the
    mail worker; a message committed by the application is written to the development
    mailbox by that worker; one Ctrl-C (SIGINT to the launcher) stops both."""
    database = tmp_path / "run.db"
    url = f"sqlite:///{database}"
    migrate(url)
    huey, mailbox = tmp_path / "huey.db", tmp_path / "mail"
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"INSPIR_NO_GEVENT", "REDIS_URL", "SERVER_NAME", "ALLOWED_ORIGINS",
                        "SECRET_KEY", "FLASK_DEBUG", "MAIL_SERVER"}}
    env.update(INSPIR_CONFIG="development", DATABASE_URL=url, HOST="127.0.0.1", PORT=str(port),
               PYTHONUNBUFFERED="1", HUEY_SQLITE_PATH=str(huey), MAIL_FILE_DIR=str(mailbox))
    seen: list[str] = []
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own entry point
            [sys.executable, "-m", "inspir_events.launcher"], cwd=ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
        )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    try:
        started = wait_for_line(lines, PIDS_RE, seen, START_TIMEOUT)
        assert started, f"{seen!r} {stderr_path.read_text()[-2000:]}"
        web_pid, worker_pid = (int(pid) for pid in started.groups())
        assert wait_for_line(lines, URL_RE, seen, START_TIMEOUT), seen
        status, _, _ = get_when_ready(f"http://127.0.0.1:{port}/healthz", START_TIMEOUT)
        assert status == 200

        # The application commits a message; the launcher's worker delivers it.
        app = create_app(settings_for(url, HUEY_STORAGE="sqlite", HUEY_SQLITE_PATH=str(huey)))
        with app.app_context():
            user = User(email="nadia@example.org", display_name="Nadia", password_hash="x")
            db.session.add(user)
            db.session.commit()
            begin_write()
            enqueue(user, "account.verify", link="http://127.0.0.1/x", hours=1)
            db.session.commit()
            db.engine.dispose()
        written = wait_until(lambda: list(mailbox.glob("*.eml")), START_TIMEOUT,
                             f"the worker's .eml file: {stderr_path.read_text()[-2000:]}")
        assert b"nadia@example.org" in written[0].read_bytes()

        process.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        assert process.wait(timeout=STOP_TIMEOUT * 2) == 0, stderr_path.read_text()[-2000:]
        assert wait_for_line(lines, re.compile(r"Stopped: web server and mail worker"), seen,
                             2), seen
        assert gone(web_pid) and gone(worker_pid)
        assert "Traceback" not in stderr_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
        process.stdout.close()
