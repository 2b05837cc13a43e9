"""Discussions fixtures: the needs, voting and aid factories, re-exported (a need, an idea
of a published event, a project at any stage), signed-in people, and ``comment``: a
comment posted through the real use case."""

from __future__ import annotations

import pytest

from inspir_events.discussions import services
from tests.aid.conftest import (  # noqa: F401  (fixtures, re-exported)
    committee,
    make_event,
    make_idea,
    make_need,
    make_participant,
    make_project,
    make_round,
    make_team,
    make_voter,
    organiser,
    support_structure,
    team_event,
    voting_event,
    voting_setup,
)


@pytest.fixture
def speaker(make_user, login):
    """A citizen with a confirmed address, signed in on ``client``."""
    user = make_user(display_name="Karim Parleur")
    login(user)
    return user


@pytest.fixture
def comment(db, make_user):
    """``comment(subject_type, subject_id, body=..., author=None, parent=None)``: posted
    through ``services.post`` (by a new account unless ``author`` is given)."""

    def factory(subject_type: str, subject_id: int, body: str = "Bonne idée !", *,
                author=None, parent=None):
        author = author or make_user(display_name="Nadia Voisine")
        return services.post(author, subject_type, subject_id, body,
                             parent.id if parent is not None else None)

    return factory
