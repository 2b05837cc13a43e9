"""Two committee members recording the same balance at the same moment, on SQLite and
PostgreSQL: the aid's follow-up row is locked and each grant row is paid by a conditional
UPDATE, so the balance is paid once, the total paid never exceeds the final amount, and
the aid is closed (its unpaid part released) once.

Run with ``pytest -s`` to see the figures.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.followup import queries, services
from inspir_events.aid.models import AidGrant, AidPayment, PaymentPart
from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db as _db
from tests.aid.followup.conftest import report_input
from tests.conftest import run_together

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@BACKENDS
def test_two_members_paying_the_balance_at_once_pay_it_once(
        app, db, backend, scheduled_aid, committee, committee2, organiser):
    aid_id = scheduled_aid(50)
    services.record_payment(committee, aid_id, services.PaymentInput(
        PaymentPart.ADVANCE, 500_000, date(2016, 6, 2)))
    services.save_report(organiser, aid_id, report_input("10 000", "6 000"), submit=True)
    services.accept_report(committee, aid_id)  # 8,000 € final: 3,000 € left to pay
    envelope_ids = [row.envelope_id for row in queries.aid_of(aid_id).rows]
    before = {e: db.session.get(Envelope, e).committed_cents for e in envelope_ids}
    member_ids = [committee.id, committee2.id]
    paid: list[int] = []
    refused: list[int] = []

    def pay(index: int) -> None:
        member = _db.session.get(User, member_ids[index])
        try:
            services.record_payment(member, aid_id, services.PaymentInput(
                PaymentPart.BALANCE, 300_000, date(2016, 12, 15)))
        except services.FollowUpError:
            refused.append(index)
        else:
            paid.append(index)

    errors, elapsed = run_together(app, [pay, pay])
    db.session.rollback()
    db.session.expire_all()
    aid = queries.aid_of(aid_id)
    payments = db.session.scalar(select(func.count()).select_from(AidPayment)
                                 .where(AidPayment.part == PaymentPart.BALANCE))
    closings = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "aid.close"))
    after = {e: db.session.get(Envelope, e).committed_cents for e in envelope_ids}
    print(f"\n[follow-up concurrency] {backend}: paid={paid}, refused={refused}, "
          f"balance payments={payments}, paid_cents={aid.paid_cents}, errors={errors}, "
          f"seconds={elapsed:.2f}")

    assert errors == []
    assert len(paid) == 1 and len(refused) == 1
    assert aid.paid_cents == aid.final_cents == 800_000
    assert payments == 2  # one payment of the balance, over the two grant rows
    assert aid.closed and closings == 1
    assert sum(before.values()) - sum(after.values()) == 200_000  # released once


def test_the_database_refuses_a_grant_paid_above_its_amount(db, granted_aid):
    """The CHECK holds even against a write that skips the use cases."""
    from sqlalchemy.exc import IntegrityError

    row = granted_aid()[0]
    db.session.get(AidGrant, row.id).paid_cents = row.amount_cents + 1
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
