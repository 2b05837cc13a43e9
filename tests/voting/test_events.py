"""The socket door of live voting (voting/events.py), with Flask-SocketIO's test client
(``live`` in tests/voting/conftest.py): connecting, joining, voting, signing out."""

from __future__ import annotations

from inspir_events.extensions import db as _db
from inspir_events.extensions import socketio
from inspir_events.timeutil import utcnow
from inspir_events.voting import rounds as round_cases
from inspir_events.voting.models import Vote
from tests.voting.conftest import ORIGIN, LiveClient, vote


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


def test_a_draft_events_room_is_hidden(live, setup, make_event, organiser):
    draft = make_event(published=False)
    for user in (setup.outsider, organiser):  # its organisers too (drafts are hidden)
        ack = live(user).emit("join", {"event_id": draft.id}, callback=True)
        assert ack == {"ok": False, "rounds": [], "connected": 0}


def test_a_refusal_is_the_handlers_ack_in_one_place():
    from inspir_events.voting.access import VotingNotFound
    from inspir_events.voting.events import answers_refusals

    @answers_refusals(lambda error, *args: {"ok": False, "status": error.status, "args": args})
    def handler(data):
        raise VotingNotFound()

    assert handler({"x": 1}) == {"ok": False, "status": 404, "args": ({"x": 1},)}


# ---- voting ------------------------------------------------------------------------------

def test_vote_is_stored_and_acknowledged(live, setup):
    ack = vote(live(setup.outsider), setup.round, setup.ideas[0])
    assert ack["ok"] is True
    assert ack["outcome"] == "stored"
    assert ack["message"]
    assert (ack["votes_used"], ack["votes_allowed"]) == (1, 3)
    assert stored_votes(setup.round.id) == 1


def test_an_unconfirmed_address_cannot_vote_at_the_socket_door(live, setup, db):
    # Issue 17: until their address is confirmed, a participant watches but does not vote.
    setup.outsider.email_verified_at = None
    db.session.commit()
    client = live(setup.outsider)
    ack = vote(client, setup.round, setup.ideas[0])
    assert (ack["ok"], ack["outcome"]) == (False, "unverified")
    assert "Confirmez votre adresse électronique pour voter" in ack["message"]
    assert stored_votes(setup.round.id) == 0
    # Confirmed meanwhile (the link followed in another tab): the same socket votes.
    setup.outsider.email_verified_at = utcnow()
    db.session.commit()
    assert vote(client, setup.round, setup.ideas[0])["outcome"] == "stored"
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
    round_cases.close_round(organiser, setup.round.id)
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
