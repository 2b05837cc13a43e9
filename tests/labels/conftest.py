"""Label fixtures: the events' factories, a committee member and the charter answers."""

from __future__ import annotations

import pytest

from inspir_events.accounts.models import Role
from inspir_events.labels.charter import PRINCIPLES
from tests.events.conftest import make_event, organiser  # noqa: F401  (fixtures, re-exported)


@pytest.fixture
def answers():
    """A justification for every principle of the charter (form field -> text)."""
    return {p.code: f"Notre réponse au principe « {p.code} »." for p in PRINCIPLES}


@pytest.fixture
def member(make_user):
    """A committee member (not signed in)."""
    return make_user("comite@example.org", display_name="Claire du comité",
                     roles=(Role.COMMITTEE,))
