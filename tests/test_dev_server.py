"""The development settings never serve the network (issue 18, 1.9): ``python wsgi.py``
refuses any address but loopback when INSPIR_CONFIG is development (or forgotten), and in
debug mode the application, the Werkzeug debugger included, answers this computer only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.debug import DebuggedApplication

import config
from inspir_events.app import create_app
from inspir_events.extensions import db
from inspir_events.security import LocalOnly, is_loopback
from tests.conftest import testing_config as settings_for
from tests.test_serve import free_port, migrate

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("app.localhost", True),
    ("0.0.0.0", False), ("::", False), ("", False), ("192.168.1.10", False),  # noqa: S104
    ("inspir.example.fr", False), ("localhost.example.fr", False),
])
def test_what_counts_as_this_computer(host, loopback):
    assert is_loopback(host) is loopback


def test_development_settings_bind_loopback_only():
    development = vars(config.load("development", environ={})) | {"NAME": "development"}
    for host in ("127.0.0.1", "localhost", "::1"):
        config.check_bind(development, host)
    for host in ("0.0.0.0", "192.168.1.10", "::"):  # noqa: S104
        with pytest.raises(config.ConfigError, match="serve only this computer"):
            config.check_bind(development, host)
    # Production serves wherever it is told (behind its proxy).
    config.check_bind({"NAME": "production", "DEBUG": False}, "0.0.0.0")  # noqa: S104
    with pytest.raises(config.ConfigError):
        config.check_bind({"NAME": "production", "DEBUG": True}, "0.0.0.0")  # noqa: S104


def run_wsgi(tmp_path, **env_changes) -> subprocess.CompletedProcess:
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    migrate(url)
    env = {k: v for k, v in os.environ.items()
           if k not in {"INSPIR_CONFIG", "INSPIR_NO_GEVENT", "REDIS_URL", "SERVER_NAME",
                        "SECRET_KEY", "FLASK_DEBUG"}}
    env.update(DATABASE_URL=url, PORT=str(free_port()), PYTHONUNBUFFERED="1", **env_changes)
    return subprocess.run([sys.executable, "wsgi.py"], cwd=ROOT, env=env, text=True,  # noqa: S603
                          capture_output=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10"])  # noqa: S104
def test_python_wsgi_without_inspir_config_refuses_a_public_address(tmp_path, host):
    result = run_wsgi(tmp_path, HOST=host)  # INSPIR_CONFIG forgotten: development
    assert result.returncode == 2
    assert "INS'pir Events does not start" in result.stderr
    assert "serve only this computer" in result.stderr
    assert "is served on" not in result.stdout  # it never bound anything


@pytest.fixture
def debug_app(tmp_path):
    """The development settings (debug on) wrapped as ``socketio.run`` wraps them: the
    Werkzeug debugger (evalex on) between Socket.IO's middleware and the application."""
    url = f"sqlite:///{tmp_path / 'debug.db'}"
    migrate(url)
    app = create_app(settings_for(url, NAME="development", DEBUG=True,
                                  SECRET_KEY=config.Development.SECRET_KEY))
    assert app.debug and isinstance(app.wsgi_app, LocalOnly)
    socket_layer = app.wsgi_app.app
    socket_layer.wsgi_app = DebuggedApplication(socket_layer.wsgi_app, evalex=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_in_debug_mode_only_this_computer_is_answered(debug_app):
    local = debug_app.test_client()
    assert local.get("/healthz").status_code == 200
    assert local.get("/console").status_code == 200  # the debugger's console, here only
    remote = debug_app.test_client()
    remote.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    for path in ("/healthz", "/console", "/?__debugger__=yes&cmd=resource&f=style.css"):
        response = remote.get(path)
        assert response.status_code == 403, path
        assert b"answers this computer only" in response.data
        assert b"Werkzeug" not in response.data and b"console" not in response.data.lower()


def test_a_forwarded_request_is_not_this_computer(debug_app):
    """A proxy or tunnel on this computer forwarding the network is refused too."""
    client = debug_app.test_client()
    for header, value in (("X-Forwarded-For", "203.0.113.9"),
                          ("Forwarded", "for=203.0.113.9;proto=https"),
                          ("X-Real-IP", "203.0.113.9")):
        assert client.get("/console", headers={header: value}).status_code == 403, header
    assert client.get("/healthz", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


def test_without_debug_the_network_is_served(app):
    assert not isinstance(app.wsgi_app, LocalOnly)
    remote = app.test_client()
    remote.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    assert remote.get("/healthz").status_code == 200
