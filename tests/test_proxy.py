"""Behind a reverse proxy: ``PROXY_FIX_HOPS`` decides whether X-Forwarded-* headers count.

With the default 0 a client cannot forge its address or scheme; with 1 (one nginx in
front, as docs/deployment.md sets up) the proxy's headers give the client's address,
the public scheme and host, and only the last hop's value is trusted.
"""

from __future__ import annotations

import pytest
from flask import request, url_for

import config
from inspir_events.app import create_app
from inspir_events.extensions import db

FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "inspir.example",
    "X-Forwarded-Port": "443",
}


def make_app(tmp_path, **environ):
    settings = config.load("testing", environ=environ)
    settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'proxy.db'}"
    app = create_app(settings)

    @app.route("/_seen")
    def seen():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host,
                "external": url_for("main.healthz", _external=True)}

    return app


def seen(app, headers):
    client = app.test_client()
    response = client.get("/_seen", headers=headers,
                          environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def apps(tmp_path):
    built = []

    def build(**environ):
        app = make_app(tmp_path, **environ)
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.engine.dispose()


def test_forwarded_headers_are_ignored_by_default(apps):
    assert config.Base.PROXY_FIX_HOPS == 0
    data = seen(apps(), FORWARDED)
    assert data["addr"] == "127.0.0.1"
    assert data["scheme"] == "http"
    assert data["host"] == "localhost"
    assert data["external"] == "http://localhost/healthz"


def test_one_trusted_proxy_gives_the_client_address_scheme_and_host(apps):
    app = apps(PROXY_FIX_HOPS="1")
    assert app.config["PROXY_FIX_HOPS"] == 1
    data = seen(app, FORWARDED)
    assert data["addr"] == "203.0.113.7"
    assert data["scheme"] == "https"
    assert data["host"] == "inspir.example"
    assert data["external"] == "https://inspir.example/healthz"


def test_a_forged_address_before_the_proxy_is_not_trusted(apps):
    # The client sent "X-Forwarded-For: 10.9.9.9"; nginx appended the real address.
    data = seen(apps(PROXY_FIX_HOPS="1"),
                {**FORWARDED, "X-Forwarded-For": "10.9.9.9, 203.0.113.7"})
    assert data["addr"] == "203.0.113.7"


def test_the_socket_endpoint_sits_behind_the_proxy_fix(apps):
    app = apps(PROXY_FIX_HOPS="1")
    # Socket.IO's middleware is inside ProxyFix, so socket handlers see the same address.
    assert type(app.wsgi_app).__name__ == "ProxyFix"
    assert type(app.wsgi_app.app).__module__.startswith(("engineio", "flask_socketio"))


def test_proxy_fix_hops_from_the_environment_and_negative_refused(tmp_path):
    assert config.load("production", environ={"PROXY_FIX_HOPS": "2"}).PROXY_FIX_HOPS == 2
    assert config.load("production", environ={}).PROXY_FIX_HOPS == 0
    settings = config.load("testing", environ={"PROXY_FIX_HOPS": "-1"})
    settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'neg.db'}"
    with pytest.raises(config.ConfigError, match="PROXY_FIX_HOPS"):
        create_app(settings)
