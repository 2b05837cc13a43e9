"""The security log (issue 18, 1.10; docs/operations.md): log-in successes and failures,
lock-outs, refusals (403) and role changes as JSON lines through Python's logging, never a
password, a token, a cookie or a session id."""

from __future__ import annotations

import json
import logging

import pytest

from inspir_events import security
from inspir_events.accounts.models import Role
from inspir_events.limits import DEVICE_COOKIE
from tests.conftest import PASSWORD

WRONG = "wrong password guess 1234"


@pytest.fixture
def events(caplog):
    """The security events logged during the test, in order (their JSON lines parsed)."""
    caplog.set_level(logging.INFO, logger="inspir_events.security")

    def read() -> list[dict]:
        lines = [r.getMessage() for r in caplog.records if r.name == "inspir_events.security"]
        return [json.loads(line) for line in lines]  # each message is one JSON object

    read.messages = lambda: [r.getMessage() for r in caplog.records
                             if r.name == "inspir_events.security"]
    return read


def only(found: list[dict], name: str) -> list[dict]:
    return [e for e in found if e["event"] == name]


def test_log_ins_are_logged_without_secrets(app, client, make_user, events):
    user = make_user(email="camille@example.org")
    client.post_form("/login", {"email": user.email, "password": WRONG}, token_from="/login")
    client.post_form("/login", {"email": user.email, "password": PASSWORD}, token_from="/login")
    found = events()
    (failure,) = only(found, "login.failure")
    (success,) = only(found, "login.success")
    assert failure["route"] == "/login" and failure["ip"] == "127.0.0.1"
    assert failure["account"] == security_reference(user.email) and "user_id" not in failure
    assert failure["known_device"] is False
    assert success["user_id"] == user.id and success["at"].endswith("Z")
    secrets = [PASSWORD, WRONG, user.email,
               client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value,
               client.get_cookie(DEVICE_COOKIE, path="/login").value,
               client.csrf_token("/login")]
    for message in events.messages():
        for secret in secrets:
            assert secret not in message


def security_reference(email: str) -> str:
    from inspir_events.limits import account_reference

    return account_reference(email)


def test_lock_outs_are_logged_with_the_limit(app, client, make_user, events):
    app.config["LOGIN_FAILURES_PER_ACCOUNT_AND_IP"] = "2 per minute"
    user = make_user()
    for _ in range(3):
        client.post_form("/login", {"email": user.email, "password": WRONG},
                         token_from="/login")
    (lockout,) = only(events(), "lockout")
    assert lockout["limit"] == "login_pair" and lockout["route"] == "/login"
    assert lockout["account"] == security_reference(user.email)
    assert lockout["retry_after"] >= 1
    assert len(only(events(), "login.failure")) == 2  # the third never reached the check


def test_refusals_are_logged(client, login, make_user, events):
    user = make_user()
    login(user)
    assert client.get("/admin/users").status_code == 403
    (denied,) = only(events(), "access.denied")
    assert denied["user_id"] == user.id and denied["route"] == "/admin/users"
    assert denied["method"] == "GET"


def test_role_changes_are_logged(client, login, make_user, events):
    admin = make_user(roles=(Role.ADMIN,))
    target = make_user()
    login(admin)
    response = client.post_form(f"/admin/users/{target.id}/roles",
                                {f"u{target.id}-roles": ["organiser", "committee"]},
                                token_from="/admin/users")
    assert response.status_code == 302
    granted = only(events(), "role.granted")
    assert {(e["role"], e["target_user_id"], e["user_id"]) for e in granted} == {
        ("organiser", target.id, admin.id), ("committee", target.id, admin.id)}
    client.post_form(f"/admin/users/{target.id}/roles", {f"u{target.id}-roles": ["committee"]},
                     token_from="/admin/users")
    (revoked,) = only(events(), "role.revoked")
    assert revoked["role"] == "organiser"


def test_fields_named_like_secrets_are_never_written(app, events):
    with app.test_request_context("/login", method="POST"):
        written = security.log_event("test", password="hunter2", session_id="abc",
                                     csrf_token="t", reset_token="r", role="admin")
    assert written["role"] == "admin"
    assert not {"password", "session_id", "csrf_token", "reset_token"} & set(written)
    assert "hunter2" not in events.messages()[-1]


def test_the_log_goes_to_a_file_as_json_lines(make_app, tmp_path, make_user):
    path = tmp_path / "security.log"
    application = make_app(SECURITY_LOG=str(path))
    try:
        client = application.test_client()
        for _ in range(2):
            client.post_form("/login", {"email": "nobody@example.org", "password": WRONG},
                             token_from="/login")
        lines = path.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["event"] for line in lines] == ["login.failure"] * 2
    finally:
        for handler in list(security.log.handlers):
            if isinstance(handler, security.SecurityFileHandler):
                security.log.removeHandler(handler)
                handler.close()
