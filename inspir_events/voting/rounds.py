"""Voting round use cases: the organisers create a round, open it (its ideas are fixed
then) and close it, by hand or on its schedule.

Closing takes the round's row FOR UPDATE (SQLite: BEGIN IMMEDIATE) while a batch of votes
holds it FOR SHARE (voting/votes.py): a close waits for the batches under way and the
batches after it see the round closed, so no vote is accepted after the close and the
final tally equals the stored votes. Each use case owns its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db
from inspir_events.timeutil import utcnow
from inspir_events.voting import rules
from inspir_events.voting.access import (
    VotingConflict,
    VotingError,
    VotingNotFound,
    check_organiser,
    organised_round,
    shown_event,
)
from inspir_events.voting.ideas import event_ideas
from inspir_events.voting.models import VotingRound
from inspir_events.voting.rules import RoundStatus, TallyVisibility
from inspir_events.voting.votes import total_votes


@dataclass
class RoundInput:
    title: str
    votes_per_participant: int = rules.VOTES_DEFAULT
    allow_own_team: bool = False
    require_check_in: bool = False
    visibility: TallyVisibility = TallyVisibility.LIVE
    opens_at: datetime | None = None
    closes_at: datetime | None = None


def _check_round(data: RoundInput) -> None:
    """Between 1 and VOTES_MAX votes each; a scheduled round closes after it opens."""
    if not 1 <= data.votes_per_participant <= rules.VOTES_MAX:
        raise VotingError(_l("Between 1 and %(max)d votes per participant.",
                             max=rules.VOTES_MAX), field="votes_per_participant")
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        raise VotingError(_l("The round must close after it opens."), field="closes_at")


@use_case
def create_round(user: User, event_id: int, data: RoundInput) -> VotingRound:
    """The event's organisers create a round, in preparation (draft)."""
    begin_write()
    event = shown_event(event_id)
    check_organiser(user, event)
    _check_round(data)
    voting_round = VotingRound(event_id=event.id, status=RoundStatus.DRAFT, title=data.title,
                               votes_per_participant=data.votes_per_participant,
                               allow_own_team=data.allow_own_team,
                               require_check_in=data.require_check_in,
                               visibility=data.visibility, opens_at=data.opens_at,
                               closes_at=data.closes_at)
    db.session.add(voting_round)
    db.session.commit()
    return voting_round


def _open(voting_round: VotingRound) -> None:
    """Open: the round's ideas are fixed now (every idea of the event)."""
    voting_round.ideas = event_ideas(voting_round.event_id)
    voting_round.status = RoundStatus.OPEN
    voting_round.opened_at = utcnow()


def _close(voting_round: VotingRound) -> None:
    voting_round.status = RoundStatus.CLOSED
    voting_round.closed_at = utcnow()


@use_case
def open_round(user: User, round_id: int) -> VotingRound:
    """The organisers open a round in preparation that has ideas to vote on; audited."""
    begin_write()
    voting_round = organised_round(user, round_id, lock=True)
    if voting_round.status != RoundStatus.DRAFT:
        raise VotingConflict(_l("Only a round in preparation can be opened."))
    if not event_ideas(voting_round.event_id):
        raise VotingConflict(_l("There is no idea to vote on yet."))
    _open(voting_round)
    audit.record(user, "round.open", "voting_round", voting_round.id)
    db.session.commit()
    return voting_round


@use_case
def close_round(user: User, round_id: int) -> VotingRound:
    """Close atomically: after this commit no vote is accepted (votes wait on the lock)."""
    begin_write()
    voting_round = organised_round(user, round_id, lock=True)
    if voting_round.status != RoundStatus.OPEN:
        raise VotingConflict(_l("Only an open round can be closed."))
    _close(voting_round)
    audit.record(user, "round.close", "voting_round", voting_round.id,
                 votes=total_votes(voting_round.id))
    db.session.commit()
    return voting_round


@use_case
def apply_schedule(now: datetime | None = None) -> list[int]:
    """Open and close the rounds whose scheduled times have come; returns their ids.

    A round without ideas is not opened (it stays in preparation)."""
    now = now or utcnow()
    begin_write()
    moved = []
    due = db.session.scalars(select(VotingRound).where(
        ((VotingRound.status == RoundStatus.DRAFT) & (VotingRound.opens_at <= now))
        | ((VotingRound.status == RoundStatus.OPEN) & (VotingRound.closes_at <= now)))
        .with_for_update())
    for voting_round in due:
        if voting_round.status == RoundStatus.DRAFT:
            if not event_ideas(voting_round.event_id):
                continue
            _open(voting_round)
        else:
            _close(voting_round)
        moved.append(voting_round.id)
    db.session.commit()
    return moved


def get_round(round_id: int) -> VotingRound:
    """The round, unless its event is hidden (a draft): then VotingNotFound."""
    voting_round = db.session.get(VotingRound, round_id)
    if voting_round is None or rules.event_hidden(voting_round.event.status):
        raise VotingNotFound()
    return voting_round


def find_round(round_id: int) -> VotingRound | None:
    """Any round by id (the live broadcasts' own lookup, after the schedule moved it)."""
    return db.session.get(VotingRound, round_id)


def event_rounds(event_id: int) -> list[VotingRound]:
    """The event's rounds, oldest first."""
    return list(db.session.scalars(select(VotingRound).where(VotingRound.event_id == event_id)
                                   .order_by(VotingRound.id)))


def open_rounds() -> list[VotingRound]:
    """Every open round (the broadcast tick's)."""
    return list(db.session.scalars(select(VotingRound)
                                   .where(VotingRound.status == RoundStatus.OPEN)))
