"""Nobody decides on a co-funding application they are party to (« déport », issue 16).

The reproduced scenario: co-organisers are added by e-mail with no role needed, so a
person who decides on an envelope, once made co-organiser of an event, granted that
event's application to themselves (302, envelope debited). Now the platform finds the
link itself: the decision buttons are not shown, the route answers 403, nothing is
granted or debited, and the attempt is in the audit log. A member may also declare a
conflict of their own, which recuses them the same way.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role
from inspir_events.aid.cofunding import decisions, entrusting
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.envelopes import delegation
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.models import AidGrant
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.audit.models import AuditEntry
from inspir_events.events import services as event_services
from inspir_events.recusal import services as recusal
from inspir_events.recusal.models import DeclaredConflict
from tests.events.conftest import text_of

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
PIC_INV = (FormerRegion.PICARDIE, Section.INVESTMENT)
PIC_OP = (FormerRegion.PICARDIE, Section.OPERATING)
GRANT = {"investment": "2 500", "operating": "5 000"}  # within the rules: 7,500 € of 15,000 €


def committed(db, *envelope_ids) -> list[int]:
    db.session.rollback()
    return [db.session.get(Envelope, i).committed_cents for i in envelope_ids]


def status_of(db, application_id: int) -> ApplicationStatus:
    db.session.rollback()
    return db.session.get(CofundingApplication, application_id).status


def entries(db, action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def grants(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AidGrant))


@BACKENDS
def test_a_committee_member_made_co_organiser_cannot_grant_themselves_the_co_funding(
        app, db, backend, client, login, organiser, committee, submitted_application,
        envelopes_2016):
    submitted = submitted_application()
    envelopes = envelopes_2016[PIC_INV].id, envelopes_2016[PIC_OP].id
    # The creator adds the committee member as co-organiser: no role is needed for that.
    event_services.add_organiser(organiser, submitted.event_id, committee.email)
    login(committee)
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    assert f'action="/aid/applications/{submitted.id}/grant"' not in review
    assert 'id="recused"' in review and "partie prenante" in review
    response = client.post_form(f"/aid/applications/{submitted.id}/grant", GRANT)
    assert response.status_code == 403
    assert "Vous êtes partie prenante de cette demande de cofinancement" in text_of(response)
    assert grants(db) == 0 and committed(db, *envelopes) == [0, 0]
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    (entry,) = entries(db, "recusal.refused")  # kept although the decision rolled back
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        committee.id, "cofunding_application", str(submitted.id))
    assert entry.details == {"attempted": "application.grant", "reason": "party"}
    assert entries(db, "application.grant") == []
    # Refusing or sending back is deciding too; so is the use case called directly.
    assert client.post_form(f"/aid/applications/{submitted.id}/refuse",
                            {"reason": "Non."}).status_code == 403
    assert client.post_form(f"/aid/applications/{submitted.id}/changes",
                            {"note": ""}).status_code == 403  # refused before the form
    with pytest.raises(recusal.Recused):
        decisions.grant(committee, submitted.id, decisions.GrantInput(operating_cents=500_000))
    assert grants(db) == 0 and committed(db, *envelopes) == [0, 0]
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    assert len(entries(db, "recusal.refused")) == 4


def test_a_delegated_decider_made_co_organiser_cannot_grant_from_their_envelope(
        app, db, client, login, organiser, committee, make_user, submitted_application,
        envelopes_2016):
    submitted = submitted_application()
    admin = make_user(roles=(Role.ADMIN,))
    sub = aid_envelopes.delegate(admin, envelopes_2016[PIC_OP].id, "Amiens Métropole",
                                 2_000_000)
    decider = make_user(display_name="Denis Décideur")
    delegation.add_member(admin, sub.id, decider.email)
    entrusting.entrust(committee, submitted.id, sub.id)
    event_services.add_organiser(organiser, submitted.event_id, decider.email)
    login(decider)
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    assert 'id="recused"' in review and "/grant" not in review
    response = client.post_form(f"/aid/applications/{submitted.id}/grant",
                                {"operating": "5 000", "operating_envelope": str(sub.id)})
    assert response.status_code == 403
    assert grants(db) == 0 and committed(db, sub.id) == [0]
    assert [e.actor_id for e in entries(db, "recusal.refused")] == [decider.id]


def test_the_applicant_on_the_committee_decides_nothing_on_their_own_application(
        db, make_user, labelled_event, envelopes_2016, committee, in_session):
    from inspir_events.aid.cofunding import services as applications
    from tests.aid.conftest import application_input

    both = make_user(display_name="Odile Organisatrice et membre du comité",
                     roles=(Role.ORGANISER, Role.COMMITTEE))
    event = labelled_event(by=both)
    submitted = applications.submit(both, event.id, application_input())
    in_session(submitted)
    for attempt in (lambda: decisions.refuse(both, submitted.id, "Je me refuse."),
                    lambda: decisions.ask_changes(both, submitted.id, "Je me corrige."),
                    lambda: decisions.grant(both, submitted.id,
                                            decisions.GrantInput(operating_cents=100_000))):
        with pytest.raises(recusal.Recused):
            attempt()
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    decisions.refuse(committee, submitted.id, "Hors critères.")  # another member decides
    assert status_of(db, submitted.id) == ApplicationStatus.REFUSED


def test_a_declared_conflict_recuses_the_member(db, client, login, committee, committee2,
                                               submitted_application, organiser):
    submitted = submitted_application()
    login(committee)
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    declare = f"/conflicts/cofunding_application/{submitted.id}"
    assert f'action="{declare}"' in review and "Déclarer un conflit d’intérêts" in review
    assert f'action="/aid/applications/{submitted.id}/grant"' in review
    response = client.post_form(declare, {"reason": "Je suis adhérente de l'association."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/aid/applications/{submitted.id}")
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    assert "Vous avez déclaré un conflit d’intérêts" in review
    assert f'action="/aid/applications/{submitted.id}/refuse"' not in review
    assert f'action="{declare}"' not in review
    assert client.post_form(f"/aid/applications/{submitted.id}/refuse",
                            {"reason": "Non."}).status_code == 403
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    decisions.ask_changes(committee2, submitted.id, "Ajoutez le devis.")  # the other one may
    assert status_of(db, submitted.id) == ApplicationStatus.CHANGES_REQUESTED


def test_only_deciders_declare_a_conflict_and_a_reason_is_needed(
        db, client, login, committee, organiser, submitted_application):
    submitted = submitted_application()
    declare = f"/conflicts/cofunding_application/{submitted.id}"
    assert client.post_form(declare, {"reason": "Moi."}).status_code == 302  # to log in
    login(organiser)
    assert client.post_form(declare, {"reason": "Je l'organise."}).status_code == 403
    client.post_form("/logout")
    login(committee)
    assert client.post_form(f"/conflicts/sandwich/{submitted.id}",
                            {"reason": "Moi."}).status_code == 404
    response = client.post_form(declare, {"reason": "   "})
    assert response.status_code == 303  # back to the page, the message flashed
    page = text_of(client.get(response.headers["Location"]))
    assert "Dites en quelques mots ce qui vous y lie." in page
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(DeclaredConflict)) == 0
    assert 'id="recused"' not in page
