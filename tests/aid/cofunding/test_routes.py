"""Co-funding pages: the organiser's form (works without JavaScript, every problem next
to its line, French by default), the committee's queue and its decision forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role
from inspir_events.aid.cofunding import entrusting
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.cofunding.reading import DocumentInput
from inspir_events.aid.envelopes import delegation
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.models import AidGrant
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.events.rules import RunBy
from tests.events.conftest import text_of

EN = {"Accept-Language": "en"}
PIC_INV = (FormerRegion.PICARDIE, Section.INVESTMENT)
PIC_OP = (FormerRegion.PICARDIE, Section.OPERATING)


def form_data(action: str = "submit", **overrides) -> dict:
    """The application form as a browser posts it: a valid, balanced budget (50 %)."""
    data = {
        "beneficiary_name": "Association Les Fabriques",
        "beneficiary_identifier": "73282932000074",
        "purpose": "Hackathon des mobilités rurales",
        "region_share": "7 500",
        "expenses-0-label": "Location de la salle", "expenses-0-amount": "10 000,00",
        "expenses-0-section": "operating",
        "expenses-1-label": "Matériel", "expenses-1-amount": "5000",
        "expenses-1-section": "investment",
        "expenses-2-label": "", "expenses-2-amount": "", "expenses-2-section": "operating",
        "revenues-0-kind": "co_funder", "revenues-0-label": "Département de la Somme",
        "revenues-0-amount": "5 000", "revenues-0-confirmed": "y",
        "revenues-1-kind": "own_funds", "revenues-1-label": "Fonds propres",
        "revenues-1-amount": "2 500",
        "documents-0-title": "Budget prévisionnel",
        "documents-0-url": "https://example.org/budget.pdf",
        "action": action,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def page_url(event) -> str:
    return f"/events/{event.id}/cofunding"


def error_of(page: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    assert match, f"no error next to {field_id}"
    return match.group(1)


def application_of(db, event) -> CofundingApplication | None:
    db.session.rollback()
    return db.session.scalar(select(CofundingApplication).where(
        CofundingApplication.event_id == event.id))


# --- the organiser ------------------------------------------------------------------------

def test_the_organiser_page_prefills_and_includes_the_live_verdict(
        client, login, labelled_event, organiser):
    event = labelled_event()
    login(organiser)
    response = client.get(page_url(event))
    page = text_of(response)
    assert response.status_code == 200
    assert "js/cofunding.js" in page
    assert 'id="live-verdict" aria-live="polite"' in page
    assert f'value="{event.title}"' in page  # the purpose, from the event's title
    assert 'name="expenses-2-amount"' in page  # empty rows to type in
    assert 'value="check"' in page and 'value="save"' in page and 'value="submit"' in page
    detail = text_of(client.get(f"/events/{event.id}"))
    assert page_url(event) in detail


def test_others_cannot_open_the_form(client, login, labelled_event, make_user):
    event = labelled_event()
    assert client.get(page_url(event)).status_code == 302  # to the log-in page
    login(make_user(roles=(Role.ORGANISER,)))
    assert client.get(page_url(event)).status_code == 403
    assert client.post_form(page_url(event), form_data(), token_from="/").status_code == 403
    assert client.get("/events/999999/cofunding").status_code == 404


@pytest.mark.parametrize(("kwargs", "fr", "en"), [
    ({"run_by": RunBy.REGION}, "conduit en propre", "runs itself is not co-funded"),
    ({"labelled": False}, None, "ask for the label first"),
])
def test_an_event_that_cannot_apply_says_why(client, db, login, labelled_event, organiser,
                                             kwargs, fr, en):
    event = labelled_event(**kwargs)
    login(organiser)
    response = client.get(page_url(event))
    assert response.status_code == 422
    if fr:
        assert fr in text_of(response)
    assert en in text_of(client.get(page_url(event), headers=EN))
    response = client.post_form(page_url(event), form_data(), token_from="/")
    assert response.status_code == 422
    assert application_of(db, event) is None


def test_submit_shows_every_violation_next_to_its_line_in_french(
        client, db, login, labelled_event, organiser):
    event = labelled_event()
    login(organiser)
    response = client.post_form(page_url(event), form_data(
        **{"expenses-1-amount": "cinq cents"}), token_from="/")
    page = text_of(response)
    assert response.status_code == 422
    assert "Saisissez un montant en euros" in error_of(page, "expenses-1-amount")
    assert 'value="cinq cents"' in page and 'value="Département de la Somme"' in page
    # Amounts readable but 50 % + 1 cent, unbalanced: the verdict's violations by the totals.
    response = client.post_form(page_url(event), form_data(region_share="7500,01"),
                                token_from="/")
    page = text_of(response)
    assert response.status_code == 422
    totals = page[page.index('id="totals"'):]
    assert "La part Région, 7\u202f500,01\u00a0€, dépasse 50\u00a0%" in totals
    assert "Le budget n’est pas équilibré" in totals
    assert 'value="7500,01"' in page
    assert application_of(db, event) is None


def test_submit_shows_the_cap_and_missing_identifier_in_english(
        client, login, labelled_event, organiser):
    event = labelled_event()
    login(organiser)
    response = client.post_form(page_url(event), form_data(
        beneficiary_identifier="", region_share="12 500,01",
        **{"expenses-0-amount": "25 000", "revenues-0-amount": "14 999,99"}),
        token_from="/", headers=EN)
    page = text_of(response)
    assert response.status_code == 422
    totals = page[page.index('id="totals"'):]
    assert "more than the cap of €12,500.00 per event" in totals
    assert "more than 50% of the event's total cost" not in totals  # 12,500.01 < 15,000
    assert "SIRET or RNA number" in error_of(page, "beneficiary_identifier")
    assert 'aria-describedby="beneficiary_identifier-help beneficiary_identifier-error"' in page


def test_exactly_fifty_percent_is_submitted(client, db, login, labelled_event, organiser,
                                            committee):
    event = labelled_event()
    login(organiser)
    response = client.post_form(page_url(event), form_data(), token_from="/")
    assert response.status_code == 302
    saved = application_of(db, event)
    assert saved.status == ApplicationStatus.SUBMITTED
    assert (saved.total_cost_cents, saved.region_share_cents, saved.other_revenues_cents) == (
        1_500_000, 750_000, 750_000)
    assert [d.url for d in saved.documents] == ["https://example.org/budget.pdf"]
    page = text_of(client.get(page_url(event), headers=EN))
    assert "Awaiting the committee" in page and 'name="action"' not in page


def test_check_shows_the_verdict_and_saves_nothing(client, db, login, labelled_event, organiser):
    event = labelled_event()
    login(organiser)
    response = client.post_form(page_url(event), form_data("check"), token_from="/",
                                headers=EN)
    page = text_of(response)
    assert response.status_code == 200
    assert "Maximum Region share for this cost: €7,500.00" in page
    assert "it can be submitted" in page
    assert application_of(db, event) is None


def test_add_lines_keeps_everything_typed(client, db, login, labelled_event, organiser):
    event = labelled_event()
    login(organiser)
    response = client.post_form(page_url(event), form_data(
        "add_lines", **{"expenses-1-amount": "pas lisible"}), token_from="/")
    page = text_of(response)
    assert response.status_code == 200
    assert 'value="pas lisible"' in page and 'value="Location de la salle"' in page
    assert 'name="expenses-5-amount"' in page  # three rows more than the three posted
    assert application_of(db, event) is None


def test_save_the_draft_with_rules_broken_then_edit_it(client, db, login, labelled_event,
                                                       organiser):
    event = labelled_event()
    login(organiser)
    response = client.post_form(page_url(event), form_data("save", region_share="9 000"),
                                token_from="/")
    assert response.status_code == 302
    assert application_of(db, event).status == ApplicationStatus.DRAFT
    page = text_of(client.get(page_url(event)))
    assert 'value="9000,00"' in page and 'value="Location de la salle"' in page


# --- the committee ------------------------------------------------------------------------

def test_the_queue_and_the_review_page(client, login, submitted_application, committee):
    submitted = submitted_application(documents=[
        DocumentInput("Budget prévisionnel", "https://example.org/budget.pdf")])
    login(committee)
    queue = text_of(client.get("/aid/applications", headers=EN))
    assert f"/aid/applications/{submitted.id}" in queue
    assert "/aid/applications" in text_of(client.get("/", headers=EN))  # in the header
    review = text_of(client.get(f"/aid/applications/{submitted.id}", headers=EN))
    assert "Location de la salle" in review and "Département de la Somme" in review
    assert "Maximum Region share for this cost: €7,500.00" in review
    assert 'href="https://example.org/budget.pdf"' in review
    assert "Conforme à la charte." in review  # the label's decision
    assert f"/events/{submitted.event_id}" in review


def test_non_committee_users_get_403(client, login, submitted_application, organiser):
    submitted = submitted_application()
    login(organiser)
    assert client.get("/aid/applications").status_code == 403
    assert client.get(f"/aid/applications/{submitted.id}").status_code == 403
    for action, data in (("grant", {"operating": "100"}), ("refuse", {"reason": "Non"}),
                         ("changes", {"note": "Plus"})):
        response = client.post_form(f"/aid/applications/{submitted.id}/{action}", data)
        assert response.status_code == 403, action


def test_grant_through_the_form(client, db, login, submitted_application, committee,
                                organiser, envelopes_2016):
    submitted = submitted_application()
    login(committee)
    response = client.post_form(f"/aid/applications/{submitted.id}/grant", {
        "investment": "2 500", "operating": "5 000,00",
        "investment_envelope": str(envelopes_2016[PIC_INV].id),
        "operating_envelope": str(envelopes_2016[PIC_OP].id)})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Envelope, envelopes_2016[PIC_OP].id).committed_cents == 500_000
    assert db.session.get(CofundingApplication, submitted.id).status == ApplicationStatus.GRANTED
    client.post_form("/logout")
    login(organiser)
    page = text_of(client.get(f"/events/{submitted.event_id}/cofunding"))
    assert "Demande accordée" in page
    assert "2\u202f500,00\u00a0€" in page and "5\u202f000,00\u00a0€" in page
    assert f"INSPIR-2016-COF-{submitted.id}" in page


def test_grant_beyond_the_envelope_says_what_is_left(client, db, login, submitted_application,
                                                     committee, envelopes_2016):
    submitted = submitted_application()
    aid_envelopes.commit(committee, envelopes_2016[PIC_OP].id, 20_000_000 - 30_000, "event", 0)
    login(committee)
    response = client.post_form(f"/aid/applications/{submitted.id}/grant", {
        "investment": "", "operating": "5 000"}, headers=EN)
    page = text_of(response)
    assert response.status_code == 422
    assert "has only €300.00 left" in page
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AidGrant)) == 0
    assert db.session.get(CofundingApplication, submitted.id).status == ApplicationStatus.SUBMITTED


def test_refuse_and_ask_for_changes_need_their_text(client, db, login, submitted_application,
                                                    committee, organiser):
    submitted = submitted_application()
    login(committee)
    url = f"/aid/applications/{submitted.id}"
    assert client.post_form(f"{url}/refuse", {"reason": ""}).status_code == 422
    assert client.post_form(f"{url}/changes", {"note": "Ajoutez le devis."}).status_code == 302
    db.session.rollback()
    assert db.session.get(CofundingApplication, submitted.id).status == \
        ApplicationStatus.CHANGES_REQUESTED
    client.post_form("/logout")
    login(organiser)
    page = text_of(client.get(f"/events/{submitted.event_id}/cofunding"))
    assert "Ajoutez le devis." in page and 'value="submit"' in page


def test_a_delegated_member_grants_on_their_sub_envelope_not_the_top_level(
        client, db, login, submitted_application, make_user, envelopes_2016, committee):
    submitted = submitted_application()
    admin = make_user(roles=(Role.ADMIN,))
    top = envelopes_2016[PIC_INV].id
    sub = aid_envelopes.delegate(admin, top, "Amiens Métropole", 1_000_000)
    member = make_user()
    with client.application.test_request_context():  # it links to the dashboard
        delegation.add_member(admin, sub.id, member.email)
        entrusting.entrust(committee, submitted.id, sub.id)  # its deciders decide on it
    login(member)
    assert f"/aid/applications/{submitted.id}" in text_of(client.get("/aid/applications"))
    url = f"/aid/applications/{submitted.id}/grant"
    response = client.post_form(url, {"investment": "1 000", "investment_envelope": str(top)})
    assert response.status_code == 403
    response = client.post_form(url, {"investment": "1 000", "investment_envelope": str(sub.id)})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Envelope, sub.id).committed_cents == 100_000
