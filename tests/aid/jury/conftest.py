"""Jury fixtures: a juried subject of the tests' own (its applications are projects, so
recusal reads who is party to them from the pipeline), registered on the app."""

from __future__ import annotations

import pytest

from inspir_events.aid.jury import registry
from inspir_events.aid.jury.registry import JuriedApplication, JuriedSubject

SUBJECT = "test_session"


@pytest.fixture
def juried(app, db, make_project):
    """``juried(n)``: a registered test subject (id 1) whose applications are ``n``
    projects in maturation; its state (``open``, ``published``, ``decided`` ids) is a
    namespace the test changes."""
    from types import SimpleNamespace

    state = SimpleNamespace(open=True, published=False, decided=set(), projects=[])

    def applications(subject_id):
        return [JuriedApplication(p.id, p.title, f"/projects/{p.id}", "project", p.id,
                                  p.id in state.decided) for p in state.projects]

    app.extensions.setdefault(registry.EXTENSION, {})[SUBJECT] = JuriedSubject(
        name="this session", title=lambda sid: "Session" if sid == 1 else None,
        url=lambda sid: "/", applications=applications,
        scoring_open=lambda sid: state.open, published=lambda sid: state.published)

    def build(count: int = 2):
        state.projects = [make_project("projet") for _ in range(count)]
        return state

    return build
