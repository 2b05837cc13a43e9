"""A round's tally, its snapshots for the live room, its ranking and its winners.

The tally's version is the id of the round's latest vote: it only grows, and every
server process computes the same one from the database. A snapshot reads the counts,
the total and the version in one statement (one view of the votes, on PostgreSQL too).
Ranking and tie-breaking are voting/rules.py's.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.events.models import Event
from inspir_events.extensions import db
from inspir_events.timeutil import utcnow
from inspir_events.voting import rules
from inspir_events.voting.access import (
    VotingConflict,
    VotingError,
    VotingForbidden,
    organised_round,
)
from inspir_events.voting.models import Idea, RoundWinner, Vote, VotingRound
from inspir_events.voting.rounds import event_rounds, get_round
from inspir_events.voting.rules import RoundStatus


def tally(round_id: int) -> dict[int, int]:
    """Votes per idea of the round (ideas without a vote are absent)."""
    rows = db.session.execute(select(Vote.idea_id, func.count()).where(Vote.round_id == round_id)
                              .group_by(Vote.idea_id))
    return {idea_id: count for idea_id, count in rows}


def snapshot(voting_round: VotingRound) -> dict:
    """What a (re)connecting client gets: the round's state, tally if visible, version."""
    return snapshots([voting_round])[voting_round.id]


def snapshots(voting_rounds: list[VotingRound]) -> dict[int, dict]:
    """``snapshot`` of several rounds, by round id."""
    if not voting_rounds:
        return {}
    # One statement, so the counts, the total and the version come from one snapshot of the
    # votes (three queries could each see a different set on PostgreSQL).
    counts, versions = _counted({r.id for r in voting_rounds})
    return {r.id: _message(r, counts[r.id], versions.get(r.id, 0)) for r in voting_rounds}


def _counted(round_ids: set[int], *, up_to: int | None = None
             ) -> tuple[dict[int, dict[int, int]], dict[int, int]]:
    """Votes per idea of each round, and each round's latest vote id (its version), in one
    statement; only the votes up to the id ``up_to`` if given."""
    query = (select(Vote.round_id, Vote.idea_id, func.count(), func.max(Vote.id))
             .where(Vote.round_id.in_(round_ids)).group_by(Vote.round_id, Vote.idea_id))
    if up_to is not None:
        query = query.where(Vote.id <= up_to)
    counts: dict[int, dict[int, int]] = {round_id: {} for round_id in round_ids}
    versions: dict[int, int] = {}
    for round_id, idea_id, count, latest in db.session.execute(query):
        counts[round_id][idea_id] = count
        versions[round_id] = max(versions.get(round_id, 0), latest)
    return counts, versions


def _message(voting_round: VotingRound, counts: dict[int, int], version: int) -> dict:
    visible = rules.tally_visible(voting_round.visibility, voting_round.status)
    return {
        "round_id": voting_round.id,
        "status": voting_round.status.value,
        "version": version,
        "tally": {str(k): v for k, v in counts.items()} if visible else None,
        "total": sum(counts.values()),
    }


# Databases whose votes commit in the order of their ids, one writer at a time: there the
# broadcast tick adds the votes past the last one it counted (a read of the primary key's
# range) instead of counting every vote of the open rounds five times a second (10 ms for a
# round of 60,000 votes on SQLite). PostgreSQL's concurrent transactions may commit a lower id
# after a higher one: there every tick counts every vote (``snapshots``).
ORDERED_COMMITS = frozenset({"sqlite"})
# Ticks between two counts of every vote, whatever happened (a vote removed with its idea).
RECOUNT_EVERY = 25


class RunningCounts:
    """The open rounds' counts kept between the broadcast ticks of one process."""

    def __init__(self) -> None:
        self.seen = 0  # the highest vote id counted
        self.counts: dict[int, dict[int, int]] = {}  # round id -> idea id -> votes
        self.versions: dict[int, int] = {}
        self.ticks = 0

    def snapshots(self, voting_rounds: list[VotingRound]) -> dict[int, dict]:
        """``snapshots(voting_rounds)``, from the votes added since the previous call."""
        if not voting_rounds or db.session.get_bind().dialect.name not in ORDERED_COMMITS:
            return snapshots(voting_rounds)
        ids = {r.id for r in voting_rounds}
        self.ticks += 1
        if ids - self.counts.keys() or self.ticks >= RECOUNT_EVERY:
            self._count_all(ids)
        else:
            self._count_since(ids)
        return {r.id: _message(r, self.counts[r.id], self.versions.get(r.id, 0))
                for r in voting_rounds}

    def _count_all(self, ids: set[int]) -> None:
        # The last id first, then the votes up to it: one committed meanwhile has a higher id
        # and is counted by the next tick.
        seen = db.session.scalar(select(func.max(Vote.id))) or 0
        self.counts, self.versions = _counted(ids, up_to=seen)
        self.seen, self.ticks = seen, 0

    def _count_since(self, ids: set[int]) -> None:
        self.counts = {round_id: self.counts[round_id] for round_id in ids}
        self.versions = {r: v for r, v in self.versions.items() if r in ids}
        # Rows, not groups: a GROUP BY would make SQLite walk the (round, idea) index whole.
        for round_id, idea_id, vote_id in db.session.execute(
                select(Vote.round_id, Vote.idea_id, Vote.id).where(Vote.id > self.seen)):
            self.seen = max(self.seen, vote_id)
            if round_id in ids:
                mine = self.counts[round_id]
                mine[idea_id] = mine.get(idea_id, 0) + 1
                self.versions[round_id] = max(self.versions.get(round_id, 0), vote_id)


def room_snapshots(event: Event) -> list[dict]:
    """What joining an event's live room gives: a snapshot of each of its rounds shown
    there (rules.round_in_room)."""
    return [snapshot(r) for r in event_rounds(event.id) if rules.round_in_room(r.status)]


def shown_results(round_id: int) -> VotingRound:
    """The round, if its results may be shown (rules.tally_visible); VotingForbidden while
    they are hidden, VotingNotFound for an unknown round or a hidden event."""
    voting_round = get_round(round_id)
    if not rules.tally_visible(voting_round.visibility, voting_round.status):
        raise VotingForbidden(_l("The results are shown once the round is closed."))
    return voting_round


def results(voting_round: VotingRound) -> list[tuple[rules.Ranked, Idea]]:
    """The round's ideas ranked (rules.ranking), each with its idea."""
    ideas = {idea.id: idea for idea in voting_round.ideas}
    ranked = rules.ranking(tally(voting_round.id), list(ideas))
    return [(r, ideas[r.idea_id]) for r in ranked]


@use_case
def confirm_winners(user: User, round_id: int, k: int) -> list[RoundWinner]:
    """The organisers confirm the top ``k`` ideas of a closed round as winners (rules.winners,
    ties broken by the stated rule); audited. Confirming again replaces them."""
    begin_write()
    voting_round = organised_round(user, round_id, lock=True)
    if voting_round.status != RoundStatus.CLOSED:
        raise VotingConflict(_l("Winners are confirmed once the round is closed."))
    ranked = [r for r, _idea in results(voting_round)]
    if not 1 <= k <= len(ranked):
        raise VotingError(_l("Choose between 1 and %(max)d winners.", max=len(ranked)),
                          field="k")
    db.session.query(RoundWinner).filter(RoundWinner.round_id == round_id).delete()
    winning = set(rules.winners(ranked, k))
    chosen = [RoundWinner(round_id=round_id, idea_id=r.idea_id, rank=r.rank, votes=r.votes)
              for r in ranked if r.idea_id in winning]
    db.session.add_all(chosen)
    voting_round.winners_confirmed_at = utcnow()
    audit.record(user, "round.winners", "voting_round", voting_round.id,
                 winners=[w.idea_id for w in chosen], k=k,
                 tie_break=rules.TIE_BREAK_RULE)
    db.session.commit()
    return chosen


def winners_of(round_id: int) -> list[RoundWinner]:
    """The round's confirmed winners, by rank."""
    return list(db.session.scalars(select(RoundWinner).where(RoundWinner.round_id == round_id)
                                   .order_by(RoundWinner.rank, RoundWinner.idea_id)))
