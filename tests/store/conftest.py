"""Store fixtures: projects at any stage (built like the demo builds them), signed-in
users, a committee member, and (re-exported) the aid and voting fixtures."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from inspir_events.accounts.models import Role
from inspir_events.aid.projects.models import Project, ProjectMember
from inspir_events.aid.projects.rules import search_text_of
from inspir_events.aid.projects.stages import Origin, Qualification, Stage
from inspir_events.markdown import render
from inspir_events.timeutil import utcnow
from tests.aid.conftest import committee  # noqa: F401  (fixture, re-exported)


@pytest.fixture
def make_project(db, make_user):
    """``make_project(title=..., stage=Stage.DIFFUSION, qualification=QUALIFIED,
    department="80", theme="transports", licence="MIT", reached=None, reproductions=0,
    summary=..., results=..., lessons=..., members=(), structure=None)``.

    ``reached`` is when the project reached its stage (UTC); by default each
    project is one day newer than the previous one.
    """
    counter = itertools.count(1)
    base = utcnow() - timedelta(days=300)

    def factory(title: str | None = None, *, stage=Stage.DIFFUSION,
                qualification=Qualification.QUALIFIED, department: str | None = "80",
                theme: str | None = "transports", licence: str | None = "MIT",
                reached: datetime | None = None, reproductions: int = 0,
                summary: str = "Une expérimentation menée avec les habitants.",
                results: str = "Les résultats sont documentés.", lessons: str = "",
                members=(), structure=None, origin=Origin.ROUND_WINNER, **values):
        n = next(counter)
        if stage == Stage.ABANDONNE and not lessons:
            lessons = "Ce que nous avons appris de l'arrêt."
        project = Project(
            title=title or f"Projet numéro {n}", summary=summary, summary_html=render(summary),
            stage=Stage(stage), origin=origin, qualification=Qualification(qualification),
            department_code=department, theme_code=theme, licence=licence,
            repository_url="https://forge.example.org/projet" if licence else None,
            results=results, results_html=render(results) if results else "",
            lessons=lessons, lessons_html=render(lessons) if lessons else "",
            reproductions_count=reproductions,
            stage_changed_at=reached or base + timedelta(days=n),
            support_structure_id=structure.id if structure is not None else None, **values)
        project.search_text = search_text_of(project)
        project.member_rows = [ProjectMember(user_id=user.id, role="lead" if i == 0 else "member",
                                             position=i) for i, user in enumerate(members)]
        db.session.add(project)
        db.session.commit()
        return project

    return factory


@pytest.fixture
def team_member(make_user):
    return make_user("equipe@example.org", display_name="Inès de l'équipe")


@pytest.fixture
def reproducer(make_user):
    return make_user("ailleurs@example.org", display_name="Yann d'un autre territoire",
                     department_code="59")


@pytest.fixture
def structure(make_user):
    return make_user("structure@example.org", display_name="La Fabrique d'accompagnement",
                     roles=(Role.SUPPORT_STRUCTURE,), department_code="80")


@pytest.fixture
def answers():
    """A justification for every principle of the charter (form field -> text)."""
    from inspir_events.labels.charter import PRINCIPLES
    return {p.code: f"Notre réponse au principe « {p.code} »." for p in PRINCIPLES}


@pytest.fixture
def browser(app, login):
    """Another signed-in browser: ``browser(user)``."""
    def factory(user):
        other = app.test_client()
        login(user, on=other)
        return other
    return factory
