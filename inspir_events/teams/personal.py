"""The teams feature's part of a person's account (accounts/registry.py), registered with
the teams blueprint: its personal data for the RGPD export and deletion."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.accounts.registry import (
    CUSTOM,
    DELETE,
    NULL,
    PersonalData,
    TableData,
    add_personal_data,
)
from inspir_events.extensions import db
from inspir_events.teams import services
from inspir_events.teams.blueprint import bp
from inspir_events.teams.models import Team, TeamMember


def leave_teams(user_id: int) -> None:
    """Leave every team as the teams' own removal does: count decremented, lead handed
    over, an emptied team dissolved. Allowed even once teams are frozen: erasure comes
    first. Runs first (order 10): a team's lock comes before its members' registrations."""
    team_ids = list(db.session.scalars(
        select(TeamMember.team_id).where(TeamMember.user_id == user_id)))
    for team_id in team_ids:
        team = db.session.scalar(select(Team).where(Team.id == team_id).with_for_update())
        services.drop_member(team, user_id)  # the teams' rule, inside this transaction


PERSONAL_DATA = PersonalData({
    "team": TableData({"lead_id": NULL}, export="teams_led"),  # a lead not a member
    "team_member": TableData({"user_id": CUSTOM}, export="team_memberships"),  # left
    "join_request": TableData({"user_id": DELETE}, export="join_requests"),
    "team_seeker": TableData({"user_id": DELETE}, export="team_seeking"),
}, erase=leave_teams, order=10)
add_personal_data(bp, PERSONAL_DATA)
