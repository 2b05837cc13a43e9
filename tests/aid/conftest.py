"""Aid fixtures: the 2016 envelopes, committee members, and (re-exported) the voting ones.

Sections: shared (here), "applications" (co-funding) and "pipeline" (projects),
each appended below by the tests that need it.
"""

from __future__ import annotations

import pytest

from inspir_events.accounts.models import Role
from inspir_events.aid import envelopes as aid_envelopes
from tests.voting.conftest import (  # noqa: F401  (fixtures, re-exported)
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
    voting_setup,
)


@pytest.fixture
def envelopes_2016(db) -> dict:
    """The four 2016 envelopes, by (former region, section)."""
    from sqlalchemy import select

    from inspir_events.aid.models import Envelope
    aid_envelopes.load_envelopes(2016)
    rows = db.session.scalars(select(Envelope).where(Envelope.parent_id.is_(None))).all()
    return {(e.former_region, e.section): e for e in rows}


@pytest.fixture
def committee(make_user):
    """A committee member of the Region (not signed in)."""
    return make_user("comite@example.org", display_name="Claire du comité",
                     roles=(Role.COMMITTEE,))


@pytest.fixture
def committee2(make_user):
    """A second committee member (for decisions at the same moment)."""
    return make_user("comite2@example.org", display_name="Marc du comité",
                     roles=(Role.COMMITTEE,))


# --- applications -----------------------------------------------------------------


# --- pipeline ----------------------------------------------------------------------
