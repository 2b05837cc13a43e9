"""Live voting's machinery (voting/realtime.py): the broadcast tick, announcing rounds, the
room's messages sent through python-socketio's public emit."""

from __future__ import annotations

from inspir_events.extensions import socketio
from inspir_events.timeutil import utcnow
from inspir_events.voting import realtime
from inspir_events.voting import rounds as round_cases
from inspir_events.voting.models import VotingRound
from inspir_events.voting.rules import TallyVisibility
from tests.voting.conftest import vote

# ---- broadcasts ---------------------------------------------------------------------------

def test_tally_is_broadcast_on_the_tick_only_when_it_changed(app, live, setup):
    watcher = live(setup.members[0][0])
    watcher.emit("join", {"event_id": setup.event.id}, callback=True)
    voter = live(setup.outsider)
    realtime.broadcast_tick(app)
    (first,) = watcher.events("tally")
    assert first["version"] == 0 and first["connected"] == 1

    assert realtime.broadcast_tick(app) == 0
    assert watcher.events("tally") == []

    vote(voter, setup.round, setup.ideas[0])
    vote(voter, setup.round, setup.ideas[1])
    assert watcher.events("tally") == []  # never one broadcast per vote
    assert realtime.broadcast_tick(app) == 1
    (second,) = watcher.events("tally")
    assert second["round_id"] == setup.round.id
    assert second["status"] == "open"
    assert second["total"] == 2
    assert second["tally"] == {str(setup.ideas[0].id): 1, str(setup.ideas[1].id): 1}
    assert second["version"] > first["version"]

    vote(live(setup.members[1][1]), setup.round, setup.ideas[0])
    realtime.broadcast_tick(app)
    (third,) = watcher.events("tally")
    assert third["version"] > second["version"] and third["total"] == 3
    # The voter's socket is not in the event's room (it did not join).
    assert voter.events("tally") == []


def test_tally_hidden_until_close(app, live, voting_setup):
    setup = voting_setup(visibility=TallyVisibility.AT_CLOSE)
    watcher = live(setup.outsider)
    ack = watcher.emit("join", {"event_id": setup.event.id}, callback=True)
    assert ack["rounds"][0]["tally"] is None
    vote(watcher, setup.round, setup.ideas[0])
    realtime.broadcast_tick(app)
    (message,) = watcher.events("tally")
    assert message["tally"] is None and message["total"] == 1


def test_announce_round_sends_state_and_snapshot(live, setup, organiser):
    watcher = live(setup.outsider)
    watcher.emit("join", {"event_id": setup.event.id}, callback=True)
    vote(watcher, setup.round, setup.ideas[0])
    closed = round_cases.close_round(organiser, setup.round.id)
    realtime.announce_round(closed)
    received = watcher.get_received()
    assert [m["name"] for m in received] == ["round", "tally"]
    assert received[0]["args"][0] == {"round_id": setup.round.id, "status": "closed"}
    assert received[1]["args"][0]["status"] == "closed"
    assert received[1]["args"][0]["total"] == 1


def test_scheduled_close_is_applied_by_the_tick(app, live, setup, db):
    watcher = live(setup.outsider)
    watcher.emit("join", {"event_id": setup.event.id}, callback=True)
    row = db.session.get(VotingRound, setup.round.id)
    row.closes_at = utcnow()
    db.session.commit()
    realtime.broadcast_tick(app)
    names = [m["name"] for m in watcher.get_received()]
    assert names[:2] == ["round", "tally"]
    assert db.session.get(VotingRound, setup.round.id).status.value == "closed"


def test_a_room_is_sent_in_chunks_through_the_public_emit(app, live, setup, monkeypatch):
    """Under gevent, one process: FANOUT_CHUNK sockets per ``emit`` (to= their ids), a pause
    between two chunks; every socket of the room gets the message once."""
    watchers = [live(user) for user in (setup.outsider, *setup.members[0], *setup.members[1])]
    for watcher in watchers:
        watcher.emit("join", {"event_id": setup.event.id}, callback=True)
    emits, pauses = [], []
    public_emit = socketio.emit
    monkeypatch.setattr(socketio, "async_mode", "gevent")
    monkeypatch.setattr(realtime, "FANOUT_CHUNK", 2)
    monkeypatch.setattr(socketio, "sleep", pauses.append)
    monkeypatch.setattr(socketio, "emit", lambda *a, **kw: emits.append(kw["to"])
                        or public_emit(*a, **kw))
    assert realtime.broadcast_tick(app) == 1
    assert [len(to) for to in emits] == [2, 2, 1] and len(pauses) == 2
    for watcher in watchers:
        (message,) = watcher.events("tally")
        assert message["round_id"] == setup.round.id and message["connected"] == 5
