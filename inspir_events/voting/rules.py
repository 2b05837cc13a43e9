"""Rules of ideas and live voting, as plain values (no Flask, no SQLAlchemy).

Ranking: more votes first; ties are shown as ties (same rank) and broken, for the
order of the list and for picking winners, by the idea posted first (lower id).

Each rule is written here once and called from every door: the pages, the socket
handlers and the vote's hot path (voting/votes.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from inspir_events.events.rules import EventStatus

TITLE_MIN = 3
TITLE_MAX = 120
SUMMARY_MAX = 5000
VOTES_DEFAULT = 3
VOTES_MAX = 20
TIE_BREAK_RULE = "earliest idea first"


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class TallyVisibility(enum.StrEnum):
    LIVE = "live"  # everyone sees the tally move
    AT_CLOSE = "at_close"  # the tally is shown once the round is closed


def event_hidden(event_status: EventStatus) -> bool:
    """Drafts are hidden: a draft event's ideas, rounds, results and live room answer "not
    found" (to its organisers too) until it is published."""
    return event_status == EventStatus.DRAFT


def round_in_room(round_status: RoundStatus) -> bool:
    """A round in preparation is not sent to the event's live room: it appears there when
    it opens."""
    return round_status != RoundStatus.DRAFT


def may_vote(confirmed: bool, present: bool, require_check_in: bool) -> bool:
    """Who votes in a round: the event's confirmed participants and, when the round
    requires it, only those checked in at the door (``present``)."""
    return confirmed and (present or not require_check_in)


@dataclass(frozen=True)
class Ballot:
    """What is known about a voter when they vote for an idea."""

    round_status: RoundStatus
    eligible: bool  # may_vote: a confirmed participant (and checked in, if required)
    idea_in_round: bool
    own_team_idea: bool
    own_team_allowed: bool
    already_voted_this_idea: bool
    votes_used: int
    votes_allowed: int


def vote_problem(b: Ballot) -> str | None:
    """Why this vote cannot be stored, or None. A repeated vote is "duplicate" (not counted)."""
    if b.round_status != RoundStatus.OPEN:
        return "closed" if b.round_status == RoundStatus.CLOSED else "not_open"
    if not b.eligible:
        return "not_eligible"
    if not b.idea_in_round:
        return "unknown_idea"
    if b.already_voted_this_idea:
        return "duplicate"
    if b.own_team_idea and not b.own_team_allowed:
        return "own_team"
    if b.votes_used >= b.votes_allowed:
        return "quota"
    return None


def tally_visible(visibility: TallyVisibility, status: RoundStatus) -> bool:
    """The tally is shown live during an open round, or (either way) once it is closed."""
    return status == RoundStatus.CLOSED or (
        visibility == TallyVisibility.LIVE and status == RoundStatus.OPEN)


@dataclass(frozen=True)
class Ranked:
    rank: int  # 1-based; tied ideas share a rank
    idea_id: int
    votes: int
    tied: bool


def ranking(tally: dict[int, int], idea_ids: list[int]) -> list[Ranked]:
    """Ideas ranked by votes (every idea of the round, zero votes included)."""
    ordered = sorted(idea_ids, key=lambda i: (-tally.get(i, 0), i))
    counts = [tally.get(i, 0) for i in ordered]
    result = []
    for position, idea_id in enumerate(ordered):
        votes = counts[position]
        rank = counts.index(votes) + 1
        result.append(Ranked(rank, idea_id, votes, counts.count(votes) > 1))
    return result


def winners(ranked: list[Ranked], k: int) -> list[int]:
    """The first ``k`` ideas of the ranking (ties broken by the stated rule)."""
    return [r.idea_id for r in ranked[:max(0, k)]]
