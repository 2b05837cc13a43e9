"""Nobody decides on a label they asked for, nor on the label of what they are party to
(« déport »): the requester and the labelled subject's parties (an event's organisers,
co-organisers included) are recused; so is a member who declared a conflict. The queue
shows them why instead of the decision's form; the route answers 403, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import Role
from inspir_events.audit.models import AuditEntry
from inspir_events.events import services as events
from inspir_events.labels import services
from inspir_events.labels.charter import LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.recusal import services as recusal
from tests.events.conftest import text_of

QUEUE = "/committee/labels"


def status_of(db, request_id: int) -> LabelStatus:
    db.session.rollback()
    return db.session.get(LabelRequest, request_id).status


def decide(client, request_id: int, decision: str = "grant", reason: str = "Conforme."):
    data = {"reason": reason}
    if decision:
        data["decision"] = decision
    return client.post_form(f"{QUEUE}/{request_id}/decide", data, token_from=QUEUE)


def test_a_requester_on_the_committee_cannot_decide_their_own_label(
        db, client, login, make_user, make_event, member, answers):
    both = make_user(display_name="Odile, organisatrice et membre du comité",
                     roles=(Role.ORGANISER, Role.COMMITTEE))
    event = make_event(by=both)
    request = events.request_label(both, event.id, answers, f"/events/{event.id}")
    with pytest.raises(recusal.Recused):
        services.decide(both, request.id, True, "Je me labellise.")
    login(both)
    page = text_of(client.get(QUEUE))
    assert f'action="{QUEUE}/{request.id}/decide"' not in page
    assert f'id="recused-{request.id}"' in page
    assert "Vous êtes partie prenante de cette demande de label" in page
    response = decide(client, request.id)
    assert response.status_code == 403
    response = decide(client, request.id, decision="", reason="")  # refused before the form
    assert response.status_code == 403
    assert status_of(db, request.id) == LabelStatus.REQUESTED
    attempts = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "recusal.refused")).all()
    assert [(e.actor_id, e.object_type, e.object_id) for e in attempts] == [
        (both.id, "label_request", str(request.id))] * 3
    services.decide(member, request.id, True, "Conforme à la charte.")  # another member
    assert status_of(db, request.id) == LabelStatus.GRANTED


def test_a_co_organiser_on_the_committee_cannot_decide_the_events_label(
        db, make_event, organiser, member, answers):
    event = make_event(by=organiser)
    request = events.request_label(organiser, event.id, answers, f"/events/{event.id}")
    events.add_organiser(organiser, event.id, member.email)
    assert recusal.parties("label_request", request.id) == {organiser.id, member.id}
    with pytest.raises(recusal.Recused):
        services.decide(member, request.id, True, "Conforme.")
    assert status_of(db, request.id) == LabelStatus.REQUESTED


def test_a_member_declares_a_conflict_from_the_queue(db, client, login, make_event,
                                                    organiser, member, answers):
    event = make_event(by=organiser)
    request = events.request_label(organiser, event.id, answers, f"/events/{event.id}")
    login(member)
    page = text_of(client.get(QUEUE))
    assert f'action="{QUEUE}/{request.id}/decide"' in page
    declare = f"/conflicts/label_request/{request.id}"
    assert f'action="{declare}"' in page
    response = client.post_form(declare, {"reason": "L'association de ma sœur."},
                                token_from=QUEUE)
    assert response.status_code == 303 and response.headers["Location"].endswith(QUEUE)
    page = text_of(client.get(QUEUE))
    assert "Vous avez déclaré un conflit d’intérêts sur cette demande de label" in page
    assert f'action="{QUEUE}/{request.id}/decide"' not in page
    assert decide(client, request.id).status_code == 403
    assert status_of(db, request.id) == LabelStatus.REQUESTED


def test_a_structure_on_the_committee_does_not_label_itself(db, make_user, member, answers):
    structure = make_user(roles=(Role.SUPPORT_STRUCTURE, Role.COMMITTEE))
    request = services.request_for(structure, SubjectType.SUPPORT_STRUCTURE, structure.id,
                                   answers)
    with pytest.raises(recusal.Recused):
        services.decide(structure, request.id, False, "Je me refuse.")
    services.decide(member, request.id, True, "Conforme.")
    assert status_of(db, request.id) == LabelStatus.GRANTED
