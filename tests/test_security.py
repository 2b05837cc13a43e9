"""Security baseline: CSRF on every state change, safe methods, headers, cookies, errors."""

import pytest
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

import config as settings
from inspir_events.accounts.models import Role
from inspir_events.app import create_app
from inspir_events.extensions import db as _db

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Static files and the Socket.IO endpoint are not Flask views with forms.
NOT_VIEWS = {"static"}
# RFC 8058 one-click unsubscribe: the mail client posts without a session or a form; the
# signed token in its URL is the proof (tests/mail/test_pages.py checks a forged one).
CSRF_EXEMPT = {"mail.unsubscribe"}


def url_for_rule(rule: Rule) -> str:
    """A concrete URL for ``rule`` with placeholder arguments (1 for ints, the first
    allowed word for ``any(...)``, "x" else)."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def view_rules(app, methods):
    return [r for r in app.url_map.iter_rules()
            if r.endpoint not in NOT_VIEWS and r.methods & methods]


def snapshot(db):
    """Every row of every table, to show a request changed nothing."""
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all()))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def admin_client(app, client, make_user, login):
    admin = make_user("root@example.org", roles=tuple(Role))
    login(admin)
    return client


def test_there_are_state_changing_routes_to_check(app):
    assert len(view_rules(app, STATE_CHANGING)) >= 5


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, admin_client, db):
    before = snapshot(db)
    for rule in view_rules(app, STATE_CHANGING):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        url = url_for_rule(rule)
        for method in sorted(rule.methods & STATE_CHANGING):
            response = admin_client.open(url, method=method, data={"anything": "1"})
            assert response.status_code == 400, f"{method} {url} answered {response.status_code}"
            page = response.get_data(as_text=True)
            assert "formulaire a expiré" in page or "form expired" in page, url
    assert snapshot(db) == before


def test_only_the_one_click_unsubscribe_is_exempt_from_csrf(app):
    exempt = {f"{view.__module__}.{view.__name__}" for view in app.view_functions.values()
              } & app.extensions["csrf"]._exempt_views
    assert exempt == {"inspir_events.mail.routes.unsubscribe"}


def test_a_forged_token_is_refused_too(admin_client):
    response = admin_client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400


def test_no_get_route_changes_state(app, admin_client, client, db):
    rules = view_rules(app, {"GET"})
    assert len(rules) >= 5
    before = snapshot(db)
    for rule in rules:
        url = url_for_rule(rule)
        response = admin_client.get(url)
        assert response.status_code < 500, url
    assert snapshot(db) == before


def test_security_headers_on_every_kind_of_response(client):
    for url in ["/", "/login", "/no-such-page", "/static/css/main.css", "/healthz"]:
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, url
        for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]:
            assert directive in csp, (url, directive)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
        response.close()


def test_session_cookie_is_httponly_and_lax(client):
    cookie = client.get("/").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development and tests


def test_production_cookies_are_secure(tmp_path):
    production = settings.load("production", environ={
        "SECRET_KEY": "k" * 48, "PUBLIC_URL": "https://inspir.hautsdefrance.fr",
        "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
        "MAIL_SERVER": "smtp.inspir.example",
        "MAIL_DEFAULT_SENDER": "INS'pir <ne-pas-repondre@inspir.example>",
    })
    app = create_app(production)
    assert not app.debug
    cookie = app.test_client().get("/").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" in app.test_client().get("/").headers
    with app.app_context():
        _db.engine.dispose()


def test_unexpected_errors_show_a_generic_page_without_a_traceback(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def boom():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/boom", "boom", boom)
    for lang, text in [("fr", "Une erreur inattendue"), ("en", "An unexpected error")]:
        response = app.test_client().get("/boom", headers={"Accept-Language": lang})
        page = response.get_data(as_text=True)
        assert response.status_code == 500
        assert text in page
        assert "secret internal detail" not in page
        assert "Traceback" not in page


@pytest.mark.parametrize(("code", "fr", "en"), [
    (403, "Accès refusé", "Access denied"),
    (404, "Page introuvable", "Page not found"),
])
def test_error_pages_in_both_languages(make_app, code, fr, en):
    app = make_app()

    def fail():
        from flask import abort

        abort(code)

    app.add_url_rule("/fail", "fail", fail)
    client = app.test_client()
    assert fr in client.get("/fail").get_data(as_text=True)
    response = client.get("/fail", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == code
    assert en in response.get_data(as_text=True)


def test_the_session_cookie_s_serializer_is_made_once_per_keys(app, client, make_user, login):
    """The signed cookie's serializer is made once per application and keys (Flask made
    one at each request): the same cookie is read and written as before, and a new key
    (rotated, the old one a fallback) gets a serializer of its own that reads the old
    cookies."""
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    login(make_user())
    assert client.get("/profile").status_code == 200
    old_key = app.secret_key
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    app.secret_key = app.config["SECRET_KEY"] = "a new secret key, long enough to be one"
    rotated = interface.get_signing_serializer(app)
    assert rotated is not first
    assert client.get("/profile").status_code == 200  # the old cookie, read by a fallback


def test_a_session_cookie_is_checked_once_then_read_from_what_was_kept(app, client,
                                                                       make_user, login,
                                                                       monkeypatch):
    """The same session cookie, request after request, is checked (signature, age, tagged
    JSON) once: the next requests get a session of the values kept for its very text. A
    cookie changed by one byte is checked as before (refused: signed out), one older than
    the session's lifetime is refused as Flask refuses it, and a session holding a list (a
    flashed message, which may change in place) is never kept."""
    from inspir_events import security

    interface = app.session_interface
    login(make_user())
    assert client.get("/profile").status_code == 200  # (the log-in's message shown)
    serializer = interface.get_signing_serializer(app)
    checked = []
    real_loads = serializer.loads

    def counting(*args, **kwargs):
        checked.append(1)
        return real_loads(*args, **kwargs)

    monkeypatch.setattr(serializer, "loads", counting)
    for _ in range(4):
        assert client.get("/profile").status_code == 200
    assert len(checked) <= 1, checked
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name).value
    kept = app.extensions[security.SESSION_SERIALIZER][2]
    assert cookie in kept and all(type(v) in security.PLAIN for _, v in kept[cookie][1])

    # One byte changed: checked, refused.
    forged = cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1]
    client.set_cookie(name, forged)
    assert client.get("/profile").status_code == 302
    assert forged not in kept
    client.set_cookie(name, cookie)
    assert client.get("/profile").status_code == 200

    # Older than the session's lifetime: refused, kept or not.
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = security.time.time() + lifetime + 5
    monkeypatch.setattr(security.time, "time", lambda: later)
    monkeypatch.setattr(serializer, "loads", real_loads)
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert client.get("/profile").status_code == 302


def test_a_session_holding_a_list_is_read_again_at_each_request(app):
    from flask import flash, request, session

    from inspir_events import security

    with app.test_request_context("/"):
        session["note"] = "un texte"
        flash("Un message")
        response = app.response_class()
        app.session_interface.save_session(app, session, response)
        cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    name = app.config["SESSION_COOKIE_NAME"]
    for _ in range(2):
        with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
            opened = app.session_interface.open_session(app, request)
            assert opened["_flashes"] == [("message", "Un message")]
            opened["_flashes"].append(("message", "Un autre"))  # changed in place...
    kept = app.extensions[security.SESSION_SERIALIZER][2]
    assert cookie not in kept  # ... never in what the next request reads


def test_a_session_s_csrf_token_is_signed_once_and_still_accepted(app, client, make_user,
                                                                 login, monkeypatch):
    """The session's CSRF token is signed once per process and secret (``csrf_token``):
    pages after the first show the same signed token without signing it again, a form
    posted with it is accepted, another session gets its own; with a time limit on tokens,
    each request signs its own as Flask-WTF does."""
    from flask_wtf import csrf as wtf_csrf

    from tests.conftest import CSRF_RE

    login(make_user())
    signed = []
    real = wtf_csrf.URLSafeTimedSerializer

    class Counting(real):
        def dumps(self, *args, **kwargs):
            signed.append(1)
            return super().dumps(*args, **kwargs)

    monkeypatch.setattr(wtf_csrf, "URLSafeTimedSerializer", Counting)
    tokens = {CSRF_RE.search(client.get(path).text).group(1)
              for path in ("/profile", "/needs", "/profile", "/")}
    assert len(tokens) == 1 and len(signed) <= 1, (tokens, signed)
    (token,) = tokens
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302  # accepted: signed out
    assert client.get("/profile").status_code == 302

    other = app.test_client()
    login(make_user("autre@example.org"), on=other)
    assert CSRF_RE.search(other.get("/profile").text).group(1) != token

    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    signed.clear()
    for _ in range(3):
        other.get("/profile")
    assert len(signed) == 3
