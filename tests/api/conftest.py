"""API fixtures: the demo's story (``seeded``), private rows added to it (``private``), and
``everything``, the text of every API answer and every download."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from inspir_events import demo
from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.aid.projects import services as pipeline_services
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Qualification
from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus
from inspir_events.needs import moderation as need_moderation
from inspir_events.needs import services as need_services
from inspir_events.needs.models import Need
from inspir_events.needs.rules import Visibility
from inspir_events.voting.models import Idea, VotingRound
from inspir_events.voting.rules import RoundStatus
from tests.needs.conftest import make_need  # noqa: F401  (fixture, re-exported)

LISTS = ("/api/v1/needs", "/api/v1/events", "/api/v1/ideas", "/api/v1/projects",
         "/api/v1/store")
DETAILS = {"/api/v1/needs": Need, "/api/v1/events": Event, "/api/v1/ideas": Idea,
           "/api/v1/projects": Project, "/api/v1/store": Project}
DOWNLOADS = ("/needs.csv", "/needs.json", "/events.csv", "/events.json", "/store.csv",
             "/store.json", "/aid/open-data/subventions.csv", "/aid/open-data/subventions.json",
             "/api/v1/statistics", "/open-data")


@pytest.fixture
def seeded(db):
    """The demo's whole story: needs, events (one draft), a closed round, projects at
    every stage, grants."""
    assert demo.seed()
    return db


def _user(db, local: str) -> User:
    return db.session.scalar(select(User).where(User.email == f"{local}@{demo.DEMO_DOMAIN}"))


@pytest.fixture
def private(seeded):
    """Rows the public must never see, each with a title that says so."""
    db = seeded
    moderator = db.session.scalar(select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == Role.COMMITTEE))
    author = db.session.scalar(select(User).order_by(User.id))
    needs = list(db.session.scalars(select(Need).order_by(Need.id)))

    def retitle(need, title):
        need.title = title
        need.search_text = title.lower()
        db.session.commit()
        return need.id

    hidden = retitle(needs[0], "SECRET hidden need")
    need_moderation.hide(moderator, hidden, "Propos hors sujet")
    pending = retitle(needs[1], "SECRET pending need")
    db.session.get(Need, pending).visibility = Visibility.PENDING
    db.session.commit()
    withdrawn_need = need_services.submit(author, need_services.NeedInput(
        title="SECRET withdrawn need", description="Plus d'actualité.", department_code="59",
        theme_code="transports"))
    need_services.withdraw(author, withdrawn_need.id)

    draft = db.session.scalar(select(Event).where(Event.status == EventStatus.DRAFT))
    draft.title = "SECRET draft event"
    published = db.session.scalar(select(Event).where(Event.status == EventStatus.PUBLISHED)
                                  .order_by(Event.id))
    open_idea = Idea(event_id=published.id, title="SECRET idea of an open round",
                     summary="En cours de vote.", summary_html="<p>En cours de vote.</p>")
    draft_idea = Idea(event_id=draft.id, title="SECRET idea of a draft event",
                      summary="Brouillon.", summary_html="<p>Brouillon.</p>")
    db.session.add_all([open_idea, draft_idea])
    db.session.flush()
    db.session.add_all([
        VotingRound(event_id=published.id, title="Vote en cours", status=RoundStatus.OPEN,
                    ideas=[open_idea]),
        VotingRound(event_id=draft.id, title="Vote d'un brouillon", status=RoundStatus.CLOSED,
                    ideas=[draft_idea]),
    ])
    db.session.commit()

    awaiting = pipeline_services.propose_project(
        author, "SECRET project awaiting qualification", "Une proposition.", "59", "transports")
    oriented = pipeline_services.propose_project(
        author, "SECRET project oriented elsewhere", "Une autre.", "59", "transports")
    oriented = db.session.get(Project, oriented.id)
    oriented.qualification = Qualification.ORIENTED_PROGRAMME
    oriented.oriented_programme = "innovation_sociale"
    db.session.commit()
    return SimpleNamespace(hidden_need=hidden, pending_need=pending,
                           withdrawn_need=withdrawn_need.id, draft_event=draft.id,
                           open_idea=open_idea.id, draft_idea=draft_idea.id,
                           awaiting_project=awaiting.id, oriented_project=oriented.id)


def walk(client, url: str) -> list[dict]:
    """Every item of a list, following ``next`` (100 per page)."""
    joiner = "&" if "?" in url else "?"
    items, page = [], client.get(f"{url}{joiner}per_page=100").get_json()
    while True:
        items += page["items"]
        if not page["next"]:
            return items
        page = client.get(page["next"]).get_json()


@pytest.fixture
def everything(client):
    """``everything()``: the text of every API list (all pages), every detail of an id the
    database holds, and every download, each as (url, text)."""

    def collect(db) -> list[tuple[str, str]]:
        answers = []
        for url in LISTS:
            items = walk(client, url)
            answers.append((url, repr(items)))
        for url, model in DETAILS.items():
            for row_id in db.session.scalars(select(model.id)):
                response = client.get(f"{url}/{row_id}")
                answers.append((f"{url}/{row_id}", response.get_data(as_text=True)))
        for url in DOWNLOADS:
            answers.append((url, client.get(url).get_data(as_text=True)))
        return answers

    return collect
