"""Two committee members granting the same application at the same moment, on SQLite
and PostgreSQL: the application's row is locked and must still be ``submitted``, so
exactly one decision lands (one grant, one commitment, one audit entry), the other is
refused as already decided, and the envelope is committed once.

Run with ``pytest -s`` to see the figures.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.aid.cofunding import decisions
from inspir_events.aid.cofunding import services as applications
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.envelopes.models import Commitment, Envelope
from inspir_events.aid.models import AidGrant
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db as _db
from tests.conftest import run_together

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@BACKENDS
def test_two_members_granting_at_once_give_one_decision(
        app, db, backend, submitted_application, committee, committee2, envelopes_2016):
    submitted = submitted_application()
    envelope_id = envelopes_2016[(FormerRegion.PICARDIE, Section.OPERATING)].id
    member_ids = [committee.id, committee2.id]
    granted: list[int] = []
    conflicts: list[int] = []

    def decide(index: int) -> None:
        member = _db.session.get(User, member_ids[index])
        try:
            decisions.grant(member, submitted.id, decisions.GrantInput(
                operating_cents=700_000 + index * 10_000))
        except applications.ApplicationConflict:
            _db.session.rollback()
            conflicts.append(index)
        else:
            granted.append(index)

    errors, elapsed = run_together(app, [decide, decide])
    db.session.rollback()
    grants = db.session.scalar(select(func.count()).select_from(AidGrant))
    commitments = db.session.scalar(select(func.count()).select_from(Commitment))
    committed = db.session.scalar(select(Envelope.committed_cents)
                                  .where(Envelope.id == envelope_id))
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry)
                               .where(AuditEntry.action == "application.grant"))
    application = db.session.get(CofundingApplication, submitted.id)
    print(f"\n[application concurrency] {backend}: granted={granted}, conflicts={conflicts}, "
          f"grants={grants}, commitments={commitments}, committed={committed}, "
          f"errors={errors}, seconds={elapsed:.2f}")

    assert errors == []
    assert len(granted) == 1 and len(conflicts) == 1
    assert (grants, commitments, audits) == (1, 1, 1)
    assert committed == 700_000 + granted[0] * 10_000
    assert application.status == ApplicationStatus.GRANTED
    assert application.decided_by_id == member_ids[granted[0]]
