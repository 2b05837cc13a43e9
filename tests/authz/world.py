"""The authorization matrix's world: the demo story plus a few rows, and one client per role.

Built once per test module on a SQLite file: ``demo.seed()`` (needs, events, a closed
round, projects at every stage, grants, a delegated envelope), then a plain citizen,
a team of someone else with a pending join request and an idea, an open voting round
at the upcoming hackathon, a pending label request and a private calendar feed; and
for recusal (issue 16): the hackathon's application entrusted to the delegated
envelope, a Picardie application not entrusted, an event co-organised by the committee
member and the decider (its application and its label request), a conflict the
committee member declared on the project in maturation, and their own proposal. Every
role signs in through the real log-in form and reads a CSRF token once; the database
is then saved, and :meth:`World.restore` puts it back after each state-changing
request, so every cell of the matrix sees the same world whatever ran before it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from inspir_events import demo, demo_aid
from inspir_events.accounts.models import User
from inspir_events.accounts.services import token_hash
from inspir_events.aid.calls.models import Call, CallApplication
from inspir_events.aid.cofunding.models import (
    CofundingApplication,
    CofundingSession,
    RevenueKind,
)
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.aid.projects.models import Project, ProjectMember
from inspir_events.aid.projects.stages import Origin, Qualification, Stage
from inspir_events.aid.rules import Section
from inspir_events.aid.years import services as aid_years
from inspir_events.discussions.models import Comment
from inspir_events.events import services as event_services
from inspir_events.events.models import CalendarFeed, Event, EventOrganiser, Registration
from inspir_events.events.rules import EventKind, EventStatus, RunBy
from inspir_events.extensions import db
from inspir_events.labels.charter import PRINCIPLES, LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.markdown import render
from inspir_events.needs.models import Need
from inspir_events.recusal.models import DeclaredConflict
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


def _picardie_event(title: str, commune: str, department: str, organisers) -> Event:
    """A published third-party event in Picardie, organised by ``organisers`` (the first
    created it)."""
    starts = utcnow().replace(microsecond=0) + timedelta(days=60)
    event = Event(created_by_id=organisers[0].id, status=EventStatus.PUBLISHED, sequence=0,
                  confirmed_count=0)
    event_services.fill(event, event_services.EventInput(
        title=title, kind=EventKind.MEETING, description="Une rencontre.", starts_at=starts,
        ends_at=starts + timedelta(hours=4), venue_name="Médiathèque", venue_address="1 rue",
        venue_commune=commune, department_code=department, run_by=RunBy.THIRD_PARTY))
    event.organiser_rows = [EventOrganiser(user_id=user.id) for user in organisers]
    db.session.add(event)
    db.session.flush()
    return event


def _application_of(event: Event, applicant: User) -> CofundingApplication:
    return demo_aid._application(
        event, applicant, "Association Les Tiers-Lieux", (
            ("Animation", 400_000, Section.OPERATING), ("Matériel", 200_000, Section.INVESTMENT)),
        ((RevenueKind.OWN_FUNDS, "Fonds propres", 300_000, True),), 300_000,
        aid_years.current(aid_years.today().year), rna="W602001234")


def _recusal_rows(ids: dict[str, int], users: dict[str, User]) -> dict[str, int]:
    """Issue 16's objects: applications entrusted to the delegated envelope or not, an
    event co-organised by the committee member and the decider (so recused from its
    application and its label), a project the committee member declared a conflict on,
    and a proposal of the committee member's own."""
    orga2, comite, territoire = users["orga2"], users["comite"], users["territoire"]
    hackathon_application = db.session.get(CofundingApplication, ids["application"])
    hackathon_application.envelope_id = ids["delegated_envelope"]  # the decider's to decide
    forum = _picardie_event("Forum des tiers-lieux de l'Oise", "Beauvais", "60", [orga2])
    not_entrusted = _application_of(forum, orga2)
    fete = _picardie_event("Fête du numérique de Laon", "Laon", "02",
                           [orga2, comite, territoire])  # both deciders co-organise it
    recused = _application_of(fete, orga2)
    recused.envelope_id = ids["delegated_envelope"]
    label = LabelRequest(subject_type=SubjectType.EVENT, subject_id=fete.id,
                         subject_title=fete.title, subject_url=f"/events/{fete.id}",
                         requested_by_id=orga2.id, status=LabelStatus.REQUESTED,
                         answers={p.code: "Réponse." for p in PRINCIPLES})
    maturing = db.session.scalar(select(Project).where(
        Project.stage == Stage.PROJET, Project.qualification == Qualification.QUALIFIED))
    conflict = DeclaredConflict(user_id=comite.id, subject_type="project",
                                subject_id=maturing.id, reason="Je conseille l'équipe.")
    summary = "Un guichet numérique itinérant pour les démarches en ligne."
    own = Project(title="Guichet itinérant", summary=summary, summary_html=render(summary),
                  stage=Stage.IDEE, origin=Origin.PROPOSAL,
                  qualification=Qualification.AWAITING, proposed_by_id=comite.id,
                  department_code="80", search_text="guichet itinerant")
    own.member_rows = [ProjectMember(user_id=comite.id, role="author")]
    db.session.add_all([label, conflict, own])
    db.session.flush()
    return {"picardie_application": not_entrusted.id, "recused_application": recused.id,
            "recused_label": label.id, "conflicted_project": maturing.id,
            "own_proposal": own.id}


def _session_rows(ids: dict[str, int]) -> dict[str, int]:
    """Issue 19: the Picardie and Nord - Pas-de-Calais applications put in the demo's open
    session and scored by its two jurors who are not recused (so the committee decides
    on them as before), and an application of another Picardie event in no session (no
    decision on it; the committee may put it in the session)."""
    from inspir_events.aid.jury import rules as jury_rules
    from inspir_events.aid.jury.models import JuryScore
    from inspir_events.aid.jury.services import jury_of

    panel = jury_of("cofunding_session", ids["open_session"])
    scorers = [_user("dev"), _user("comite2")]
    for key in ("picardie_application", "npdc_application"):
        application = db.session.get(CofundingApplication, ids[key])
        application.session_id = ids["open_session"]
        db.session.add_all(JuryScore(jury_id=panel.id, user_id=member.id,
                                     application_type="cofunding_application",
                                     application_id=application.id, criterion=code, score=3,
                                     comment="")
                           for member in scorers for code in jury_rules.CRITERION_CODES)
    loose = _application_of(_picardie_event("Café numérique d'Abbeville", "Abbeville", "80",
                                            [_user("orga2")]), _user("orga2"))
    db.session.flush()
    return {"loose_application": loose.id}


def add_extra_rows() -> dict[str, int]:
    """The rows the demo lacks, and the ids the matrix's URLs use (one transaction)."""
    citoyenne, dev, orga, orga2 = (_user(n) for n in ("citoyenne", "dev", "orga", "orga2"))
    citizen = User(email=CITIZEN_EMAIL, display_name="Cyril Citoyen",
                   password_hash=_user("admin").password_hash, department_code="59",
                   email_verified_at=utcnow())
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
        # Issue 19 §3: the demo's aid paid in two parts (closed), and the experimented
        # project's grants (to follow up: nothing scheduled yet).
        "followed_aid": db.session.scalar(select(AidGrant.id).where(AidGrant.paid_cents > 0)
                                          .order_by(AidGrant.id)),
        "project_aid": db.session.scalar(select(AidGrant.id).where(
            AidGrant.project_id == projects[Stage.EXPERIMENTATION].id).order_by(AidGrant.id)),
        # The support structure's grant for the project in maturation, from the delegated
        # envelope: the structure files its report, the envelope's decider follows it up.
        "structure_aid": db.session.scalar(select(AidGrant.id).where(
            AidGrant.kind == GrantKind.STRUCTURE).order_by(AidGrant.id)),
        "experimented": projects[Stage.EXPERIMENTATION].id,
        "proposal": proposal.id, "npdc_application": npdc.id, "orga": orga.id, "orga2": orga2.id,
        # The demo's open call for projects (issue 19): its first application (the
        # experimentation grant asked by Camille for her project; the support structure
        # is party to it), the project in maturation, a jury member who is no role here.
        "call": db.session.scalar(select(Call.id)),
        "call_application": db.session.scalar(select(CallApplication.id)
                                              .order_by(CallApplication.id)),
        "call_structure_application": db.session.scalar(select(CallApplication.id).where(
            CallApplication.kind == "structure")),
        "maturing": projects[Stage.PROJET].id, "jury_member": dev.id,
        # Issue 19: the demo's sessions of co-funding applications. The hackathon's
        # application is in the open one, whose jury (not a role of the matrix) reached
        # its quorum, so the deciders' cells keep their meaning; the past one is published.
        "open_session": db.session.scalar(select(CofundingSession.id).where(
            CofundingSession.published_at.is_(None))),
        "past_session": db.session.scalar(select(CofundingSession.id).where(
            CofundingSession.published_at.is_not(None))),
        "juror": _user("dev").id,
        # Issue 20 §1: Camille's reply in the demo's conversation on her need.
        "comment": db.session.scalar(select(Comment.id).where(
            Comment.author_id == citoyenne.id, Comment.parent_id.is_not(None))
            .order_by(Comment.id)),
    }
    ids.update(_recusal_rows(ids, {name: _user(name) for name in ("orga2", "comite",
                                                                   "territoire")}))
    ids.update(_session_rows(ids))
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
    settings.setdefault("UPLOADS_DIR", str(folder / "uploads"))  # never instance/uploads
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
