"""The envelopes' dashboard: per envelope, amount, committed, paid, released, remaining."""

from __future__ import annotations

from datetime import date

from inspir_events.aid.envelopes import queries as dashboard
from inspir_events.aid.followup import services
from inspir_events.aid.models import PaymentPart
from inspir_events.aid.rules import FormerRegion, Section
from tests.aid.followup.conftest import report_input

PIC_OP = (FormerRegion.PICARDIE, Section.OPERATING)
PIC_INV = (FormerRegion.PICARDIE, Section.INVESTMENT)


def _lines():
    board = dashboard.dashboard(2016)
    return board, {(line.envelope.former_region, line.envelope.section): line
                   for line in board.lines}


def _close(committee, organiser, aid_id):
    services.record_payment(committee, aid_id, services.PaymentInput(
        PaymentPart.ADVANCE, 500_000, date(2016, 6, 2)))
    services.save_report(organiser, aid_id, report_input("10 000", "6 000"), submit=True)
    services.accept_report(committee, aid_id)
    services.record_payment(committee, aid_id, services.PaymentInput(
        PaymentPart.BALANCE, 300_000, date(2016, 12, 15)))


def test_committed_paid_released_and_remaining_per_envelope(db, scheduled_aid, committee,
                                                            organiser):
    aid_id = scheduled_aid(50)
    board, lines = _lines()
    assert (lines[PIC_OP].committed_cents, lines[PIC_OP].paid_cents,
            lines[PIC_OP].released_cents) == (600_000, 0, 0)
    _close(committee, organiser, aid_id)
    db.session.expire_all()
    board, lines = _lines()
    operating, investment = lines[PIC_OP], lines[PIC_INV]
    # 10,000 € granted (6,000 operating, 4,000 investment), 8,000 € finally paid.
    assert (operating.committed_cents, operating.paid_cents, operating.released_cents) == (
        480_000, 480_000, 120_000)
    assert (investment.committed_cents, investment.paid_cents, investment.released_cents) == (
        320_000, 320_000, 80_000)
    assert operating.remaining_cents == operating.amount_cents - 480_000
    assert (board.paid_cents, board.released_cents) == (800_000, 200_000)
    assert board.remaining_cents == board.amount_cents - 800_000


def test_the_page_shows_paid_and_released(client, db, scheduled_aid, committee, organiser,
                                          login):
    aid_id = scheduled_aid(50)
    _close(committee, organiser, aid_id)
    page = client.get("/aid/envelopes?year=2016").get_data(as_text=True)
    assert "Versé" in page and "Libéré" in page
    assert "4\u202f800,00\xa0€" in page and "1\u202f200,00\xa0€" in page
    login(committee)
    page = client.get("/aid/envelopes?year=2016").get_data(as_text=True)
    assert f"/aid/followup/{aid_id}" in page  # the committee reaches each aid's follow-up
