"""Who may see and run voting, and the errors voting's use cases raise.

Drafts are hidden (rules.event_hidden): a draft event's ideas and rounds are "not found"
through every door. The event's organisers run its rounds; its confirmed participants
post ideas and vote (rules.may_vote).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.domain import DomainError
from inspir_events.events.access import is_organiser
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import RegistrationStatus
from inspir_events.extensions import db
from inspir_events.voting import rules
from inspir_events.voting.models import VotingRound


class VotingError(DomainError):
    """An idea or voting use case refused (422 unless a subclass says otherwise)."""


class VotingNotFound(VotingError):
    status = 404

    def __init__(self):
        super().__init__(_l("This idea or round does not exist."))


class VotingForbidden(VotingError):
    status = 403


class VotingConflict(VotingError):
    status = 409


def shown_event(event_id: int | None) -> Event:
    """The event, unless it does not exist or is hidden (a draft): then VotingNotFound."""
    event = db.session.get(Event, event_id) if event_id else None
    if event is None or rules.event_hidden(event.status):
        raise VotingNotFound()
    return event


def confirmed_registration(user_id: int, event_id: int) -> Registration | None:
    """The user's confirmed registration at the event, if any."""
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event_id, Registration.user_id == user_id,
        Registration.status == RegistrationStatus.CONFIRMED))


def check_organiser(user: User, event: Event) -> None:
    """Only the event's organisers run its voting rounds."""
    if not is_organiser(user, event):
        raise VotingForbidden(_l("Only the event's organisers run its voting rounds."))


def organised_round(user: User, round_id: int, lock: bool = False) -> VotingRound:
    """The round, for one of its event's organisers (locked FOR UPDATE if ``lock``)."""
    stmt = select(VotingRound).where(VotingRound.id == round_id)
    if lock:
        stmt = stmt.with_for_update()
    voting_round = db.session.scalar(stmt)
    if voting_round is None:
        raise VotingNotFound()
    check_organiser(user, voting_round.event)
    return voting_round
