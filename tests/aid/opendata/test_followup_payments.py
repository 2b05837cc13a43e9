"""The SCDL export's « conditionsVersement » and « datesPeriodeVersement » come from the
follow-up (issue 19 §3.6): the schedule first, then the payments made."""

from __future__ import annotations

import json
from datetime import date

from inspir_events.aid.followup import queries, services
from inspir_events.aid.models import PaymentPart
from inspir_events.aid.opendata.scdl import validate_row
from tests.aid.followup.conftest import report_input


def _row(client, reference: str) -> dict:
    rows = json.loads(client.get("/aid/open-data/subventions.json?year=2016").data)
    return next(row for row in rows if row["referenceDecision"] == reference)


def test_a_granted_aid_without_schedule_is_one_payment_on_its_decision_day(
        client, db, granted_aid):
    rows = granted_aid()
    row = _row(client, rows[0].reference)
    assert row["conditionsVersement"] == "unique"
    assert validate_row(row) == []


def test_an_advance_and_a_balance_are_echelonne_over_their_dates(client, db, scheduled_aid,
                                                                 committee, organiser):
    aid_id = scheduled_aid(50)
    reference = queries.aid_of(aid_id).first.reference
    planned = _row(client, reference)
    assert planned["conditionsVersement"] == "échelonné"
    assert planned["datesPeriodeVersement"] == "2016-06-01/2016-12-15"
    services.record_payment(committee, aid_id, services.PaymentInput(
        PaymentPart.ADVANCE, 500_000, date(2016, 6, 3)))
    services.save_report(organiser, aid_id, report_input(), submit=True)
    services.accept_report(committee, aid_id)
    services.record_payment(committee, aid_id, services.PaymentInput(
        PaymentPart.BALANCE, 300_000, date(2017, 1, 10)))
    paid = _row(client, reference)
    assert paid["conditionsVersement"] == "échelonné"
    assert paid["datesPeriodeVersement"] == "2016-06-03/2017-01-10"
    assert paid["montant"] == "10000.00"  # the amount granted (the decision) is published
    assert validate_row(paid) == []


def test_a_single_payment_after_the_report_is_unique(client, db, scheduled_aid, committee,
                                                     organiser):
    aid_id = scheduled_aid(0)
    reference = queries.aid_of(aid_id).first.reference
    services.save_report(organiser, aid_id, report_input(), submit=True)
    services.accept_report(committee, aid_id)
    services.record_payment(committee, aid_id, services.PaymentInput(
        PaymentPart.BALANCE, 800_000, date(2016, 11, 30)))
    row = _row(client, reference)
    assert (row["conditionsVersement"], row["datesPeriodeVersement"]) == ("unique",
                                                                          "2016-11-30")
    assert validate_row(row) == []
