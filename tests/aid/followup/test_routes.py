"""The follow-up's pages: the aid's page, the final report's form (refusals in the form, what
was typed kept), the committee's schedule, payments and answers, the lists and links."""

from __future__ import annotations

import re

from inspir_events.aid.followup import queries, services
from inspir_events.aid.followup.models import ReportStatus
from inspir_events.extensions import db as _db
from tests.aid.followup.conftest import report_input


def text_of(response) -> str:
    return response.get_data(as_text=True)


def error_of(page: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return match.group(1) if match else ""


def _aid(aid_id):
    _db.session.expire_all()
    return queries.aid_of(aid_id)


REPORT = {"narrative": "Quatre-vingts habitants.", "expenses-0-label": "Location",
          "expenses-0-amount": "10 000", "expenses-0-section": "operating",
          "expenses-1-label": "Matériel", "expenses-1-amount": "6 000",
          "expenses-1-section": "investment", "revenues-0-kind": "co_funder",
          "revenues-0-label": "Département", "revenues-0-amount": "8 000",
          "links-0-title": "Photos", "links-0-url": "https://photos.example.org/h"}


def test_who_sees_an_aid(client, db, login, scheduled_aid, organiser, make_user):
    aid_id = scheduled_aid()
    url = f"/aid/followup/{aid_id}"
    assert client.get(url).status_code == 302  # sign in first
    login(make_user("curieux@example.org"))
    assert client.get(url).status_code == 403
    client.post_form("/logout")
    login(organiser)
    page = text_of(client.get(url))
    assert "Échéancier des versements" in page
    assert f"/aid/followup/{aid_id}/report" in page  # the beneficiary writes the report
    assert f"/aid/followup/{aid_id}/payments" not in page  # not the committee's forms
    assert client.get("/aid/followup/999999").status_code == 404


def test_the_report_form_keeps_what_was_typed_and_shows_each_problem(
        client, db, login, scheduled_aid, organiser):
    aid_id = scheduled_aid()
    login(organiser)
    url = f"/aid/followup/{aid_id}/report"
    assert client.get(url).status_code == 200
    response = client.post_form(url, {**REPORT, "expenses-1-amount": "six mille",
                                      "narrative": "", "action": "submit"}, token_from=url)
    page = text_of(response)
    assert response.status_code == 422
    assert "Saisissez un montant en euros" in error_of(page, "expenses-1-amount")
    assert "le récit est requis" in page
    assert 'value="six mille"' in page and 'value="Location"' in page
    assert _aid(aid_id).report is None
    response = client.post_form(url, {**REPORT, "action": "submit"}, token_from=url)
    assert response.status_code == 303
    report = _aid(aid_id).report
    assert report.status == ReportStatus.SUBMITTED and report.expenses_cents == 1_600_000
    # With the committee: the form is gone.
    assert "ne peut plus être modifié" in text_of(client.get(url))


def test_the_report_narrative_is_sanitised(client, db, login, scheduled_aid, organiser):
    aid_id = scheduled_aid()
    login(organiser)
    url = f"/aid/followup/{aid_id}/report"
    client.post_form(url, {**REPORT, "narrative": "**Bien** <script>alert(1)</script>",
                           "action": "save"}, token_from=url)
    html = _aid(aid_id).report.narrative_html
    assert "<strong>Bien</strong>" in html and "<script>" not in html


def test_the_committee_schedules_pays_and_accepts(client, db, login, granted_aid, committee,
                                                  organiser):
    aid_id = granted_aid()[0].id
    login(committee)
    url = f"/aid/followup/{aid_id}"
    # A refused schedule: the message under its field, the typed value kept.
    response = client.post_form(f"{url}/schedule", {"advance_percent": "50",
                                                    "advance_on": "2016-09-01",
                                                    "balance_on": "2016-06-01"}, token_from=url)
    assert response.status_code == 422
    assert "Le solde est versé après l’avance" in error_of(text_of(response), "balance_on")
    assert client.post_form(f"{url}/schedule", {"advance_percent": "50",
                                                "advance_on": "2016-06-01",
                                                "balance_on": "2016-12-01"},
                            token_from=url).status_code == 303
    # Too much for the advance: refused next to the amount, typed value kept.
    response = client.post_form(f"{url}/payments", {"part": "advance", "amount": "5 000,01",
                                                    "paid_on": "2016-06-02"}, token_from=url)
    assert response.status_code == 422
    assert "Au plus 5\u202f000,00\xa0€" in error_of(text_of(response), "amount")
    assert 'value="5 000,01"' in text_of(response)
    assert client.post_form(f"{url}/payments", {"part": "advance", "amount": "5 000",
                                                "paid_on": "2016-06-02"},
                            token_from=url).status_code == 303
    services.save_report(organiser, aid_id, report_input(), submit=True)
    assert client.post_form(f"{url}/report/accept", {}, token_from=url).status_code == 303
    page = text_of(client.get(url))
    assert "Solde restant à verser\xa0: 3\u202f000,00\xa0€" in page
    assert client.post_form(f"{url}/payments", {"part": "balance", "amount": "3 000",
                                                "paid_on": "2016-12-15"},
                            token_from=url).status_code == 303
    assert _aid(aid_id).closed


def test_the_committee_asks_for_changes(client, db, login, scheduled_aid, committee,
                                        organiser):
    aid_id = scheduled_aid()
    services.save_report(organiser, aid_id, report_input(), submit=True)
    login(committee)
    url = f"/aid/followup/{aid_id}"
    response = client.post_form(f"{url}/report/changes", {"note": ""}, token_from=url)
    assert response.status_code == 422
    assert client.post_form(f"{url}/report/changes", {"note": "Les factures ?"},
                            token_from=url).status_code == 303
    assert _aid(aid_id).report.status == ReportStatus.CHANGES_REQUESTED


def test_the_beneficiary_cannot_decide(client, db, login, scheduled_aid, organiser):
    aid_id = scheduled_aid()
    login(organiser)
    url = f"/aid/followup/{aid_id}"
    assert client.post_form(f"{url}/payments", {"part": "advance", "amount": "10",
                                                "paid_on": "2016-06-02"},
                            token_from=url).status_code == 403
    assert _aid(aid_id).paid_cents == 0


def test_lists_and_links(client, db, login, scheduled_aid, organiser, committee):
    aid_id = scheduled_aid()
    event_id = _aid(aid_id).application.event_id
    login(organiser)
    assert f"/aid/followup/{aid_id}" in text_of(client.get("/aid/followup"))
    assert f"/aid/followup/{aid_id}" in text_of(client.get(f"/events/{event_id}/cofunding"))
    client.post_form("/logout")
    login(committee)
    page = text_of(client.get("/aid/followup"))
    assert 'id="managed-aid"' in page and f"/aid/followup/{aid_id}" in page


def test_a_saved_draft_comes_back_in_the_form(client, db, login, scheduled_aid, organiser):
    aid_id = scheduled_aid()
    services.save_report(organiser, aid_id, report_input("1 234,56", narrative="Brouillon."))
    login(organiser)
    page = text_of(client.get(f"/aid/followup/{aid_id}/report"))
    assert 'value="1234,56"' in page and "Brouillon." in page
    assert 'value="https://photos.example.org/hackathon"' in page
