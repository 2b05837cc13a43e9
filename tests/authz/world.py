"""The authorization matrix's world: the demo story plus a few rows, and one client per role.

Built once per test module on a SQLite file: ``demo.seed()`` (needs, events, a closed
round, projects at every stage, grants, a delegated envelope), then a plain citizen,
a team of someone else with a pending join request and an idea, an open voting round
at the upcoming hackathon, a pending label request and a private calendar feed. Every
role signs in through the real log-in form and reads a CSRF token once; the database
is then saved, and :meth:`World.restore` puts it back after each state-changing
request, so every cell of the matrix sees the same world whatever ran before it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from inspir_events import demo, demo_aid
from inspir_events.accounts.models import User
from inspir_events.accounts.services import token_hash
from inspir_events.aid.cofunding.models import CofundingApplication, RevenueKind
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Qualification, Stage
from inspir_events.aid.rules import Section
from inspir_events.aid.years import services as aid_years
from inspir_events.events.models import CalendarFeed, Event, Registration
from inspir_events.events.rules import EventStatus
from inspir_events.extensions import db
from inspir_events.labels.charter import PRINCIPLES, LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.markdown import render
from inspir_events.needs.models import Need
from inspir_events.teams.models import JoinRequest, Team, TeamMember
from inspir_events.teams.rules import name_key
from inspir_events.timeutil import utcnow
from inspir_events.voting.models import Idea, VotingRound
from inspir_events.voting.rules import RoundStatus
from tests.conftest import InspirClient

# The matrix's columns, in this order everywhere (the expectation strings follow it).
ROLES = ("visitor", "citizen", "participant", "organiser", "other_organiser", "committee",
         "admin", "structure", "decider")
# The demo account playing each role (the citizen is added: the demo's citizens are
# registered at events). The organiser organises the hackathon and the past meeting;
# the other organiser organises the workshop and the working group
# (published here, with a co-funding application in Nord - Pas-de-Calais).
ACCOUNTS = {"participant": "design", "organiser": "orga", "other_organiser": "orga2",
            "committee": "comite", "admin": "admin", "structure": "structure",
            "decider": "territoire"}
CITIZEN_EMAIL = "citoyen.sans.evenement@demo.inspir.example"


def _user(local: str) -> User:
    return db.session.scalar(select(User).where(User.email == f"{local}@{demo.DEMO_DOMAIN}"))


def _event(title: str) -> Event:
    return db.session.scalar(select(Event).where(Event.title == title))


def add_extra_rows() -> dict[str, int]:
    """The rows the demo lacks, and the ids the matrix's URLs use (one transaction)."""
    citoyenne, dev, orga, orga2 = (_user(n) for n in ("citoyenne", "dev", "orga", "orga2"))
    citizen = User(email=CITIZEN_EMAIL, display_name="Cyril Citoyen",
                   password_hash=_user("admin").password_hash, department_code="59")
    db.session.add(citizen)
    hackathon = _event("Hackathon des mobilités rurales")
    workshop = _event("Atelier accès aux droits")
    draft = _event("Groupe de travail données culturelles")
    meeting = _event("Rencontre santé et territoires")
    # Someone else's team at the hackathon (led by Camille), a pending request to join it.
    team = Team(event_id=hackathon.id, name="Les Navetteurs", name_key=name_key("Les Navetteurs"),
                max_size=4, lead_id=citoyenne.id, member_count=1, pitch="")
    team.member_rows = [TeamMember(user_id=citoyenne.id, event_id=hackathon.id)]
    db.session.add(team)
    db.session.flush()
    join_request = JoinRequest(team_id=team.id, user_id=dev.id, message="Je code.")
    summary = "Un car à la demande le dimanche, réservé la veille par téléphone."
    idea = Idea(event_id=hackathon.id, team_id=team.id, author_id=citoyenne.id,
                title="Car du dimanche", summary=summary, summary_html=render(summary))
    db.session.add_all([join_request, idea])
    db.session.flush()
    live_round = VotingRound(event_id=hackathon.id, title="Vote du midi", status=RoundStatus.OPEN,
                             opened_at=utcnow(), allow_own_team=True, ideas=[idea])
    label = LabelRequest(subject_type=SubjectType.EVENT, subject_id=workshop.id,
                         subject_title=workshop.title, subject_url=f"/events/{workshop.id}",
                         requested_by_id=orga2.id, status=LabelStatus.REQUESTED,
                         answers={p.code: "Réponse." for p in PRINCIPLES})
    feed = CalendarFeed(user_id=citoyenne.id,
                        token_hash=token_hash("matrix-private-feed-token-of-camille"))
    db.session.add_all([live_round, label, feed])
    # An application in Nord - Pas-de-Calais, outside the delegated (Picardie) envelope.
    draft.status = EventStatus.PUBLISHED
    npdc = demo_aid._application(
        draft, orga2, "Archives départementales", (
            ("Animation", 400_000, Section.OPERATING), ("Matériel", 200_000, Section.INVESTMENT)),
        ((RevenueKind.OWN_FUNDS, "Fonds propres", 300_000, True),), 300_000,
        aid_years.current(aid_years.today().year), rna="W623001234")
    db.session.flush()
    projects = {p.stage: p for p in db.session.scalars(select(Project))
                if p.qualification == Qualification.QUALIFIED}
    proposal = db.session.scalar(select(Project).where(
        Project.qualification == Qualification.AWAITING))
    ids = {
        "citizen": citizen.id, "hackathon": hackathon.id, "workshop": workshop.id,
        "other_event": draft.id, "meeting": meeting.id, "team": team.id, "team_lead": citoyenne.id,
        "join_request": join_request.id, "idea": idea.id, "open_round": live_round.id,
        "closed_round": db.session.scalar(select(VotingRound.id).where(
            VotingRound.event_id == meeting.id)),
        "closed_idea": db.session.scalar(select(Idea.id).where(Idea.event_id == meeting.id)
                                         .order_by(Idea.id)),
        "label_request": label.id, "need": db.session.scalar(select(Need.id).where(
            Need.author_id == citoyenne.id).order_by(Need.id)),
        "application": db.session.scalar(select(CofundingApplication.id).where(
            CofundingApplication.event_id == hackathon.id)),
        "delegated_envelope": db.session.scalar(select(Envelope.id).where(
            Envelope.parent_id.is_not(None))),
        "decider": _user("territoire").id, "structure": _user("structure").id,
        "registration": db.session.scalar(select(Registration.id).where(
            Registration.event_id == hackathon.id, Registration.user_id == citoyenne.id)),
        "diffused": projects[Stage.DIFFUSION].id,
        "experimented": projects[Stage.EXPERIMENTATION].id,
        "proposal": proposal.id, "npdc_application": npdc.id, "orga": orga.id, "orga2": orga2.id,
    }
    db.session.commit()
    return ids


@dataclass
class World:
    """The app, the ids of the objects the URLs name, and each role's signed-in cookie."""

    app: Flask
    path: Path
    ids: dict[str, int]
    cookies: dict[str, str | None] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    saved: Path | None = None

    def sign_in_everyone(self) -> None:
        with self.app.app_context():
            emails = {role: f"{local}@{demo.DEMO_DOMAIN}" for role, local in ACCOUNTS.items()}
        emails["citizen"] = CITIZEN_EMAIL
        name = self.app.config["SESSION_COOKIE_NAME"]
        for role in ROLES:
            client = self.app.test_client()
            if role != "visitor":
                response = client.post_form("/login", {"email": emails[role],
                                                       "password": demo.DEMO_PASSWORD},
                                            token_from="/login")
                assert response.status_code == 302, (role, response.status_code)
            self.tokens[role] = client.csrf_token("/login")
            cookie = client.get_cookie(name)
            self.cookies[role] = cookie.value if cookie else None

    def client(self, role: str) -> InspirClient:
        """A new client holding ``role``'s session (a request may end or change it)."""
        client = self.app.test_client()
        if self.cookies[role]:
            client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], self.cookies[role])
        return client

    def count(self, sql: str) -> int:
        """One number read straight from the database file (what a request left behind)."""
        connection = sqlite3.connect(self.path)
        try:
            return connection.execute(sql).fetchone()[0]
        finally:
            connection.close()

    def _copy(self, source: Path, target: Path) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        src, dst = sqlite3.connect(source), sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()

    def save(self) -> None:
        self.saved = self.path.with_name("saved.db")
        self._copy(self.path, self.saved)

    def restore(self) -> None:
        self._copy(self.saved, self.path)


def build_world(template: Path, folder: Path, **settings) -> World:
    """A world on a copy of the migrated ``template`` in ``folder``: the demo, the extra
    rows, everyone signed in, saved (for :meth:`World.restore`). Dispose it with
    :func:`close_world`."""
    import shutil

    from inspir_events.app import create_app
    from tests.conftest import testing_config

    path = folder / "inspir.db"
    shutil.copy(template, path)
    app = create_app(testing_config(f"sqlite:///{path}", **settings))
    app.test_client_class = InspirClient
    with app.app_context():
        assert demo.seed()
        ids = add_extra_rows()
    built = World(app, path, ids)
    built.sign_in_everyone()
    built.save()
    return built


def close_world(built: World) -> None:
    with built.app.app_context():
        db.session.remove()
        db.engine.dispose()
