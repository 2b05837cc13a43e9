"""Committee decisions racing on one envelope, on SQLite and PostgreSQL.

Twenty committee members each commit 10,000 € on an envelope of 150,000 € at
the same moment (one thread and one database session each, as concurrent
requests). Exactly fifteen fit: the conditional UPDATE lets those through and
refuses the other five cleanly, so the envelope ends exactly full, never over.

Run with ``pytest -s`` to see the figures.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role, User
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.models import Commitment, Envelope
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as aid_years
from inspir_events.extensions import db as _db
from tests.conftest import run_together

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)

DECISIONS = 20
DECISION_CENTS = 1_000_000


@BACKENDS
def test_twenty_simultaneous_decisions_never_overcommit(app, db, backend, make_user):
    aid_years.load_envelopes(2016)
    envelope = aid_envelopes.envelope_for("59", Section.INVESTMENT, 2016)
    assert envelope.former_region == FormerRegion.NPDC
    envelope_id, amount = envelope.id, envelope.amount_cents
    assert amount == 15_000_000
    member_ids = [make_user(roles=(Role.COMMITTEE,)).id for _ in range(DECISIONS)]
    accepted: list[int] = []
    refused: list[int] = []

    def decide(index: int) -> None:
        member = _db.session.get(User, member_ids[index])
        try:
            aid_envelopes.commit(member, envelope_id, DECISION_CENTS, "event", index,
                            f"Décision {index}")
        except aid_envelopes.EnvelopeExceeded:
            refused.append(index)
        else:
            accepted.append(index)

    errors, elapsed = run_together(app, [decide] * DECISIONS)
    db.session.rollback()
    committed = db.session.scalar(select(Envelope.committed_cents)
                                  .where(Envelope.id == envelope_id))
    rows, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Commitment.amount_cents), 0))
        .where(Commitment.envelope_id == envelope_id)).one()
    print(f"\n[envelope concurrency] {backend}: decisions={DECISIONS} of {DECISION_CENTS} "
          f"cents on {amount}: accepted={len(accepted)}, refused={len(refused)}, "
          f"commitments={rows}, committed={committed}, sum={total}, errors={len(errors)}, "
          f"seconds={elapsed:.2f}")

    assert errors == []
    assert (len(accepted), len(refused)) == (15, 5)
    assert rows == 15
    assert committed == total == amount
