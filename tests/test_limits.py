"""Abuse limits (issue 10): each limited action answers 429 with a message saying what
was limited and how long to wait, a Retry-After header, the form's page (what was
typed kept) or JSON; live votes have a per-user bucket; counts live in Redis when it
is configured, shared by every process."""

from __future__ import annotations

import time
import uuid
from types import SimpleNamespace

import pytest
import redis
from flask_limiter import _extension as flask_limiter_extension
from sqlalchemy import func, select

import config
from inspir_events.accounts.models import User
from inspir_events.extensions import limiter
from inspir_events.needs.models import Need
from inspir_events.store.models import ReproductionRequest
from tests.conftest import PASSWORD, REDIS_URL, redis_available, service_missing
from tests.store.conftest import make_project, reproducer  # noqa: F401  (fixtures)
from tests.voting.conftest import (  # noqa: F401  (fixtures, re-exported)
    ORIGIN,
    LiveClient,
    browser,
    make_event,
    make_idea,
    make_need,
    make_participant,
    make_round,
    make_team,
    make_voter,
    organiser,
    team_event,
    voting_event,
    voting_setup,
)

EN = {"Accept-Language": "en"}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def assert_429(response, *fragments: str) -> str:
    """A 429 with a Retry-After in whole seconds (1..3600) and every fragment in the body."""
    assert response.status_code == 429, response.get_data(as_text=True)[:400]
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    for fragment in fragments:
        assert fragment in body, body[:2000]
    return body


# ---- HTTP limits, one per action -----------------------------------------------------------

def test_sign_up_is_limited_per_address(app, client, db):
    app.config["SIGNUP_LIMIT"] = "2 per minute"

    def sign_up(on, n):
        return on.post_form("/signup", {
            "email": f"new{n}@example.org", "display_name": f"Nouvelle {n}",
            "password": PASSWORD, "password_confirm": PASSWORD}, token_from="/signup",
            headers=EN)

    assert sign_up(client, 1).status_code == 302
    client.post_form("/logout")
    assert sign_up(client, 2).status_code == 302
    client.post_form("/logout")
    body = assert_429(sign_up(client, 3), "Too many attempts",
                      "Many accounts were created from your connection", "Please try again in")
    assert 'value="new3@example.org"' in body  # the sign-up form again, what was typed kept
    assert count(db, User) == 2
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"  # another connection is not counted
    assert sign_up(elsewhere, 4).status_code == 302


def test_log_in_429_is_the_form_again_in_french(app, client, make_user):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "2 per minute"
    user = make_user()
    bad = {"email": user.email, "password": "not the right one"}
    for _ in range(2):
        assert client.post_form("/login", bad, token_from="/login").status_code == 422
    body = assert_429(client.post_form("/login", bad, token_from="/login"),
                      "Trop de tentatives")
    assert f'value="{user.email}"' in body and 'role="alert"' in body


def test_password_change_is_limited_per_account(app, db, browser, make_user):  # noqa: F811
    app.config["CREDENTIAL_CHANGES_LIMIT"] = "2 per minute"
    first, second = make_user(), make_user()
    tab = browser(first)
    wrong = {"current_password": "not my password", "new_password": "a new long password",
             "new_password_confirm": "a new long password"}

    def change(on):
        return on.post_form("/account/password", wrong, token_from="/account/password",
                            headers=EN)

    assert [change(tab).status_code for _ in range(2)] == [422, 422]
    assert_429(change(tab), "You typed your password many times")
    # The right password is refused too while the limit lasts; another account is not.
    right = dict(wrong, current_password=PASSWORD)
    assert tab.post_form("/account/password", right, token_from="/profile").status_code == 429
    assert change(browser(second)).status_code == 422


def test_need_posting_is_limited_per_account(app, db, client, login, make_user):
    app.config["NEED_POSTS_LIMIT"] = "2 per minute"
    login(make_user())

    def post(n):
        return client.post_form("/needs/new", {
            "title": f"Un bus le dimanche, demande {n}",
            "description": "Le dimanche, aucun bus ne relie nos villages.",
            "department": "80", "commune": "Abbeville", "theme": "transports", "tags": "bus"},
            token_from="/needs/new", headers=EN)

    assert [post(n).status_code for n in (1, 2)] == [302, 302]
    body = assert_429(post(3), "You have posted many needs in a short time")
    assert "Un bus le dimanche, demande 3" in body  # the need form again, as typed
    assert count(db, Need) == 2


def test_supports_answer_json_to_scripts(app, db, client, login, make_user, make_need):  # noqa: F811
    app.config["NEED_SUPPORTS_LIMIT"] = "2 per minute"
    needs = [make_need(title=f"Besoin {n}") for n in range(3)]
    login(make_user())
    token = client.csrf_token("/needs")

    def support(need):
        return client.post(f"/needs/{need.id}/support", data={
            "csrf_token": token, "supported": "1"},
            headers={"Accept": "application/json", **EN})

    assert [support(need).status_code for need in needs[:2]] == [200, 200]
    refused = support(needs[2])
    assert_429(refused)
    error = refused.get_json()["error"]
    assert error["code"] == "too_many_requests"
    assert "supported or withdrawn many needs" in error["message"]
    assert abs(error["retry_after"] - int(refused.headers["Retry-After"])) <= 1


def test_form_votes_are_limited_per_account(app, db, browser, voting_setup):  # noqa: F811
    app.config["VOTE_HTTP_LIMIT"] = "1 per second"
    s = voting_setup()
    tab = browser(s.outsider)
    token = tab.csrf_token(f"/rounds/{s.round.id}")
    url = f"/rounds/{s.round.id}/vote"
    first = tab.post(url, data={"csrf_token": token, "idea_id": str(s.ideas[0].id)})
    second = tab.post(url, data={"csrf_token": token, "idea_id": str(s.ideas[1].id)},
                      headers=EN)
    assert first.status_code == 303
    assert_429(second, "You are voting faster than anyone could read the ideas",
               "Please try again in 1 second.")


def test_retry_after_is_never_0_as_the_limit_s_window_ends(
        app, db, browser, voting_setup, monkeypatch):  # noqa: F811
    """Flask-Limiter writes Retry-After again after the answer, truncated to whole seconds:
    at the very end of a window it wrote 0 where the message said « 1 second » (a CI run
    of test_form_votes_are_limited_per_account met it). The 429's own value is kept."""
    app.config["VOTE_HTTP_LIMIT"] = "1 per second"
    s = voting_setup()
    tab = browser(s.outsider)
    token = tab.csrf_token(f"/rounds/{s.round.id}")
    url = f"/rounds/{s.round.id}/vote"
    assert tab.post(url, data={"csrf_token": token,
                               "idea_id": str(s.ideas[0].id)}).status_code == 303
    # Flask-Limiter's clock read as the window ends (0.999 s later than ours).
    monkeypatch.setattr(flask_limiter_extension, "time",
                        SimpleNamespace(time=lambda: time.time() + 0.999, mktime=time.mktime))
    second = tab.post(url, data={"csrf_token": token, "idea_id": str(s.ideas[1].id)},
                      headers=EN)
    assert_429(second, "Please try again in 1 second.")
    assert second.headers["Retry-After"] == "1"


def test_reproduction_requests_are_limited_per_account(
        app, db, client, login, make_project, reproducer):  # noqa: F811
    app.config["REPRODUCTION_REQUESTS_LIMIT"] = "1 per minute"
    first, second = make_project("Navette solidaire"), make_project("Tiers-lieu mobile")
    login(reproducer)

    def declare(project, message):
        url = f"/store/{project.id}"
        return client.post_form(f"{url}/reproduce", {"message": message}, token_from=url,
                                headers=EN)

    assert declare(first, "Nous la lançons à Lille.").status_code == 302
    body = assert_429(declare(second, "Et celui-ci à Arras."),
                      "You have sent many reproduction requests", "Tiers-lieu mobile")
    assert "Et celui-ci à Arras." in body  # the project's page, the message kept
    assert count(db, ReproductionRequest) == 1


# ---- sockets ---------------------------------------------------------------------------------

def test_socket_votes_are_limited_per_user_across_their_sockets(app, browser, voting_setup):  # noqa: F811
    from inspir_events.extensions import socketio

    s = voting_setup()
    http = browser(s.outsider)
    tabs = [LiveClient(app, socketio, flask_test_client=http, headers={"Origin": ORIGIN})
            for _ in range(2)]
    other = LiveClient(app, socketio, flask_test_client=browser(s.members[0][1]),
                       headers={"Origin": ORIGIN})
    try:
        # The bucket holds 5 votes a second per user, whatever the socket (or the input).
        message = {"round_id": s.round.id, "idea_id": 999_999}
        outcomes = [tabs[n % 2].emit("vote", message, callback=True)["outcome"]
                    for n in range(6)]
        assert outcomes[:5] == ["unknown_idea"] * 5 and outcomes[5] == "rate"
        vote = {"round_id": s.round.id, "idea_id": s.ideas[1].id}
        assert other.emit("vote", vote, callback=True)["outcome"] == "stored"
    finally:
        for client in (*tabs, other):
            if client.is_connected():
                client.disconnect()


# ---- where the counts live -------------------------------------------------------------------

def failed_log_ins(application, email: str, times: int) -> list[int]:
    client = application.test_client()
    token = client.csrf_token("/login")
    return [client.post("/login", data={"email": email, "password": "x" * 12,
                                        "csrf_token": token}).status_code
            for _ in range(times)]


@pytest.mark.redis
def test_limits_in_redis_are_shared_by_every_process(make_app):
    reason = redis_available()
    if reason:
        service_missing("Redis at " + REDIS_URL, reason)
    email = f"{uuid.uuid4().hex}@example.org"
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "LOGIN_FAILURES_PER_ACCOUNT": "3 per minute",
                "LOGIN_FAILURES_PER_IP": "1000 per minute"}
    # Two applications, each with its own connection to Redis (init_app builds it).
    first = make_app(**settings)
    assert failed_log_ins(first, email, 2) == [422, 422]
    second = make_app(**settings)
    assert failed_log_ins(second, email, 2) == [422, 429]
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{email}*")
    assert keys, "the count is not in Redis"
    # In memory (no REDIS_URL) each process counts on its own.
    memory = {**settings, "RATELIMIT_STORAGE_URI": "memory://"}
    assert failed_log_ins(make_app(**memory), email, 2) == [422, 422]
    assert failed_log_ins(make_app(**memory), email, 2) == [422, 422]
    assert limiter.storage.__class__.__name__ == "MemoryStorage"


def test_each_deployment_has_its_own_keys_in_a_shared_redis():
    settings = config.load("production", environ={"REDIS_URL": "redis://cache:6379/2",
                                                  "SOCKETIO_CHANNEL": "inspir-staging"})
    assert settings.RATELIMIT_STORAGE_URI == "redis://cache:6379/2"
    assert settings.RATELIMIT_KEY_PREFIX == "inspir-staging"
    assert settings.RATELIMIT_STRATEGY == "moving-window"
    assert settings.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED is True
