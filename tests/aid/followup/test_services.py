"""The follow-up's use cases: schedule, final report, balance recomputed, payments, closing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.followup import queries, services
from inspir_events.aid.followup.models import ReportStatus
from inspir_events.aid.models import AidGrant, AidPayment, PaymentPart
from inspir_events.audit.models import AuditEntry
from inspir_events.recusal.services import Recused
from tests.aid.followup.conftest import report_input


def _aid(grant_id):
    from inspir_events.extensions import db
    db.session.expire_all()
    return queries.aid_of(grant_id)


def _pay(member, aid_id, part, cents, day=date(2016, 6, 2)):
    return services.record_payment(member, aid_id, services.PaymentInput(part, cents, day))


def _committed(envelope_id):
    from inspir_events.extensions import db
    db.session.expire_all()
    return db.session.get(Envelope, envelope_id).committed_cents


def test_balance_of_an_event_that_cost_less_than_planned(db, scheduled_aid, committee,
                                                         organiser):
    """Granted 10,000 € on a planned cost of 25,000 €; the event cost 16,000 €: the Region's
    share is at most 50 % of it, 8,000 €; the advance (50 %) was 5,000 €, so the balance is
    3,000 €, and the 2,000 € never paid go back to the envelopes."""
    aid_id = scheduled_aid(50)
    aid = _aid(aid_id)
    assert aid.granted_cents == 1_000_000 and aid.advance_planned_cents == 500_000
    envelopes = {row.envelope_id: _committed(row.envelope_id) for row in aid.rows}
    _pay(committee, aid_id, PaymentPart.ADVANCE, 500_000)

    services.save_report(organiser, aid_id, report_input("10 000", "6 000"), submit=True)
    services.accept_report(committee, aid_id)
    aid = _aid(aid_id)
    assert aid.report.expenses_cents == 1_600_000  # the actual cost
    assert aid.final_cents == 800_000  # 50 % of 16,000 €, within the 10,000 € granted
    assert aid.settlement.balance_cents == 300_000
    assert aid.settlement.to_recover_cents == 0
    assert aid.settlement.released_cents == 200_000
    assert {row.section.value: row.final_cents for row in aid.rows} == {
        "operating": 480_000, "investment": 320_000}  # in proportion to what each was granted

    _pay(committee, aid_id, PaymentPart.BALANCE, 300_000, date(2016, 12, 15))
    aid = _aid(aid_id)
    assert aid.closed and aid.paid_cents == 800_000 and aid.released_cents == 200_000
    for row in aid.rows:  # each envelope gets back its row's unpaid part
        assert _committed(row.envelope_id) == envelopes[row.envelope_id] - row.released_cents
    assert {row.payment_terms for row in aid.rows} == {"échelonné"}
    assert {(row.payment_start, row.payment_end) for row in aid.rows} == {
        (date(2016, 6, 2), date(2016, 12, 15))}


def test_an_advance_above_the_final_amount_is_to_recover(db, scheduled_aid, committee,
                                                          organiser):
    aid_id = scheduled_aid(100)
    _pay(committee, aid_id, PaymentPart.ADVANCE, 1_000_000)
    services.save_report(organiser, aid_id, report_input("3 000", "1 000"), submit=True)
    services.accept_report(committee, aid_id)
    aid = _aid(aid_id)
    assert aid.final_cents == 200_000  # 50 % of 4,000 €
    assert aid.settlement.balance_cents == 0
    assert aid.settlement.to_recover_cents == 800_000
    assert aid.closed and aid.released_cents == 800_000  # nothing more to pay: closed


def test_a_single_payment_is_unique_in_the_scdl_columns(db, scheduled_aid, committee,
                                                        organiser):
    aid_id = scheduled_aid(0)
    assert {row.payment_terms for row in _aid(aid_id).rows} == {"unique"}
    with pytest.raises(services.FollowUpConflict):  # no advance was planned
        _pay(committee, aid_id, PaymentPart.ADVANCE, 100)
    with pytest.raises(services.FollowUpConflict):  # the balance follows the report
        _pay(committee, aid_id, PaymentPart.BALANCE, 100)
    services.save_report(organiser, aid_id, report_input(), submit=True)
    services.accept_report(committee, aid_id)
    _pay(committee, aid_id, PaymentPart.BALANCE, 800_000, date(2016, 11, 30))
    aid = _aid(aid_id)
    assert aid.closed
    assert {(r.payment_terms, r.payment_start, r.payment_end) for r in aid.rows} == {
        ("unique", date(2016, 11, 30), date(2016, 11, 30))}


def test_never_more_paid_than_planned_or_due(db, scheduled_aid, committee, organiser):
    aid_id = scheduled_aid(50)
    with pytest.raises(services.FollowUpError) as refused:
        _pay(committee, aid_id, PaymentPart.ADVANCE, 500_001)
    assert refused.value.field == "amount"
    _pay(committee, aid_id, PaymentPart.ADVANCE, 200_000)
    _pay(committee, aid_id, PaymentPart.ADVANCE, 300_000)
    with pytest.raises(services.FollowUpConflict):
        _pay(committee, aid_id, PaymentPart.ADVANCE, 1)
    services.save_report(organiser, aid_id, report_input(), submit=True)
    services.accept_report(committee, aid_id)
    with pytest.raises(services.FollowUpError):
        _pay(committee, aid_id, PaymentPart.BALANCE, 300_001)
    assert _aid(aid_id).paid_cents == 500_000
    assert db.session.scalar(select(AidPayment.id).where(AidPayment.amount_cents > 300_000)) \
        is None


def test_the_report_is_refused_in_the_form_with_every_problem(db, scheduled_aid, organiser):
    aid_id = scheduled_aid()
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(organiser, aid_id, report_input("douze", narrative=""),
                             submit=True)
    fields = {problem.field for problem in refused.value.problems}
    assert ("expenses", 0, "amount") in fields and "narrative" in fields
    assert _aid(aid_id).report is None  # nothing saved
    # A draft may lack the narrative, not a readable amount.
    services.save_report(organiser, aid_id, report_input(narrative=""))
    assert _aid(aid_id).report.status == ReportStatus.DRAFT


def test_changes_asked_then_sent_again(db, scheduled_aid, committee, organiser, outbox):
    aid_id = scheduled_aid()
    services.save_report(organiser, aid_id, report_input(), submit=True)
    with pytest.raises(services.FollowUpConflict):  # with the committee: not editable
        services.save_report(organiser, aid_id, report_input())
    services.ask_report_changes(committee, aid_id, "Joignez les factures.")
    assert _aid(aid_id).report.status == ReportStatus.CHANGES_REQUESTED
    assert outbox(to=organiser.email, kind="aid.report_changes")
    services.save_report(organiser, aid_id, report_input(), submit=True)
    assert _aid(aid_id).report.status == ReportStatus.SUBMITTED


def test_only_the_beneficiary_files_and_only_the_committee_decides(
        db, scheduled_aid, committee, make_user):
    aid_id = scheduled_aid()
    stranger = make_user("stranger@example.org")
    with pytest.raises(services.FollowUpForbidden):
        services.save_report(stranger, aid_id, report_input())
    with pytest.raises(services.FollowUpForbidden):
        _pay(stranger, aid_id, PaymentPart.ADVANCE, 100)
    with pytest.raises(services.FollowUpForbidden):
        services.for_viewer(stranger, aid_id)


def test_a_committee_member_party_to_the_aid_is_recused(db, granted_aid, labelled_event,
                                                        committee2, make_event, organiser):
    from inspir_events.events import services as event_services
    rows = granted_aid()
    event_id = db.session.get(AidGrant, rows[0].id).application.event_id
    event_services.add_organiser(organiser, event_id, committee2.email)
    with pytest.raises(Recused):
        services.schedule(committee2, rows[0].id, services.ScheduleInput(
            50, date(2016, 6, 1), date(2016, 12, 1)))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "recusal.refused"))


def test_every_decision_is_audited_and_the_beneficiary_told(db, scheduled_aid, committee,
                                                            organiser, outbox):
    aid_id = scheduled_aid()
    _pay(committee, aid_id, PaymentPart.ADVANCE, 500_000)
    services.save_report(organiser, aid_id, report_input(), submit=True)
    services.accept_report(committee, aid_id)
    _pay(committee, aid_id, PaymentPart.BALANCE, 300_000)
    actions = [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("aid.%")).order_by(AuditEntry.id))]
    for action in ("aid.schedule", "aid.payment", "aid.report_submit", "aid.report_accept",
                   "aid.close"):
        assert action in actions
    assert len(outbox(to=organiser.email, kind="aid.paid")) == 2
    assert outbox(to=organiser.email, kind="aid.report_accepted")
    from inspir_events.notifications.models import Notification
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == committee.id, Notification.kind == "aid.report_submitted"))
