"""Reading teams, their multidisciplinarity, and the suggestions (matching.py does the scoring)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspir_events.accounts.models import User
from inspir_events.events.models import Registration
from inspir_events.events.rules import EventStatus, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.teams import matching
from inspir_events.teams.access import TeamNotFound, membership
from inspir_events.teams.models import JoinRequest, Team, TeamMember, TeamSeeker
from inspir_events.teams.rules import RequestStatus


def get(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None or team.event.status == EventStatus.DRAFT:
        raise TeamNotFound()
    return team


def event_teams(event_id: int) -> list[Team]:
    return list(db.session.scalars(
        select(Team).where(Team.event_id == event_id)
        .options(selectinload(Team.member_rows).selectinload(TeamMember.user),
                 selectinload(Team.wanted_roles), selectinload(Team.needs))
        .order_by(Team.name_key)))


def team_of(user, event_id: int) -> Team | None:
    if not (user and user.is_authenticated):
        return None
    row = membership(user.id, event_id)
    return row.team if row else None


def seeking(user, event_id: int) -> TeamSeeker | None:
    if not (user and user.is_authenticated):
        return None
    return db.session.get(TeamSeeker, (event_id, user.id))


def pending_requests(team: Team) -> list[JoinRequest]:
    return list(db.session.scalars(
        select(JoinRequest).where(JoinRequest.team_id == team.id,
                                  JoinRequest.status == RequestStatus.PENDING)
        .options(selectinload(JoinRequest.user)).order_by(JoinRequest.created_at)))


def skills_at(event_id: int, user_ids: list[int]) -> dict[int, frozenset[str]]:
    """Each person's skills at the event: those set when looking for a team, else the profile's."""
    if not user_ids:
        return {}
    profile: dict[int, set[str]] = {uid: set() for uid in user_ids}
    users = db.session.scalars(select(User).where(User.id.in_(user_ids))
                               .options(selectinload(User.skills)))
    for user in users:
        profile[user.id] = {s.code for s in user.skills}
    for row in db.session.scalars(select(TeamSeeker).where(
            TeamSeeker.event_id == event_id, TeamSeeker.user_id.in_(user_ids))):
        profile[row.user_id] = set(row.skills)
    return {uid: frozenset(codes) for uid, codes in profile.items()}


def _views(teams: list[Team]) -> list[matching.TeamView]:
    if not teams:
        return []
    member_ids = [m.user_id for t in teams for m in t.member_rows]
    skills = skills_at(teams[0].event_id, member_ids)
    return [matching.TeamView(
        team_id=t.id, wanted=frozenset(r.code for r in t.wanted_roles),
        members=tuple(skills.get(m.user_id, frozenset()) for m in t.member_rows),
        max_size=t.max_size) for t in teams]


def coverages(teams: list[Team]) -> dict[int, matching.Coverage]:
    """The multidisciplinarity indicator of each team."""
    return {view.team_id: matching.coverage(view) for view in _views(teams)}


def suggestions_for_person(user, event_id: int, teams: list[Team], limit: int = 5):
    """Teams to suggest to a participant without a team (open or on request, with room)."""
    me = matching.Person(user.id, skills_at(event_id, [user.id])[user.id])
    return matching.teams_for(me, _views(teams), limit)


def suggestions_for_team(team: Team, limit: int = 5) -> list[tuple[User, matching.Suggestion]]:
    """People looking for a team at the event who cover the team's missing roles."""
    confirmed = select(Registration.user_id).where(
        Registration.event_id == team.event_id,
        Registration.status == RegistrationStatus.CONFIRMED)
    # Only ids and skills for the ranking; the few people kept are loaded afterwards.
    seekers = db.session.execute(
        select(TeamSeeker.user_id, TeamSeeker.skills).where(
            TeamSeeker.event_id == team.event_id, TeamSeeker.user_id.in_(confirmed))).all()
    people = [matching.Person(user_id, frozenset(skills)) for user_id, skills in seekers]
    found = matching.people_for(_views([team])[0], people, limit)
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([s.id for s in found])))}
    return [(users[s.id], s) for s in found]
