"""Socket.IO handlers of live voting, with Flask-SocketIO's test client.

Each socket is opened after signing in through the real log-in form (its HTTP client
carries the session cookie). Like ``InspirClient``, every socket call runs in a fresh
context, as a real connection would: the handlers do not share the test's ``g``,
current user or database session.
"""

from __future__ import annotations

import contextvars

import pytest
from flask import has_app_context
from flask_socketio.test_client import SocketIOTestClient

from inspir_events.extensions import db as _db
from inspir_events.extensions import socketio
from inspir_events.voting import events, services
from inspir_events.voting.models import Vote

ORIGIN = "http://localhost"  # the testing settings' ALLOWED_ORIGINS


class LiveClient(SocketIOTestClient):
    """A socket test client whose calls each run in a fresh context."""

    def _fresh(self, method, *args, **kwargs):
        result = contextvars.Context().run(method, *args, **kwargs)
        if has_app_context():
            _db.session.rollback()
        return result

    def connect(self, *args, **kwargs):
        return self._fresh(super().connect, *args, **kwargs)

    def emit(self, *args, **kwargs):
        return self._fresh(super().emit, *args, **kwargs)

    def disconnect(self, *args, **kwargs):
        return self._fresh(super().disconnect, *args, **kwargs)

    def events(self, name: str) -> list:
        return [m["args"][0] for m in self.get_received() if m["name"] == name]


@pytest.fixture
def live(app, browser):
    """``live(user=None, origin=ORIGIN)``: a socket, signed in as ``user`` (if given)."""
    opened = []

    def factory(user=None, origin: str | None = ORIGIN):
        http = browser(user) if user is not None else app.test_client()
        headers = {"Origin": origin} if origin else None
        client = LiveClient(app, socketio, flask_test_client=http, headers=headers)
        client.http = http
        opened.append(client)
        return client

    yield factory
    for client in opened:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def setup(voting_setup):
    return voting_setup()


def vote(client, voting_round, idea):
    return client.emit("vote", {"round_id": voting_round.id, "idea_id": idea.id}, callback=True)


def stored_votes(round_id: int) -> int:
    return _db.session.query(Vote).filter(Vote.round_id == round_id).count()


# ---- connecting --------------------------------------------------------------------------

def test_anonymous_connection_is_refused(live):
    assert not live().is_connected()


def test_foreign_origin_is_refused(live, setup):
    assert not live(setup.outsider, origin="http://evil.example").is_connected()
    assert live(setup.outsider).is_connected()


def test_join_gives_the_snapshot_and_the_connected_count(live, setup):
    first = live(setup.outsider)
    first.emit("join", {"event_id": setup.event.id}, callback=True)
    second = live(setup.members[0][0])
    ack = second.emit("join", {"event_id": setup.event.id}, callback=True)
    assert ack["ok"] is True
    assert ack["connected"] == 2
    assert ack["rounds"] == [{"round_id": setup.round.id, "status": "open", "version": 0,
                              "tally": {}, "total": 0}]

    vote(first, setup.round, setup.ideas[0])
    ack = live(setup.members[1][0]).emit("join", {"event_id": setup.event.id}, callback=True)
    (snap,) = ack["rounds"]
    assert snap["tally"] == {str(setup.ideas[0].id): 1}
    assert snap["total"] == 1 and snap["version"] > 0


def test_join_of_an_unknown_event_fails(live, setup):
    ack = live(setup.outsider).emit("join", {"event_id": 999_999}, callback=True)
    assert ack["ok"] is False
    ack = live(setup.outsider).emit("join", {"event_id": "nope"}, callback=True)
    assert ack["ok"] is False


# ---- voting ------------------------------------------------------------------------------

def test_vote_is_stored_and_acknowledged(live, setup):
    ack = vote(live(setup.outsider), setup.round, setup.ideas[0])
    assert ack["ok"] is True
    assert ack["outcome"] == "stored"
    assert ack["message"]
    assert (ack["votes_used"], ack["votes_allowed"]) == (1, 3)
    assert stored_votes(setup.round.id) == 1


def test_duplicate_vote_counts_once(live, setup):
    client = live(setup.outsider)
    vote(client, setup.round, setup.ideas[0])
    ack = vote(client, setup.round, setup.ideas[0])
    assert ack["ok"] is True
    assert ack["outcome"] == "duplicate"
    assert ack["votes_used"] == 1
    assert stored_votes(setup.round.id) == 1


def test_vote_on_a_closed_round_is_refused(live, setup, organiser):
    client = live(setup.outsider)
    services.close_round(organiser, setup.round.id)
    ack = vote(client, setup.round, setup.ideas[0])
    assert (ack["ok"], ack["outcome"]) == (False, "closed")
    assert stored_votes(setup.round.id) == 0


def test_vote_for_own_teams_idea_is_refused(live, setup):
    ack = vote(live(setup.members[0][1]), setup.round, setup.ideas[0])
    assert (ack["ok"], ack["outcome"]) == (False, "own_team")
    ack = vote(live(setup.members[0][1]), setup.round, setup.ideas[1])
    assert (ack["ok"], ack["outcome"]) == (True, "stored")


def test_vote_over_quota_is_refused(live, voting_setup):
    setup = voting_setup(votes_per_participant=1)
    client = live(setup.outsider)
    assert vote(client, setup.round, setup.ideas[0])["outcome"] == "stored"
    ack = vote(client, setup.round, setup.ideas[1])
    assert (ack["ok"], ack["outcome"]) == (False, "quota")
    assert (ack["votes_used"], ack["votes_allowed"]) == (1, 1)
    assert stored_votes(setup.round.id) == 1


def test_non_participant_cannot_vote(live, setup, make_user):
    ack = vote(live(make_user(display_name="Visiteuse")), setup.round, setup.ideas[0])
    assert (ack["ok"], ack["outcome"]) == (False, "not_eligible")


def test_vote_for_unknown_round_or_bad_input(live, setup):
    client = live(setup.outsider)
    ack = client.emit("vote", {"round_id": 999_999, "idea_id": setup.ideas[0].id},
                      callback=True)
    assert (ack["ok"], ack["outcome"]) == (False, "not_found")
    ack = client.emit("vote", {"round_id": "x"}, callback=True)
    assert (ack["ok"], ack["outcome"]) == (False, "not_found")


def test_votes_are_rate_limited_per_user(live, setup):
    client = live(setup.outsider)
    outcomes = [vote(client, setup.round, setup.ideas[i % 2])["outcome"] for i in range(8)]
    assert outcomes[:2] == ["stored", "stored"]
    assert "rate" in outcomes
    rated = vote(client, setup.round, setup.ideas[0])
    assert rated["outcome"] == "rate" and rated["ok"] is False and rated["message"]
    # Another user has a bucket of their own.
    assert vote(live(setup.members[1][1]), setup.round, setup.ideas[0])["outcome"] == "stored"


# ---- broadcasts ---------------------------------------------------------------------------

def test_tally_is_broadcast_on_the_tick_only_when_it_changed(app, live, setup):
    watcher = live(setup.members[0][0])
    watcher.emit("join", {"event_id": setup.event.id}, callback=True)
    voter = live(setup.outsider)
    events.broadcast_tick(app)
    (first,) = watcher.events("tally")
    assert first["version"] == 0 and first["connected"] == 1

    assert events.broadcast_tick(app) == 0
    assert watcher.events("tally") == []

    vote(voter, setup.round, setup.ideas[0])
    vote(voter, setup.round, setup.ideas[1])
    assert watcher.events("tally") == []  # never one broadcast per vote
    assert events.broadcast_tick(app) == 1
    (second,) = watcher.events("tally")
    assert second["round_id"] == setup.round.id
    assert second["status"] == "open"
    assert second["total"] == 2
    assert second["tally"] == {str(setup.ideas[0].id): 1, str(setup.ideas[1].id): 1}
    assert second["version"] > first["version"]

    vote(live(setup.members[1][1]), setup.round, setup.ideas[0])
    events.broadcast_tick(app)
    (third,) = watcher.events("tally")
    assert third["version"] > second["version"] and third["total"] == 3
    # The voter's socket is not in the event's room (it did not join).
    assert voter.events("tally") == []


def test_tally_hidden_until_close(app, live, voting_setup):
    setup = voting_setup(visibility=services.TallyVisibility.AT_CLOSE)
    watcher = live(setup.outsider)
    ack = watcher.emit("join", {"event_id": setup.event.id}, callback=True)
    assert ack["rounds"][0]["tally"] is None
    vote(watcher, setup.round, setup.ideas[0])
    events.broadcast_tick(app)
    (message,) = watcher.events("tally")
    assert message["tally"] is None and message["total"] == 1


def test_announce_round_sends_state_and_snapshot(live, setup, organiser):
    watcher = live(setup.outsider)
    watcher.emit("join", {"event_id": setup.event.id}, callback=True)
    vote(watcher, setup.round, setup.ideas[0])
    closed = services.close_round(organiser, setup.round.id)
    events.announce_round(closed)
    received = watcher.get_received()
    assert [m["name"] for m in received] == ["round", "tally"]
    assert received[0]["args"][0] == {"round_id": setup.round.id, "status": "closed"}
    assert received[1]["args"][0]["status"] == "closed"
    assert received[1]["args"][0]["total"] == 1


def test_scheduled_close_is_applied_by_the_tick(app, live, setup, db):
    from inspir_events.timeutil import utcnow
    from inspir_events.voting.models import VotingRound

    watcher = live(setup.outsider)
    watcher.emit("join", {"event_id": setup.event.id}, callback=True)
    row = db.session.get(VotingRound, setup.round.id)
    row.closes_at = utcnow()
    db.session.commit()
    events.broadcast_tick(app)
    names = [m["name"] for m in watcher.get_received()]
    assert names[:2] == ["round", "tally"]
    assert db.session.get(VotingRound, setup.round.id).status.value == "closed"


# ---- signing out --------------------------------------------------------------------------

def test_logout_disconnects_the_users_sockets(live, setup):
    leaving = live(setup.outsider)
    second_tab = LiveClient(leaving.app, socketio, flask_test_client=leaving.http,
                            headers={"Origin": ORIGIN})
    staying = live(setup.members[0][0])
    assert leaving.is_connected() and second_tab.is_connected()

    response = leaving.http.post_form("/logout", {})
    assert response.status_code == 302
    assert not leaving.is_connected()
    assert not second_tab.is_connected()
    assert staying.is_connected()


def test_a_session_ended_elsewhere_cannot_vote_on_an_open_socket(live, setup, db):
    from inspir_events.accounts.models import UserSession

    client = live(setup.outsider)
    # The session ends server-side (another process, an administrator): every socket
    # event re-reads it, so the next one finds nobody signed in and drops the socket.
    db.session.query(UserSession).filter(UserSession.user_id == setup.outsider.id).delete()
    db.session.commit()
    ack = vote(client, setup.round, setup.ideas[0])
    assert ack["ok"] is False
    assert not client.is_connected()
    assert stored_votes(setup.round.id) == 0
