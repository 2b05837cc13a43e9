"""Who may act on a team now, the checks the team use cases share, and their errors.

Teams are formed by the confirmed participants (the waitlist does not count) of a
published event, until the organisers freeze them; a team is changed by its lead.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.domain import DomainError
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import EventStatus, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.teams import rules
from inspir_events.teams.models import Team, TeamMember
from inspir_events.timeutil import utcnow


class TeamError(DomainError):
    """A team use case refused (422 unless a subclass says otherwise)."""


class TeamNotFound(TeamError):
    status = 404

    def __init__(self):
        super().__init__(_l("This team does not exist (any more)."))


class TeamForbidden(TeamError):
    status = 403


class TeamConflict(TeamError):
    status = 409


def team_event(event_id: int, lock: bool = False) -> Event:
    """The event whose teams are asked for: published or cancelled (a draft has none)."""
    stmt = select(Event).where(Event.id == event_id)
    if lock:
        stmt = stmt.with_for_update()
    event = db.session.scalar(stmt)
    if event is None or event.status == EventStatus.DRAFT:
        raise TeamNotFound()
    return event


def is_confirmed(user, event_id: int) -> bool:
    """Whether ``user`` holds a confirmed place at the event (the waitlist does not count)."""
    if not (user and user.is_authenticated):
        return False
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event_id, Registration.user_id == user.id,
        Registration.status == RegistrationStatus.CONFIRMED)) > 0


def check_participant(user: User, event: Event) -> None:
    """Teams are formed by the confirmed participants of a published event."""
    if event.status != EventStatus.PUBLISHED:
        raise TeamConflict(_l("Teams are formed at published events only."))
    if not is_confirmed(user, event.id):
        raise TeamForbidden(_l("Only confirmed participants of the event can do this "
                               "(the waitlist does not count)."))


def frozen(event: Event) -> bool:
    """Whether the organisers' freeze time has come (no more joins or leaves)."""
    return rules.is_frozen(event.teams_frozen_at, utcnow())


def check_not_frozen(event: Event) -> None:
    if frozen(event):
        raise TeamConflict(_l("Teams are frozen at this event: no more joins or leaves."))


def locked_team(team_id: int) -> Team:
    team = db.session.scalar(select(Team).where(Team.id == team_id).with_for_update())
    if team is None:
        raise TeamNotFound()
    return team


def membership(user_id: int, event_id: int) -> TeamMember | None:
    """The person's team membership at the event (one at most)."""
    return db.session.scalar(select(TeamMember).where(
        TeamMember.event_id == event_id, TeamMember.user_id == user_id))


def check_lead(user: User, team: Team) -> None:
    """Only the team's lead changes the team."""
    if team.lead_id != user.id:
        raise TeamForbidden(_l("Only the team's lead can do this."))
