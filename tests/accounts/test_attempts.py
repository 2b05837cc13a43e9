"""Password guessing stays limited, and a stranger cannot lock the owner out (issue 18, 1.2
and 1.3; docs/security.md, « Failed log-ins »).

Every client here comes from 127.0.0.1 unless it says otherwise: the venue of an event,
where everyone shares one public address. The owner's browser signed in before and holds
its device cookie; the stranger's did not.
"""

from __future__ import annotations

import base64
import json

import pytest

from inspir_events.limits import DEVICE_COOKIE
from tests.conftest import PASSWORD

WRONG = "not the right password"
EN = {"Accept-Language": "en"}


def log_in(client, email: str, password: str, **kwargs) -> int:
    return client.post_form("/login", {"email": email, "password": password},
                            token_from="/login", **kwargs).status_code


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org")


@pytest.fixture
def owner_browser(app, owner, login):
    """The owner's own browser: it signed in before (its device cookie), then signed out."""
    browser = app.test_client()
    login(owner, on=browser)
    assert browser.get_cookie(DEVICE_COOKIE, path="/login") is not None
    browser.post_form("/logout")
    return browser


def test_a_stranger_at_the_venue_cannot_lock_the_owner_out(app, owner, owner_browser):
    stranger = app.test_client()
    assert [log_in(stranger, owner.email, WRONG) for _ in range(5)] == [422] * 5
    assert log_in(stranger, owner.email, PASSWORD) == 429  # the stranger is stopped
    # The owner's browser, at the same address, still gets in with the right password,
    # and a typo of theirs is a typo (422), not a lock-out.
    assert log_in(owner_browser, owner.email, WRONG) == 422
    assert log_in(owner_browser, owner.email, PASSWORD) == 302


def test_the_owner_on_a_browser_never_used_waits_like_the_stranger(app, owner, owner_browser):
    """The cost of the design (docs/security.md): a browser that never signed in to the
    account is as unknown as the stranger's while the count lasts."""
    stranger = app.test_client()
    for _ in range(5):
        log_in(stranger, owner.email, WRONG)
    assert log_in(app.test_client(), owner.email, PASSWORD) == 429


def test_another_accounts_device_cookie_opens_nothing(app, owner, make_user, login):
    stranger = app.test_client()
    login(make_user(email="stranger@example.org"), on=stranger)  # a cookie of their own
    stranger.post_form("/logout")
    assert [log_in(stranger, owner.email, WRONG) for _ in range(5)] == [422] * 5
    assert log_in(stranger, owner.email, WRONG) == 429


def test_a_forged_device_cookie_is_ignored(app, owner, owner_browser):
    forger = app.test_client()
    genuine = owner_browser.get_cookie(DEVICE_COOKIE, path="/login").value
    forger.set_cookie(DEVICE_COOKIE, genuine[:-2] + ("AA" if genuine[-2:] != "AA" else "BB"),
                      path="/login")
    assert [log_in(forger, owner.email, WRONG) for _ in range(5)] == [422] * 5
    assert log_in(forger, owner.email, PASSWORD) == 429


def test_guessing_from_many_addresses_is_limited_per_account(app, owner, owner_browser):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "6 per hour"

    def from_address(n: int):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n}"
        return client

    assert [log_in(from_address(n), owner.email, WRONG) for n in range(6)] == [422] * 6
    assert log_in(from_address(99), owner.email, PASSWORD) == 429
    assert log_in(owner_browser, owner.email, PASSWORD) == 302  # the owner's own device


def test_the_owners_device_is_limited_too(app, owner, owner_browser):
    app.config["LOGIN_FAILURES_PER_DEVICE"] = "3 per 15 minutes"
    assert [log_in(owner_browser, owner.email, WRONG) for _ in range(3)] == [422] * 3
    body = owner_browser.post_form("/login", {"email": owner.email, "password": PASSWORD},
                                   token_from="/login", headers=EN)
    assert body.status_code == 429
    assert "Too many failed log-ins for this account." in body.get_data(as_text=True)
    # The stranger's count is another one: their first tries are answered.
    assert log_in(app.test_client(), owner.email, WRONG) == 422


def test_the_device_cookie_is_safe(app, owner, owner_browser):
    cookie = owner_browser.get_cookie(DEVICE_COOKIE, path="/login")
    assert cookie.http_only and cookie.path == "/login" and cookie.same_site == "Lax"
    payload = json.loads(base64.urlsafe_b64decode(cookie.value.split(".")[0] + "=="))
    assert set(payload) == {"account", "device"}  # signed; no address, no id, no secret
    assert owner.email not in json.dumps(payload)


# ---- the forms where the password is typed again (1.2) -------------------------------------

def delete(client) -> int:
    return client.post_form("/account/delete", {"current_password": WRONG, "confirm": "y"},
                            token_from="/account/delete").status_code


def change_password(client) -> int:
    return client.post_form("/account/password", {
        "current_password": WRONG, "new_password": "a brand new password",
        "new_password_confirm": "a brand new password"},
        token_from="/account/password").status_code


def test_account_deletion_limits_password_guessing(app, client, login, make_user):
    login(make_user())
    assert [delete(client) for _ in range(5)] == [422] * 5
    response = client.post_form("/account/delete", {"current_password": WRONG, "confirm": "y"},
                                token_from="/account/delete", headers=EN)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert "You typed your password many times in a short time." in response.get_data(
        as_text=True)


def test_deletion_and_password_change_share_one_count(app, client, login, make_user):
    login(make_user())
    assert [change_password(client) for _ in range(3)] == [422] * 3
    assert [delete(client) for _ in range(2)] == [422] * 2
    assert delete(client) == 429
    assert change_password(client) == 429
