"""Team use cases. Each owns its transaction: lock, check the rules, change, commit once.

Joins run under the team's row lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT
... FOR UPDATE) and the database refuses a team over its maximum size (CHECK)
and a second team per person per event (UNIQUE), so concurrent joins can never
overfill a team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from inspir_events.accounts.models import User
from inspir_events.database import begin_write, retrying, use_case
from inspir_events.events.models import Event, Registration
from inspir_events.events.services import is_organiser
from inspir_events.extensions import db
from inspir_events.needs.models import Need
from inspir_events.notifications import services as notifications
from inspir_events.reference.models import Skill
from inspir_events.teams import rules
from inspir_events.teams.access import TeamConflict as TeamConflict
from inspir_events.teams.access import TeamError as TeamError
from inspir_events.teams.access import TeamForbidden as TeamForbidden
from inspir_events.teams.access import TeamNotFound as TeamNotFound
from inspir_events.teams.access import (
    check_lead,
    check_not_frozen,
    check_participant,
    is_confirmed,
    locked_team,
    membership,
    team_event,
)
from inspir_events.teams.models import JoinRequest, Team, TeamMember, TeamSeeker
from inspir_events.teams.rules import JoinPolicy, RequestStatus
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for


@dataclass
class TeamInput:
    name: str
    pitch: str = ""
    wanted_roles: list[str] = field(default_factory=list)
    need_ids: list[int] = field(default_factory=list)
    max_size: int | None = None
    join_policy: JoinPolicy = JoinPolicy.OPEN


def _page(team: Team) -> str:
    """The team's page, where a notification about it leads."""
    return path_for("teams.detail", team_id=team.id)


# ---- changing a team's members -------------------------------------------------------

def _add_member(team: Team, user_id: int) -> None:
    """Add a member under the team's lock: refused when full or already in a team here.

    The person's registration row is locked too: joins of one person to two teams
    hold two different team locks, and without it both would see no membership
    (PostgreSQL), the second then failing on the UNIQUE (event, user) constraint
    instead of being refused with a message. Locks are always taken team (or
    event) first, then registration.
    """
    if not rules.has_room(team.member_count, team.max_size):
        raise TeamConflict(_l("This team is full."))
    db.session.execute(select(Registration.id).where(
        Registration.event_id == team.event_id, Registration.user_id == user_id)
        .with_for_update())
    if membership(user_id, team.event_id) is not None:
        raise TeamConflict(_l("You are already in a team at this event."))
    db.session.add(TeamMember(team_id=team.id, user_id=user_id, event_id=team.event_id))
    try:  # the database's UNIQUE (event, user) has the last word, with a message too
        db.session.flush()
    except IntegrityError:  # the calling use case rolls its transaction back
        raise TeamConflict(_l("You are already in a team at this event.")) from None
    team.member_count += 1
    db.session.execute(delete(TeamSeeker).where(TeamSeeker.event_id == team.event_id,
                                                TeamSeeker.user_id == user_id))
    # In a team now: their requests to other teams of the event no longer stand.
    db.session.execute(
        sql_update(JoinRequest)
        .where(JoinRequest.user_id == user_id, JoinRequest.status == RequestStatus.PENDING,
               JoinRequest.team_id.in_(select(Team.id).where(Team.event_id == team.event_id)))
        .values(status=RequestStatus.WITHDRAWN, decided_at=utcnow())
        .execution_options(synchronize_session="fetch"))


def _fill(team: Team, data: TeamInput, event: Event) -> None:
    roles = list(db.session.scalars(select(Skill).where(Skill.code.in_(data.wanted_roles))))
    if len(roles) != len(set(data.wanted_roles)):
        raise TeamError(_l("Unknown role."), field="wanted_roles")
    needs = list(db.session.scalars(select(Need).where(Need.id.in_(data.need_ids), Need.is_public)))
    if len(needs) != len(set(data.need_ids)):
        raise TeamError(_l("Pick public needs."), field="needs")
    size = data.max_size or event.team_size_default
    problem = rules.size_problem(size, team.member_count or 0)
    if problem == "out_of_range":
        raise TeamError(_l("A team has between %(min)d and %(max)d members.",
                           min=rules.SIZE_MIN, max=rules.SIZE_MAX), field="max_size")
    if problem == "below_members":
        raise TeamError(_l("The team already has %(count)d members: its maximum size cannot be "
                           "lower.", count=team.member_count), field="max_size")
    team.name = " ".join(data.name.split())
    team.name_key = rules.name_key(data.name)
    team.pitch = data.pitch.strip()
    team.wanted_roles = roles
    team.needs = needs
    team.max_size = size
    team.join_policy = data.join_policy


def _name_taken(event_id: int, name: str, except_team: int | None = None) -> bool:
    stmt = select(Team.id).where(Team.event_id == event_id, Team.name_key == rules.name_key(name))
    if except_team:
        stmt = stmt.where(Team.id != except_team)
    return db.session.scalar(stmt) is not None


NAME_TAKEN = _l("Another team at this event already has this name.")


# ---- forming teams ---------------------------------------------------------------------

def _may_create(user: User, event: Event) -> None:
    check_participant(user, event)
    check_not_frozen(event)
    if membership(user.id, event.id) is not None:
        raise TeamConflict(_l("You are already in a team at this event."))


def check_can_create(user: User, event_id: int) -> Event:
    """Whether ``user`` may create a team at the event now (before showing the form).

    The same checks as ``create``: a confirmed participant of a published event
    whose teams are not frozen, in no team there yet. Raises a TeamError if not.
    """
    event = team_event(event_id)
    _may_create(user, event)
    return event


@use_case
def create(user: User, event_id: int, data: TeamInput) -> Team:
    """A confirmed participant creates a team and leads it."""
    begin_write()
    event = team_event(event_id, lock=True)
    _may_create(user, event)
    if _name_taken(event.id, data.name):
        raise TeamError(NAME_TAKEN, field="name")
    team = Team(event_id=event.id, lead_id=user.id, member_count=0)
    _fill(team, data, event)
    db.session.add(team)
    db.session.flush()
    _add_member(team, user.id)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent creation took the name (rolled back by use_case)
        raise TeamError(NAME_TAKEN, field="name") from None
    return team


@use_case
def update(user: User, team_id: int, data: TeamInput) -> Team:
    """The lead edits the team (a maximum size below the member count is refused)."""
    begin_write()
    team = locked_team(team_id)
    check_lead(user, team)
    if _name_taken(team.event_id, data.name, except_team=team.id):
        raise TeamError(NAME_TAKEN, field="name")
    _fill(team, data, team.event)
    db.session.commit()
    return team


@retrying
def join(user: User, team_id: int, message: str = "") -> str:
    """Join an open team at once ("joined"), or ask to join one on request ("requested")."""
    begin_write()
    team = locked_team(team_id)
    event = team_event(team.event_id)
    check_participant(user, event)
    check_not_frozen(event)
    if membership(user.id, event.id) is not None:
        raise TeamConflict(_l("You are already in a team at this event."))
    if not rules.has_room(team.member_count, team.max_size):
        raise TeamConflict(_l("This team is full."))
    if team.join_policy == JoinPolicy.OPEN:
        _add_member(team, user.id)
        db.session.commit()
        return "joined"
    pending = db.session.scalar(select(JoinRequest).where(
        JoinRequest.team_id == team.id, JoinRequest.user_id == user.id,
        JoinRequest.status == RequestStatus.PENDING))
    if pending is None:
        db.session.add(JoinRequest(team_id=team.id, user_id=user.id, message=message.strip()))
        if team.lead_id:
            notifications.notify([team.lead_id], "team.request", url=_page(team),
                                 name=user.display_name, team=team.name)
    db.session.commit()
    return "requested"


@use_case
def decide_request(lead: User, request_id: int, accept: bool,
                   team_id: int | None = None) -> JoinRequest:
    """The lead accepts (if there is still room) or declines; the requester is told.

    Accepting follows the rules of joining: teams not frozen, the requester still a
    confirmed participant and in no team at the event, room left.
    """
    begin_write()
    request = db.session.get(JoinRequest, request_id)
    if request is None or (team_id is not None and request.team_id != team_id):
        raise TeamNotFound()
    team = locked_team(request.team_id)
    check_lead(lead, team)
    if request.status != RequestStatus.PENDING:
        raise TeamConflict(_l("This request is already answered."))
    if accept:
        event = team_event(team.event_id)
        check_not_frozen(event)
        if not is_confirmed(request.user, event.id):
            raise TeamConflict(_l("This person is no longer a confirmed participant of the "
                                  "event."))
        _add_member(team, request.user_id)
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.decided_at = utcnow()
    notifications.notify([request.user_id], "team.accepted" if accept else "team.declined",
                         url=_page(team), team=team.name)
    db.session.commit()
    return request


def drop_member(team: Team, user_id: int) -> bool:
    """Remove a member in the caller's transaction (leaving, removal, account deletion);
    hand the lead to the longest-standing member; dissolve an empty team.

    Returns True when the team was dissolved.
    """
    row = db.session.get(TeamMember, (team.id, user_id))
    if row is None:
        raise TeamConflict(_l("This person is not in the team."))
    db.session.delete(row)
    team.member_count -= 1
    db.session.flush()
    if team.member_count == 0:
        db.session.delete(team)
        return True
    if team.lead_id == user_id:
        successor = db.session.scalar(select(TeamMember).where(TeamMember.team_id == team.id)
                                      .order_by(TeamMember.joined_at, TeamMember.user_id))
        team.lead_id = successor.user_id
        notifications.notify([successor.user_id], "team.lead", url=_page(team),
                             team=team.name)
    return False


@retrying
def leave(user: User, team_id: int) -> bool:
    """Leave a team (not once teams are frozen); True when the team was dissolved."""
    begin_write()
    team = locked_team(team_id)
    check_not_frozen(team_event(team.event_id))
    dissolved = drop_member(team, user.id)
    db.session.commit()
    return dissolved


@use_case
def remove_member(lead: User, team_id: int, user_id: int) -> None:
    """The lead removes a member (not themself: they leave instead); the member is told."""
    begin_write()
    team = locked_team(team_id)
    check_lead(lead, team)
    check_not_frozen(team_event(team.event_id))
    if user_id == lead.id:
        raise TeamConflict(_l("To leave your own team, use “Leave the team”."))
    drop_member(team, user_id)
    notifications.notify([user_id], "team.removed",
                         url=path_for("teams.index", event_id=team.event_id), team=team.name)
    db.session.commit()


@use_case
def hand_over(lead: User, team_id: int, new_lead_id: int) -> None:
    """The lead hands the lead over to another member."""
    begin_write()
    team = locked_team(team_id)
    check_lead(lead, team)
    if db.session.get(TeamMember, (team.id, new_lead_id)) is None:
        raise TeamConflict(_l("The new lead must be a member of the team."))
    team.lead_id = new_lead_id
    notifications.notify([new_lead_id], "team.lead", url=_page(team), team=team.name)
    db.session.commit()


@use_case
def set_seeking(user: User, event_id: int, seeking: bool, skills: list[str]) -> None:
    """Mark oneself as looking for a team at the event, with the skills brought there."""
    begin_write()
    event = team_event(event_id)
    check_participant(user, event)
    known = set(db.session.scalars(select(Skill.code).where(Skill.code.in_(skills))))
    if len(known) != len(set(skills)):
        raise TeamError(_l("Unknown skill."), field="skills")
    row = db.session.get(TeamSeeker, (event.id, user.id))
    if not seeking:
        if row is not None:
            db.session.delete(row)
    else:
        if membership(user.id, event.id) is not None:
            raise TeamConflict(_l("You are already in a team at this event."))
        row = row or TeamSeeker(event_id=event.id, user_id=user.id)
        row.skills = sorted(known)
        db.session.add(row)
    db.session.commit()


@use_case
def update_settings(user: User, event_id: int, team_size_default: int,
                    teams_frozen_at: datetime | None,
                    solo_ideas_allowed: bool | None = None) -> Event:
    """The organisers set the default team size (2-12), when teams freeze, and whether
    participants without a team may post ideas (None leaves that as it is)."""
    begin_write()
    event = team_event(event_id, lock=True)
    if not is_organiser(user, event):
        raise TeamForbidden(_l("Only the event's organisers change its team settings."))
    if rules.size_problem(team_size_default):
        raise TeamError(_l("A team has between %(min)d and %(max)d members.",
                           min=rules.SIZE_MIN, max=rules.SIZE_MAX), field="team_size_default")
    event.team_size_default = team_size_default
    event.teams_frozen_at = teams_frozen_at
    if solo_ideas_allowed is not None:
        event.solo_ideas_allowed = solo_ideas_allowed
    db.session.commit()
    return event
