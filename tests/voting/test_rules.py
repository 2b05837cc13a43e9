"""The pure voting rules and the tally coalescing, without an application."""

from dataclasses import replace

import pytest

from inspir_events.events.rules import EventStatus
from inspir_events.voting import rules, tally
from inspir_events.voting.rules import Ballot, Ranked, RoundStatus, TallyVisibility

GOOD = Ballot(round_status=RoundStatus.OPEN, eligible=True, idea_in_round=True,
              own_team_idea=False, own_team_allowed=False, already_voted_this_idea=False,
              votes_used=0, votes_allowed=3)


def test_a_good_ballot_has_no_problem():
    assert rules.vote_problem(GOOD) is None


@pytest.mark.parametrize(("changes", "code"), [
    ({"round_status": RoundStatus.CLOSED}, "closed"),
    ({"round_status": RoundStatus.DRAFT}, "not_open"),
    ({"eligible": False}, "not_eligible"),
    ({"idea_in_round": False}, "unknown_idea"),
    ({"already_voted_this_idea": True}, "duplicate"),
    ({"own_team_idea": True}, "own_team"),
    ({"votes_used": 3}, "quota"),
    ({"votes_used": 4}, "quota"),
])
def test_each_problem_code(changes, code):
    assert rules.vote_problem(replace(GOOD, **changes)) == code


def test_own_team_vote_allowed_when_the_round_allows_it():
    assert rules.vote_problem(replace(GOOD, own_team_idea=True, own_team_allowed=True)) is None


def test_a_duplicate_is_answered_as_such_even_at_quota():
    # Repeating a vote already counted is not an over-quota vote.
    ballot = replace(GOOD, already_voted_this_idea=True, votes_used=3)
    assert rules.vote_problem(ballot) == "duplicate"


def test_closed_wins_over_every_other_problem():
    ballot = Ballot(RoundStatus.CLOSED, False, False, True, False, True, 9, 3)
    assert rules.vote_problem(ballot) == "closed"


@pytest.mark.parametrize(("visibility", "status", "visible"), [
    (TallyVisibility.LIVE, RoundStatus.DRAFT, False),
    (TallyVisibility.LIVE, RoundStatus.OPEN, True),
    (TallyVisibility.LIVE, RoundStatus.CLOSED, True),
    (TallyVisibility.AT_CLOSE, RoundStatus.DRAFT, False),
    (TallyVisibility.AT_CLOSE, RoundStatus.OPEN, False),
    (TallyVisibility.AT_CLOSE, RoundStatus.CLOSED, True),
])
def test_tally_visibility(visibility, status, visible):
    assert rules.tally_visible(visibility, status) is visible


def test_ranking_shares_ranks_on_ties_and_breaks_them_by_earliest_idea():
    ranked = rules.ranking({10: 5, 11: 7, 12: 5, 14: 1}, [14, 13, 12, 11, 10])
    assert ranked == [
        Ranked(1, 11, 7, False),
        Ranked(2, 10, 5, True),
        Ranked(2, 12, 5, True),
        Ranked(4, 14, 1, False),
        Ranked(5, 13, 0, False),
    ]


def test_ranking_with_everything_tied_and_nothing():
    assert [r.rank for r in rules.ranking({}, [3, 1, 2])] == [1, 1, 1]
    assert [r.idea_id for r in rules.ranking({}, [3, 1, 2])] == [1, 2, 3]
    assert all(r.tied for r in rules.ranking({}, [3, 1, 2]))
    assert rules.ranking({}, []) == []
    assert rules.ranking({7: 2}, [7]) == [Ranked(1, 7, 2, False)]


def test_winners_take_the_first_k_of_the_ranking():
    ranked = rules.ranking({1: 2, 2: 2, 3: 1}, [1, 2, 3])
    assert rules.winners(ranked, 1) == [1]  # tie broken by the earliest idea
    assert rules.winners(ranked, 2) == [1, 2]
    assert rules.winners(ranked, 10) == [1, 2, 3]
    assert rules.winners(ranked, 0) == []
    assert rules.winners(ranked, -1) == []


def test_broadcaster_sends_only_changed_rounds_and_forgets_gone_ones():
    b = tally.Broadcaster()
    assert b.changed({1: 0, 2: 5}) == [1, 2]
    assert b.changed({1: 0, 2: 5}) == []
    assert b.changed({1: 3, 2: 5}) == [1]
    assert b.changed({2: 6}) == [2]
    assert 1 not in b.sent
    assert b.changed({1: 3, 2: 6}) == [1]  # a returning round is sent again


def test_rate_limiter_allows_a_burst_then_refills():
    limiter = tally.RateLimiter(rate=5, burst=5)
    assert all(limiter.allow(1, 100.0) for _ in range(5))
    assert not limiter.allow(1, 100.0)
    assert limiter.allow(2, 100.0)  # per user
    assert not limiter.allow(1, 100.1)  # half a token back
    assert limiter.allow(1, 100.3)  # one token after 0.2 s (+ what was left)
    assert all(limiter.allow(1, 200.0) for _ in range(5))  # never more than the burst
    assert not limiter.allow(1, 200.0)


# ---- who votes, and what drafts hide: each rule once, for every door ----------------------

@pytest.mark.parametrize(("confirmed", "present", "check_in", "may"), [
    (True, False, False, True),
    (True, True, False, True),
    (True, True, True, True),
    (True, False, True, False),  # not checked in at the door
    (False, True, False, False),  # not a confirmed participant
    (False, False, True, False),
])
def test_who_may_vote(confirmed, present, check_in, may):
    assert rules.may_vote(confirmed=confirmed, present=present, require_check_in=check_in) is may


def test_drafts_are_hidden():
    assert rules.event_hidden(EventStatus.DRAFT)
    assert not rules.event_hidden(EventStatus.PUBLISHED)
    assert not rules.event_hidden(EventStatus.CANCELLED)
    assert not rules.round_in_room(RoundStatus.DRAFT)
    assert rules.round_in_room(RoundStatus.OPEN) and rules.round_in_room(RoundStatus.CLOSED)
