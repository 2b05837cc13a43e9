"""Sessions (issue 10), with a frozen clock: idle timeout (30 minutes) and absolute
lifetime (12 hours) over HTTP and over the live-voting socket, a new session token at
each log-in (session fixation), and log-out ending the session server-side."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inspir_events.accounts import rules as account_rules
from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import UserSession
from inspir_events.extensions import socketio
from inspir_events.timeutil import utcnow
from inspir_events.voting import votes as voting_votes
from inspir_events.voting.models import Vote
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

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
SECOND = timedelta(seconds=1)


class Clock:
    """The time the session code reads (``utcnow``), moved only by the test."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    """Frozen time for the sessions: log-in, every page's session check, the socket votes."""
    frozen = Clock()
    for module in (account_services, voting_votes):
        monkeypatch.setattr(module, "utcnow", frozen)
    return frozen


@pytest.fixture
def socket(app):
    opened = []

    def factory(http):
        client = LiveClient(app, socketio, flask_test_client=http, headers={"Origin": ORIGIN})
        opened.append(client)
        return client

    yield factory
    for client in opened:
        if client.is_connected():
            client.disconnect()


def sessions_of(db, user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == user.id))


def signed_in(client) -> bool:
    response = client.get("/profile")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def votes(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote))


# ---- HTTP ----------------------------------------------------------------------------------

def test_activity_keeps_a_session_and_30_idle_minutes_end_it(app, db, client, login, clock,
                                                               make_user):
    assert app.config["SESSION_IDLE_TIMEOUT"] == IDLE
    user = make_user()
    login(user)
    for _ in range(3):  # a page every 29 minutes: 87 minutes signed in
        clock.advance(IDLE - timedelta(minutes=1))
        assert signed_in(client)
    clock.advance(IDLE + SECOND)
    assert not signed_in(client)
    assert sessions_of(db, user) == 0  # ended server-side, not only refused


def test_exactly_30_idle_minutes_still_count_as_active(db, client, login, clock, make_user):
    login(make_user())
    clock.advance(IDLE)
    assert signed_in(client)


def test_a_session_ends_after_12_hours_however_active(app, db, client, login, clock,
                                                      make_user):
    assert app.config["SESSION_ABSOLUTE_LIFETIME"] == ABSOLUTE
    user = make_user()
    login(user, remember=True)  # "remember me" does not extend it either
    started = clock.now
    while clock.now + timedelta(minutes=20) < started + ABSOLUTE:
        clock.advance(timedelta(minutes=20))
        assert signed_in(client), clock.now - started
    clock.advance(started + ABSOLUTE + SECOND - clock.now)
    assert not signed_in(client)
    assert sessions_of(db, user) == 0


# ---- the live-voting socket ------------------------------------------------------------------

def test_an_idle_session_cannot_vote_on_its_open_socket(app, db, browser, socket, clock,  # noqa: F811
                                                        voting_setup):  # noqa: F811
    s = voting_setup()
    live = socket(browser(s.outsider))
    assert live.emit("join", {"event_id": s.event.id}, callback=True)["ok"] is True
    clock.advance(IDLE - timedelta(minutes=1))
    ack = live.emit("vote", {"round_id": s.round.id, "idea_id": s.ideas[0].id}, callback=True)
    assert ack["outcome"] == "stored"  # a vote is activity: it keeps the session alive
    clock.advance(IDLE + SECOND)
    ack = live.emit("vote", {"round_id": s.round.id, "idea_id": s.ideas[1].id}, callback=True)
    assert (ack["ok"], ack["outcome"]) == (False, "signed_out")
    assert not live.is_connected()
    assert votes(db) == 1 and sessions_of(db, s.outsider) == 0


def test_a_socket_vote_touches_a_session_due_in_its_own_transaction(  # noqa: F811
        app, db, browser, socket, clock, voting_setup, monkeypatch):  # noqa: F811
    """A room's sessions fall due together (signed in together): the vote touches its
    session itself, as ``load_session`` would, not through the slow full path."""
    from inspir_events.voting import events

    s = voting_setup()
    live = socket(browser(s.outsider))
    assert live.emit("join", {"event_id": s.event.id}, callback=True)["ok"] is True
    full_checks = []
    monkeypatch.setattr(events, "_full_check",
                        lambda *a: full_checks.append(a) or s.outsider.id)
    for idea, outcome in ((s.ideas[0], "stored"), (s.ideas[0], "duplicate")):
        clock.advance(account_rules.SESSION_TOUCH_INTERVAL + SECOND)
        ack = live.emit("vote", {"round_id": s.round.id, "idea_id": idea.id}, callback=True)
        assert ack["outcome"] == outcome  # a refused vote commits the touch too
        db.session.expire_all()
        seen = db.session.scalars(select(UserSession.last_seen_at)
                                  .where(UserSession.user_id == s.outsider.id)).all()
        assert seen == [clock.now]
    assert full_checks == []


def test_an_expired_session_can_neither_join_nor_reconnect(app, db, browser, socket, clock,  # noqa: F811
                                                           voting_setup):  # noqa: F811
    s = voting_setup()
    http = browser(s.outsider)
    live = socket(http)
    assert live.is_connected()
    clock.advance(IDLE + SECOND)
    assert live.emit("join", {"event_id": s.event.id}, callback=True) == {"ok": False}
    assert not live.is_connected()
    assert not socket(http).is_connected()  # the same cookie opens no new socket


def test_a_socket_vote_after_12_hours_is_refused(app, db, browser, socket, clock,  # noqa: F811
                                                 voting_setup):  # noqa: F811
    s = voting_setup()
    http = browser(s.outsider)
    live = socket(http)
    started = clock.now
    while clock.now + timedelta(minutes=25) < started + ABSOLUTE:
        clock.advance(timedelta(minutes=25))
        assert signed_in(http)  # the browser stays active all day
    clock.advance(started + ABSOLUTE + SECOND - clock.now)
    ack = live.emit("vote", {"round_id": s.round.id, "idea_id": s.ideas[0].id}, callback=True)
    assert (ack["ok"], ack["outcome"]) == (False, "signed_out")
    assert not live.is_connected()
    assert votes(db) == 0


# ---- log-in and log-out --------------------------------------------------------------------

def test_a_session_cookie_planted_before_log_in_is_worthless_after_it(app, db, client, login,
                                                                       make_user):
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    attacker = app.test_client()
    attacker.get("/login")  # a visitor's session, with its CSRF token
    planted = attacker.get_cookie(cookie_name).value
    client.set_cookie(cookie_name, planted)  # fixed on the victim's browser
    user = make_user()
    login(user)
    assert client.get_cookie(cookie_name).value != planted  # a new session at log-in
    assert signed_in(client)
    assert not signed_in(attacker)  # the planted one is still nobody's
    replay = app.test_client()
    replay.set_cookie(cookie_name, planted)
    assert not signed_in(replay)


def test_each_log_in_gets_a_new_server_side_token(app, db, make_user, login):
    user = make_user()
    tokens = set()
    for _ in range(3):
        tab = app.test_client()
        login(user, on=tab)
        tokens.add(tab.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    hashes = set(db.session.scalars(select(UserSession.token_hash)
                                    .where(UserSession.user_id == user.id)))
    assert len(tokens) == 3 and len(hashes) == 3


def test_log_out_deletes_the_session_and_a_replayed_cookie_is_refused(
        app, db, browser, socket, voting_setup):  # noqa: F811
    s = voting_setup()
    http = browser(s.outsider)
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    stolen = http.get_cookie(cookie_name).value
    live = socket(http)
    assert live.is_connected() and sessions_of(db, s.outsider) == 1
    assert http.post_form("/logout").status_code == 302
    assert sessions_of(db, s.outsider) == 0
    assert not live.is_connected()  # the user's sockets are closed at log-out
    replay = app.test_client()
    replay.set_cookie(cookie_name, stolen)
    assert not signed_in(replay)
    assert not socket(replay).is_connected()
    assert votes(db) == 0
