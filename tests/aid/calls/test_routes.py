"""The calls' pages end to end: the public list and page, the committee preparing and
opening a call, the applicant's form (a refusal under its field, what was typed kept),
the jury's scoring page and ranking, and the privacy of the scores before and after the
results are published."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inspir_events.aid.calls import decisions
from inspir_events.aid.calls import services as calls
from inspir_events.aid.calls.models import Call, CallApplication
from inspir_events.aid.calls.rules import ApplicationStatus, CallStatus
from inspir_events.aid.jury import services as jury
from inspir_events.aid.jury.models import JuryScore
from inspir_events.aid.jury.rules import CRITERION_CODES
from inspir_events.aid.years import services as aid_years
from inspir_events.timeutil import utc_to_paris, utcnow
from tests.aid.calls.conftest import all_scores


def test_the_public_sees_open_calls_not_drafts(db, client, call_setup, committee):
    draft = calls.create_call(committee, calls.CallInput(
        title="Appel en préparation", text="", year=aid_years.today().year,
        opens_at=utcnow(), closes_at=utcnow() + timedelta(days=3)))
    listing = client.get("/aid/calls").get_data(as_text=True)
    assert "Appel santé rurale" in listing and "Appel en préparation" not in listing
    assert client.get(f"/aid/calls/{draft.id}").status_code == 404
    page = client.get(f"/aid/calls/{call_setup.call.id}").get_data(as_text=True)
    assert "<strong>appel</strong>" in page


def test_the_committee_prepares_and_opens_a_call(db, client, login, committee, envelopes_now):
    login(committee)
    now = utc_to_paris(utcnow())
    envelope = next(iter(envelopes_now.values()))
    form = {"title": "Appel mobilité", "text": "Texte", "year": str(aid_years.today().year),
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "allows_experimentation": "y", "envelopes": str(envelope.id)}
    refused = client.post_form("/aid/calls/new", form, token_from="/aid/calls/new")
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "se clôt après son ouverture." in body and "Appel mobilité" in body
    form["closes_at"] = (now + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    created = client.post_form("/aid/calls/new", form, token_from="/aid/calls/new")
    assert created.status_code == 303
    call = db.session.scalar(select(Call).where(Call.title == "Appel mobilité"))
    opened = client.post_form(f"/aid/calls/{call.id}/open", {},
                              token_from=f"/aid/calls/{call.id}")
    assert opened.status_code == 303
    db.session.expire_all()
    assert db.session.get(Call, call.id).status == CallStatus.OPEN


def test_the_applicant_form_keeps_what_was_typed_and_says_what_is_wrong(
        db, client, login, call_setup):
    login(call_setup.lead)
    page = (f"/aid/calls/{call_setup.call.id}/apply/{call_setup.project.id}/"
            "experimentation")
    assert "expérimentation" in client.get(page).get_data(as_text=True)
    form = {"description": "Notre expérimentation", "beneficiary_name": "Asso",
            "beneficiary_id": "73282932000074", "operating": "6 000", "investment": "0",
            "expenses-0-label": "Animation", "expenses-0-amount": "6 000",
            "expenses-0-section": "operating", "action": "submit"}
    refused = client.post_form(page, form, token_from=page)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "dépasse le plafond" in body and "Notre expérimentation" in body
    form.update({"operating": "4 000", "expenses-0-amount": "4 000"})
    sent = client.post_form(page, form, token_from=page)
    assert sent.status_code == 303
    application = db.session.scalar(select(CallApplication))
    assert application.status == ApplicationStatus.SUBMITTED
    assert "Notre expérimentation" in client.get(
        f"/aid/calls/applications/{application.id}").get_data(as_text=True)


def _score_form() -> dict:
    return {**{f"score_{code}": "4" for code in CRITERION_CODES},
            "comment_co_design": "Un commentaire privé du jury."}


def test_scores_are_private_before_and_only_the_ranking_is_public_after(
        db, client, login, call_setup, submitted, make_user):
    """An applicant (or anyone outside the jury and the committee) gets 403 on the jury's
    pages before the results; afterwards the call's page shows the mean and spread, never
    a member's score or comment."""
    application = submitted()
    member = call_setup.members[0]
    login(member)
    page = f"/aid/jury/call/{call_setup.call.id}/applications/{application.id}"
    assert client.post_form(page, _score_form(), token_from=page).status_code == 303
    assert db.session.scalar(select(JuryScore.comment).where(
        JuryScore.criterion == "co_design")) == "Un commentaire privé du jury."
    ranking = client.get(f"/aid/jury/call/{call_setup.call.id}").get_data(as_text=True)
    assert "4,0" in ranking
    assert "Un commentaire privé du jury." in client.get(page).get_data(as_text=True)
    client.post_form("/logout", {}, token_from="/")
    login(call_setup.lead)
    assert client.get(f"/aid/jury/call/{call_setup.call.id}").status_code == 403
    assert client.get(page).status_code == 403
    second = call_setup.members[1]
    jury.score(second, calls.JURY_SUBJECT, call_setup.call.id, application.id,
               all_scores(2))
    calls.close_call(call_setup.committee, call_setup.call.id)
    decisions.refuse(call_setup.committee, application.id, "Budget épuisé.")
    calls.publish_results(call_setup.committee, call_setup.call.id)
    public = client.get(f"/aid/calls/{call_setup.call.id}").get_data(as_text=True)
    assert 'id="results"' in public and "3,0" in public and "1,0" in public
    assert "Un commentaire privé du jury." not in public
    assert client.get(page).status_code == 403  # the scores stay private after, too
    detail = client.get(f"/aid/calls/applications/{application.id}").get_data(as_text=True)
    assert "Classement du jury" in detail and "Un commentaire privé" not in detail


def test_the_committee_decides_from_the_application_page(
        db, client, login, call_setup, submitted, scored):
    application = submitted()
    scored(application, 4, 3)
    login(call_setup.committee)
    page = f"/aid/calls/applications/{application.id}"
    assert 'id="decide-title"' in client.get(page).get_data(as_text=True)
    response = client.post_form(f"{page}/grant", {"operating": "4 000", "investment": "1 000"},
                                token_from=page)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(CallApplication, application.id).status == ApplicationStatus.GRANTED
