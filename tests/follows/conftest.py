"""Follows fixtures: the aid, voting, events and needs factories, re-exported (a need,
an event, a project at any stage, a round whose winner answers a need), and what a
person follows, read from the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.follows.models import Follow
from tests.aid.conftest import (  # noqa: F401  (fixtures, re-exported)
    committee,
    confirmed_round,
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
def followed(db):
    """``followed(user)``: the (subject type, subject id) ``user`` follows, as stored."""

    def read(user) -> set[tuple[str, int]]:
        rows = set(db.session.execute(select(Follow.subject_type, Follow.subject_id).where(
            Follow.user_id == user.id)).all())
        db.session.rollback()  # the next read sees what requests committed
        return {(t, i) for t, i in rows}

    return read
