"""Where the key pages of the seeded demo are: ids read from the live server's database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from inspir_events.aid.cofunding.models import CofundingApplication
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Stage
from inspir_events.events.models import Event
from inspir_events.extensions import db
from inspir_events.teams.models import Team
from inspir_events.voting.models import VotingRound
from inspir_events.voting.rules import RoundStatus

LIVE_EVENT_TITLE = "Atelier-défi : un stage de 3e pour chacun"


@dataclass
class DemoIds:
    live_event: int
    live_round: int
    live_team: int
    closed_round: int
    upcoming_event: int  # published, registrations open, organised by orga
    store_project: int


def demo_ids(app) -> DemoIds:
    with app.app_context():
        try:
            live = db.session.scalar(select(Event).where(Event.title == LIVE_EVENT_TITLE))
            live_round = db.session.scalar(select(VotingRound).where(
                VotingRound.event_id == live.id, VotingRound.status == RoundStatus.OPEN)
                .order_by(VotingRound.id))
            team = db.session.scalar(select(Team).where(Team.event_id == live.id)
                                     .order_by(Team.id))
            closed = db.session.scalar(select(VotingRound).where(
                VotingRound.status == RoundStatus.CLOSED).order_by(VotingRound.id))
            applied = db.session.scalar(select(CofundingApplication)
                                        .order_by(CofundingApplication.id.desc()))
            project = db.session.scalar(select(Project).where(
                Project.stage == Stage.DIFFUSION).order_by(Project.id))
            return DemoIds(live.id, live_round.id, team.id, closed.id, applied.event_id,
                           project.id)
        finally:
            db.session.remove()
