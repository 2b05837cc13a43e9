"""Casting votes (voting/votes.py), through the use case and the form post: who may vote,
duplicates, quota, own team, closing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.audit.models import AuditEntry
from inspir_events.voting import results as result_cases
from inspir_events.voting import rounds as round_cases
from inspir_events.voting import votes as vote_cases
from inspir_events.voting.models import Vote
from tests.events.conftest import text_of


def votes_count(db, **where) -> int:
    stmt = select(func.count()).select_from(Vote)
    for name, value in where.items():
        stmt = stmt.where(getattr(Vote, name) == value)
    return db.session.scalar(stmt)


def test_a_vote_is_stored_and_a_duplicate_answered_as_such(db, voting_setup):
    s = voting_setup()
    voter, idea = s.outsider, s.ideas[0]
    first = vote_cases.cast_vote(voter.id, s.round.id, idea.id)
    assert (first.outcome, first.votes_used, first.votes_allowed) == ("stored", 1, 3)
    again = vote_cases.cast_vote(voter.id, s.round.id, idea.id)
    assert (again.outcome, again.votes_used, again.accepted) == ("duplicate", 1, True)
    assert votes_count(db, round_id=s.round.id) == 1
    assert result_cases.tally(s.round.id) == {idea.id: 1}


def test_voting_by_form_post_flashes_and_redirects(db, browser, voting_setup):
    s = voting_setup()
    client = browser(s.outsider)
    page = f"/rounds/{s.round.id}"
    token = client.csrf_token(page)
    url = f"/rounds/{s.round.id}/vote"
    response = client.post(url, data={"csrf_token": token, "idea_id": str(s.ideas[1].id)})
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    shown = text_of(client.get(page))
    assert "Votre vote est enregistré." in shown and "Il vous reste 2 votes." in shown
    assert f'data-tally-idea="{s.ideas[1].id}">1<' in shown
    client.post(url, data={"csrf_token": token, "idea_id": str(s.ideas[1].id)})
    assert str(vote_cases.VOTE_MESSAGES["duplicate"]) in text_of(client.get(page))
    assert votes_count(db) == 1
    for bad in ("", "abc"):
        assert client.post(url, data={"csrf_token": token, "idea_id": bad}).status_code == 400
    assert client.post(url, data={"idea_id": str(s.ideas[0].id)}).status_code == 400  # no CSRF
    assert client.post("/rounds/999/vote", data={"csrf_token": token,
                                                 "idea_id": "1"}).status_code == 404


def test_own_team_idea_refused_unless_the_round_allows_it(db, voting_setup, make_round):
    s = voting_setup()
    mate = s.members[0][1]
    assert vote_cases.cast_vote(mate.id, s.round.id, s.ideas[0].id).outcome == "own_team"
    assert vote_cases.cast_vote(mate.id, s.round.id, s.ideas[1].id).outcome == "stored"
    lenient = make_round(allow_own_team=True)
    assert vote_cases.cast_vote(mate.id, lenient.id, s.ideas[0].id).outcome == "stored"
    assert votes_count(db, voter_id=mate.id) == 2


def test_over_quota_is_refused(db, voting_setup, make_idea, make_voter):
    s = voting_setup(votes_per_participant=1)
    voter = s.outsider
    assert vote_cases.cast_vote(voter.id, s.round.id, s.ideas[0].id).outcome == "stored"
    result = vote_cases.cast_vote(voter.id, s.round.id, s.ideas[1].id)
    assert (result.outcome, result.votes_used, result.votes_allowed) == ("quota", 1, 1)
    assert votes_count(db, voter_id=voter.id) == 1


@pytest.mark.parametrize("status", [None, "waitlisted", "cancelled"])
def test_non_participants_are_refused(db, voting_setup, make_voter, status):
    s = voting_setup()
    stranger = make_voter(status=status)
    assert vote_cases.cast_vote(stranger.id, s.round.id, s.ideas[0].id).outcome == "not_eligible"
    assert votes_count(db) == 0


def test_non_participants_see_no_vote_form(browser, voting_setup, make_voter):
    s = voting_setup()
    page = text_of(browser(make_voter(status=None)).get(f"/rounds/{s.round.id}"))
    assert 'class="vote-form"' not in page
    assert "Seuls les participants confirmés de l’événement votent" in page


def test_check_in_required(db, voting_setup, make_voter, make_round):
    s = voting_setup()
    strict = make_round(require_check_in=True)
    absent = s.outsider
    present = make_voter(present=True)
    assert vote_cases.cast_vote(absent.id, strict.id, s.ideas[0].id).outcome == "not_eligible"
    assert vote_cases.cast_vote(present.id, strict.id, s.ideas[0].id).outcome == "stored"


def test_a_vote_for_an_idea_outside_the_round_is_refused(db, voting_setup, make_idea):
    s = voting_setup()
    late = make_idea(s.members[1][1], title="Idée arrivée après l’ouverture")
    assert vote_cases.cast_vote(s.outsider.id, s.round.id, late.id).outcome == "unknown_idea"
    assert vote_cases.cast_vote(s.outsider.id, s.round.id, 999_999).outcome == "unknown_idea"


def test_a_draft_round_refuses_votes(db, voting_setup, make_round):
    s = voting_setup()
    draft = make_round(open=False)
    assert vote_cases.cast_vote(s.outsider.id, draft.id, s.ideas[0].id).outcome == "not_open"


def test_closing_then_voting_is_refused_and_final_tally_equals_stored_votes(
        db, browser, organiser, voting_setup):
    s = voting_setup()
    voters = [s.outsider, s.members[0][0], s.members[0][1], s.members[1][0]]
    for voter in voters:  # own-team votes are refused: 2 for the first idea, 3 for the other
        for idea in s.ideas:
            vote_cases.cast_vote(voter.id, s.round.id, idea.id)
    round_cases.close_round(organiser, s.round.id)
    refused = vote_cases.cast_vote(s.members[1][1].id, s.round.id, s.ideas[0].id)
    assert refused.outcome == "closed" and not refused.accepted
    client = browser(s.members[1][1])
    token = client.csrf_token(f"/rounds/{s.round.id}")
    client.post(f"/rounds/{s.round.id}/vote",
                data={"csrf_token": token, "idea_id": str(s.ideas[0].id)})
    page = text_of(client.get(f"/rounds/{s.round.id}"))
    assert "Ce tour de vote est clos : les votes ne sont plus acceptés." in page
    stored = db.session.execute(select(Vote.idea_id, func.count()).where(
        Vote.round_id == s.round.id).group_by(Vote.idea_id)).all()
    assert result_cases.tally(s.round.id) == dict(stored) == {s.ideas[0].id: 2, s.ideas[1].id: 3}
    close = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "round.close"))
    assert close.details["votes"] == 5
