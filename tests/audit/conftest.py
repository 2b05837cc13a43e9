"""Audit fixtures: the aid, pipeline and voting ones (re-exported) and an admin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import Role
from inspir_events.audit.models import AuditEntry
from tests.aid.conftest import (  # noqa: F401  (fixtures, re-exported)
    cofunding_session,
    committee,
    confirmed_round,
    envelopes_2016,
    envelopes_now,
    granted_aid,
    in_session,
    jurors,
    labelled_event,
    make_event,
    make_idea,
    make_need,
    make_participant,
    make_project,
    make_round,
    make_team,
    make_voter,
    open_year,
    organiser,
    scheduled_aid,
    submitted_application,
    support_structure,
    team_event,
    voting_event,
    voting_setup,
)


@pytest.fixture
def admin(make_user):
    """An administrator of the platform (not signed in)."""
    return make_user("admin@example.org", display_name="Amina Admin", roles=(Role.ADMIN,))


@pytest.fixture
def new_entries(db):
    """``new_entries()``: the audit entries written since the previous call (or the start),
    oldest first."""
    seen = [db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
            or 0]

    def since() -> list[AuditEntry]:
        db.session.expire_all()
        rows = list(db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > seen[0]).order_by(AuditEntry.id)))
        if rows:
            seen[0] = rows[-1].id
        return rows

    return since
