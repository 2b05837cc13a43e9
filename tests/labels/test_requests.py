"""Asking for the INS'pir label against the charter; the committee's audited decision."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role
from inspir_events.audit.models import AuditEntry
from inspir_events.events import services as events
from inspir_events.labels import services
from inspir_events.labels.charter import PRINCIPLE_CODES, LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.notifications.models import Notification
from tests.events.conftest import text_of
from tests.pages import parse


def ask(client, event_id, answers):
    url = f"/events/{event_id}/label"
    return client.post_form(url, answers, token_from=url)


def decide(client, request_id, decision, reason):
    data = {"reason": reason}
    if decision:
        data["decision"] = decision
    return client.post_form(f"/committee/labels/{request_id}/decide", data,
                            token_from="/committee/labels")


def requests_of(db) -> list[LabelRequest]:
    return list(db.session.scalars(select(LabelRequest).order_by(LabelRequest.id)))


def audit(db, action) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def committee_client(app, login, member):
    browser = app.test_client()
    login(member, on=browser)
    return browser


def test_an_organiser_asks_for_the_label(client, db, login, organiser, make_event, answers,
                                         committee_client):
    event = make_event(title="Hackathon des aidants")
    login(organiser)
    page = parse(client.get(f"/events/{event.id}").get_data(as_text=True))
    assert page.find("a", href=f"/events/{event.id}/label") is not None
    response = ask(client, event.id, answers)
    assert response.status_code == 302 and response.headers["Location"] == f"/events/{event.id}"
    detail = text_of(client.get(f"/events/{event.id}"))
    assert "Votre demande de label est transmise au comité." in detail
    assert "en attente de la décision du comité." in detail
    (request,) = requests_of(db)
    assert request.subject_type == SubjectType.EVENT and request.subject_id == event.id
    assert request.subject_title == "Hackathon des aidants"
    assert request.subject_url == f"/events/{event.id}"
    assert request.requested_by_id == organiser.id and request.status == LabelStatus.REQUESTED
    assert request.answers == answers
    (entry,) = audit(db, "label.request")
    assert entry.actor_id == organiser.id and entry.object_id == str(event.id)
    assert entry.object_type == "event" and entry.details == {"label_request": request.id}
    # the committee sees it with the answers
    queue = committee_client.get("/committee/labels")
    assert queue.status_code == 200
    doc = parse(queue.get_data(as_text=True))
    card = doc.by_id(f"req-{request.id}").parent
    assert card.find("a", href=f"/events/{event.id}").text == "Hackathon des aidants"
    assert [dd.text for dd in card.find_all("dd")] == [answers[c] for c in PRINCIPLE_CODES]
    assert "Demandée par Olivia Organisatrice" in card.text


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_justification_is_refused(client, db, login, organiser, make_event, answers,
                                           blank):
    event = make_event()
    login(organiser)
    response = ask(client, event.id, dict(answers, subsidiarity=blank))
    assert response.status_code == 422
    doc = parse(response.get_data(as_text=True))
    assert doc.by_id("subsidiarity-error").text == "Justifiez ce principe en quelques phrases."
    assert doc.find("textarea", name="collective").text == answers["collective"]
    assert requests_of(db) == []
    assert audit(db, "label.request") == []


def test_the_service_refuses_missing_answers_too(db, organiser, make_event, answers):
    event = make_event()
    with pytest.raises(services.LabelError) as refused:
        events.request_label(organiser, event.id, dict(answers, open_innovation=" "), "/x")
    assert refused.value.field == "open_innovation"
    db.session.rollback()
    assert requests_of(db) == []


def test_only_the_events_organisers_ask(app, client, db, login, make_user, make_event, answers):
    event = make_event()
    for who in (make_user(), make_user(roles=(Role.ORGANISER,)),
                make_user(roles=(Role.COMMITTEE,))):
        browser = app.test_client()
        login(who, on=browser)
        assert browser.get(f"/events/{event.id}/label").status_code == 403
        response = browser.post_form(f"/events/{event.id}/label", answers,
                                     token_from=f"/events/{event.id}")
        assert response.status_code == 403
    assert requests_of(db) == []


def test_a_cancelled_event_cannot_ask(client, db, login, organiser, make_event, answers):
    event = make_event(cancelled=True)
    login(organiser)
    response = ask(client, event.id, answers)
    assert response.status_code == 409  # the refusal's own status (EventConflict)
    assert "Un événement annulé ne peut pas demander le label." in text_of(response)
    assert requests_of(db) == []


@pytest.mark.parametrize("roles", [(), (Role.ORGANISER,), (Role.ADMIN,)])
def test_only_committee_members_decide(app, db, login, make_user, make_event, organiser,
                                       answers, roles):
    event = make_event()
    request = events.request_label(organiser, event.id, answers, f"/events/{event.id}")
    browser = app.test_client()
    login(make_user(roles=roles), on=browser)
    assert browser.get("/committee/labels").status_code == 403
    response = browser.post_form(f"/committee/labels/{request.id}/decide",
                                 {"decision": "grant", "reason": "Très bien."},
                                 token_from=f"/events/{event.id}")
    assert response.status_code == 403
    assert db.session.get(LabelRequest, request.id).status == LabelStatus.REQUESTED
    with pytest.raises(services.LabelNotAllowed):
        services.decide(make_user(roles=roles), request.id, True, "Très bien.")
    assert audit(db, "label.grant") == []


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/committee/labels")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.fixture
def pending(db, organiser, make_event, answers):
    event = make_event(title="Atelier labellisable")
    request = events.request_label(organiser, event.id, answers, f"/events/{event.id}")
    return event, request


@pytest.mark.parametrize(("decision", "reason"), [
    ("grant", ""), ("grant", "   "), ("refuse", ""), (None, "Pas de décision."),
])
def test_a_decision_needs_a_choice_and_a_reason(db, committee_client, pending, decision,
                                                reason):
    _, request = pending
    response = decide(committee_client, request.id, decision, reason)
    assert response.status_code == 302
    assert "Choisissez une décision et indiquez un motif." in text_of(
        committee_client.get("/committee/labels"))
    assert db.session.get(LabelRequest, request.id).status == LabelStatus.REQUESTED
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action.in_(["label.grant", "label.refuse"]))) == 0


def test_the_service_refuses_a_blank_reason(db, member, pending):
    _, request = pending
    with pytest.raises(services.LabelError):
        services.decide(member, request.id, True, "  ")
    db.session.rollback()
    assert db.session.get(LabelRequest, request.id).status == LabelStatus.REQUESTED


def test_granting_is_audited_notified_and_shown(client, db, login, organiser, member,
                                                committee_client, make_event, pending):
    event, request = pending
    make_event(title="Atelier sans label")
    response = decide(committee_client, request.id, "grant", "Charte bien suivie.")
    assert response.status_code == 302
    queue = text_of(committee_client.get("/committee/labels"))
    assert "Label attribué à «\u00a0Atelier labellisable\u00a0»." in queue
    assert "Aucune demande n’attend de décision." in queue
    assert "Charte bien suivie." in parse(queue).by_id("decided-title").parent.text
    fresh = db.session.get(LabelRequest, request.id)
    assert fresh.status == LabelStatus.GRANTED and fresh.reason == "Charte bien suivie."
    assert fresh.decided_by_id == member.id and fresh.decided_at is not None
    (entry,) = audit(db, "label.grant")
    assert entry.actor_id == member.id and entry.at is not None
    assert (entry.object_type, entry.object_id) == ("event", str(event.id))
    assert entry.details == {"label_request": request.id, "before": "requested",
                             "after": "granted", "reason": "Charte bien suivie."}
    (note,) = db.session.scalars(select(Notification).where(
        Notification.user_id == organiser.id))
    assert note.kind == "label.granted" and note.url == f"/events/{event.id}"
    # the badge on the event page and in the listing, and the filter
    page = parse(client.get(f"/events/{event.id}").get_data(as_text=True))
    assert page.find("span", class_="label-badge").text == "Label INS'pir"
    listing = parse(client.get("/events").get_data(as_text=True))
    cards = {c.find("h3").text: c for c in listing.find_all("article", class_="event-card")}
    assert cards["Atelier labellisable"].find("span", class_="label-badge") is not None
    assert cards["Atelier sans label"].find("span", class_="label-badge") is None
    labelled = parse(client.get("/events?labelled=1").get_data(as_text=True))
    assert [c.find("h3").text for c in labelled.find_all("article", class_="event-card")] == [
        "Atelier labellisable"]
    # a labelled event does not ask again
    login(organiser)
    with pytest.raises(services.LabelConflict):
            events.request_label(organiser, event.id, fresh.answers, "/x")


def test_refusing_is_audited_notified_and_allows_a_new_request(client, db, login, organiser,
                                                               member, committee_client,
                                                               pending, answers):
    event, request = pending
    # while pending, a second request is refused
    login(organiser)
    response = ask(client, event.id, answers)
    assert response.status_code == 409  # the refusal's own status (LabelConflict)
    assert "Une demande de label a déjà été acceptée ou attend une décision." in text_of(response)
    assert len(requests_of(db)) == 1
    # the committee refuses
    decide(committee_client, request.id, "refuse", "Pas assez d’habitants impliqués.")
    (entry,) = audit(db, "label.refuse")
    assert entry.actor_id == member.id
    assert entry.details["before"] == "requested" and entry.details["after"] == "refused"
    (note,) = db.session.scalars(select(Notification).where(
        Notification.user_id == organiser.id))
    assert note.kind == "label.refused"
    assert note.params["reason"] == "Pas assez d’habitants impliqués."
    assert "Pas assez d’habitants impliqués." in text_of(client.get("/notifications"))
    page = parse(client.get(f"/events/{event.id}").get_data(as_text=True))
    assert page.find("span", class_="label-badge") is None
    assert "refusé." in page.find("section", class_="organiser-tools").text
    assert client.get("/events?labelled=1").get_data(as_text=True).count("event-card") == 0
    # deciding twice is refused
    decide(committee_client, request.id, "grant", "Finalement oui.")
    assert "Cette demande a déjà fait l’objet d’une décision." in text_of(
        committee_client.get("/committee/labels"))
    assert db.session.get(LabelRequest, request.id).status == LabelStatus.REFUSED
    # after a refusal, a new request is allowed
    assert ask(client, event.id, answers).status_code == 302
    assert [r.status for r in requests_of(db)] == [LabelStatus.REFUSED, LabelStatus.REQUESTED]
