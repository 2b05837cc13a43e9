"""Search fixtures: the needs', events', ideas', projects' and structures' factories
(re-exported, all through the real use cases), ``found`` (what the index answers) and a
moderator."""

from __future__ import annotations

import pytest

from inspir_events.accounts.models import Role
from inspir_events.search import queries, rules
from tests.aid.conftest import committee  # noqa: F401,E402  (fixture)
from tests.store.conftest import make_project, structure  # noqa: F401  (fixtures)
from tests.voting.conftest import (  # noqa: F401  (fixtures, re-exported)
    browser,
    make_event,
    make_idea,
    make_need,
    make_participant,
    make_round,
    make_team,
    make_voter,
    organiser,
    team_event,
    voting_event,
)

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def found(db):
    """``found("words", kind=..., department=..., theme=...)``: the (kind, id) pairs the
    search answers, best first (its first page)."""

    def search(text: str, **filters) -> list[tuple[str, int]]:
        page = queries.search(rules.Filters(text=text, **filters))
        db.session.commit()  # end the read, as a request would
        return [(r.kind, r.item_id) for r in page.results]

    return search


@pytest.fixture
def moderator(make_user):
    return make_user("moderatrice@example.org", display_name="Modératrice",
                     roles=(Role.COMMITTEE,))
