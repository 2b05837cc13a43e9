"""Delegated envelopes decide only on what the Region's committee entrusts to them.

The reproduced scenario (issue 16): the decider of a delegated envelope (a citizen
named on a 20,000 € sub-envelope) could refuse, or send back, any application of the
envelope's former region and year, although docs/aid.md says they decide only within
their sub-envelope. Now the committee entrusts an application to a delegated envelope
of the same year and former region (audited, its deciders notified) and can take it
back; the envelope's deciders see, review and decide only on what is entrusted to
them, and grant only from that envelope.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role
from inspir_events.aid.cofunding import decisions, entrusting
from inspir_events.aid.cofunding import services as applications
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.envelopes import delegation
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.models import AidGrant
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.audit.models import AuditEntry
from inspir_events.notifications.models import Notification
from tests.events.conftest import text_of

PIC_OP = (FormerRegion.PICARDIE, Section.OPERATING)
NPDC_OP = (FormerRegion.NPDC, Section.OPERATING)


@pytest.fixture
def delegated(db, make_user, envelopes_2016):
    """``delegated(key=PIC_OP, holder=...)``: a delegated envelope and its decider."""
    admin = make_user(roles=(Role.ADMIN,))

    def build(key=PIC_OP, holder="Tiers-lieu d'Amiens"):
        sub = aid_envelopes.delegate(admin, envelopes_2016[key].id, holder, 2_000_000)
        decider = make_user(display_name=f"Décideur {holder}")
        delegation.add_member(admin, sub.id, decider.email)
        return sub, decider

    return build


def status_of(db, application_id: int) -> ApplicationStatus:
    db.session.rollback()
    return db.session.get(CofundingApplication, application_id).status


def envelope_of(db, application_id: int) -> int | None:
    db.session.rollback()
    return db.session.get(CofundingApplication, application_id).envelope_id


def test_a_delegated_decider_decides_nothing_that_is_not_entrusted_to_them(
        db, client, login, submitted_application, delegated, envelopes_2016):
    submitted = submitted_application()  # in the Somme: the envelope's former region, 2016
    sub, decider = delegated()
    assert decisions.queue(decider) == [] and decisions.recent_decisions(decider) == []
    for attempt in (lambda: decisions.refuse(decider, submitted.id, "Hors critères."),
                    lambda: decisions.ask_changes(decider, submitted.id, "Précisez."),
                    lambda: decisions.grant(decider, submitted.id, decisions.GrantInput(
                        operating_cents=100_000, operating_envelope_id=sub.id))):
        with pytest.raises(applications.ApplicationForbidden):
            attempt()
    login(decider)
    url = f"/aid/applications/{submitted.id}"
    assert f'href="{url}"' not in text_of(client.get("/aid/applications"))
    assert client.get(url).status_code == 403
    assert client.post_form(f"{url}/refuse", {"reason": "Hors critères."}).status_code == 403
    assert client.post_form(f"{url}/changes", {"note": "Précisez."}).status_code == 403
    assert client.post_form(f"{url}/grant", {"operating": "1 000",
                                             "operating_envelope": str(sub.id)}
                            ).status_code == 403
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    assert db.session.scalar(select(func.count()).select_from(AidGrant)) == 0
    assert db.session.get(Envelope, sub.id).committed_cents == 0


def test_the_committee_entrusts_and_the_deciders_then_decide_from_their_envelope(
        db, client, login, committee, submitted_application, delegated, envelopes_2016):
    submitted = submitted_application()
    sub, decider = delegated()
    login(committee)
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    assert f'action="/aid/applications/{submitted.id}/entrust"' in review
    assert "Déléguée à Tiers-lieu d'Amiens" in review  # the choice
    response = client.post_form(f"/aid/applications/{submitted.id}/entrust",
                                {"envelope": str(sub.id)})
    assert response.status_code == 303
    assert envelope_of(db, submitted.id) == sub.id
    (entry,) = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "application.entrust"))
    assert (entry.actor_id, entry.object_id, entry.details["after"]) == (
        committee.id, str(submitted.id), sub.id)
    (notice,) = db.session.scalars(select(Notification).where(
        Notification.user_id == decider.id, Notification.kind == "application.entrusted"))
    assert notice.url == f"/aid/applications/{submitted.id}"
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    assert "Confiée à l’enveloppe déléguée" in review
    assert f'action="/aid/applications/{submitted.id}/take-back"' in review
    client.post_form("/logout")
    login(decider)
    assert f"/aid/applications/{submitted.id}" in text_of(client.get("/aid/applications"))
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    assert "/entrust" not in review and "/take-back" not in review  # the committee's
    # Only from their envelope: the top-level one is not theirs, nor is investment.
    choices = decisions.envelope_choices(decider, db.session.get(CofundingApplication,
                                                                  submitted.id))
    assert [e.id for e in choices[Section.OPERATING]] == [sub.id]
    assert choices[Section.INVESTMENT] == []
    response = client.post_form(f"/aid/applications/{submitted.id}/grant", {
        "operating": "1 000", "operating_envelope": str(envelopes_2016[PIC_OP].id)})
    assert response.status_code == 403
    response = client.post_form(f"/aid/applications/{submitted.id}/grant", {
        "operating": "5 000", "operating_envelope": str(sub.id)})
    assert response.status_code == 302
    assert status_of(db, submitted.id) == ApplicationStatus.GRANTED
    assert db.session.get(Envelope, sub.id).committed_cents == 500_000
    assert [a.id for a in decisions.recent_decisions(decider)] == [submitted.id]


def test_only_the_committee_entrusts_to_an_envelope_of_the_same_year_and_region(
        db, client, login, committee, organiser, submitted_application, delegated,
        envelopes_2016, labelled_event):
    submitted = submitted_application()
    sub, decider = delegated()
    lille, _other = delegated(NPDC_OP, "Lille")
    for outsider in (decider, organiser):
        with pytest.raises(applications.ApplicationForbidden):
            entrusting.entrust(outsider, submitted.id, sub.id)
    login(decider)
    assert client.post_form(f"/aid/applications/{submitted.id}/entrust",
                            {"envelope": str(sub.id)}).status_code == 403
    client.post_form("/logout")
    login(committee)
    for envelope_id in (lille.id, envelopes_2016[PIC_OP].id, 999_999):
        with pytest.raises(applications.ApplicationError) as refused:
            entrusting.entrust(committee, submitted.id, envelope_id)
        assert refused.value.field == "envelope" and refused.value.status == 422
    response = client.post_form(f"/aid/applications/{submitted.id}/entrust",
                                {"envelope": str(lille.id)})
    assert response.status_code == 422
    assert "Choisissez une enveloppe déléguée de l’exercice" in text_of(response)
    # The choices are the delegated envelopes of the application's own former region.
    assert [e.id for e in entrusting.entrust_choices(submitted)] == [sub.id]
    in_lille = submitted_application(labelled_event(department_code="59",
                                                    venue_commune="Lille"))
    assert [e.id for e in entrusting.entrust_choices(in_lille)] == [lille.id]
    assert envelope_of(db, submitted.id) is None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "application.entrust")) == 0
    decisions.refuse(committee, submitted.id, "Hors critères.")
    with pytest.raises(applications.ApplicationConflict):  # decided: nothing to entrust
        entrusting.entrust(committee, submitted.id, sub.id)


def test_the_committee_takes_an_application_back(db, client, login, committee,
                                                 submitted_application, delegated):
    submitted = submitted_application()
    sub, decider = delegated()
    entrusting.entrust(committee, submitted.id, sub.id)
    login(committee)
    response = client.post_form(f"/aid/applications/{submitted.id}/take-back")
    assert response.status_code == 303
    assert envelope_of(db, submitted.id) is None
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == decider.id,
        Notification.kind == "application.taken_back")) == 1
    response = client.post_form(f"/aid/applications/{submitted.id}/take-back")
    assert response.status_code == 303  # nothing to take back: said on the page
    assert "n’est confiée à aucune enveloppe déléguée" in text_of(
        client.get(response.headers["Location"]))
    client.post_form("/logout")
    login(decider)
    assert client.get(f"/aid/applications/{submitted.id}").status_code == 403
    assert decisions.queue(decider) == []


def test_the_committee_keeps_deciding_on_an_entrusted_application(
        db, committee, submitted_application, delegated):
    submitted = submitted_application()
    sub, _decider = delegated()
    entrusting.entrust(committee, submitted.id, sub.id)
    assert [a.id for a in decisions.queue(committee)] == [submitted.id]
    decisions.ask_changes(committee, submitted.id, "Ajoutez le devis.")
    assert status_of(db, submitted.id) == ApplicationStatus.CHANGES_REQUESTED


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_taking_back_while_the_decider_decides_gives_one_of_the_two(
        app, db, backend, committee, submitted_application, delegated):
    """The decision locks the application's row and reads whom it is entrusted to after the
    lock: a decider never decides on an application the committee has just taken back,
    and the committee never takes back one the decider has just decided."""
    from inspir_events.accounts.models import User
    from inspir_events.extensions import db as _db
    from tests.conftest import run_together

    submitted = submitted_application()
    sub, decider = delegated()
    entrusting.entrust(committee, submitted.id, sub.id)
    people = [decider.id, committee.id]
    done, refused = [], []

    def act(index: int) -> None:
        person = _db.session.get(User, people[index])
        try:
            if index == 0:
                decisions.refuse(person, submitted.id, "Hors critères.")
            else:
                entrusting.take_back(person, submitted.id)
            done.append(index)
        except (applications.ApplicationForbidden, applications.ApplicationConflict):
            refused.append(index)

    errors, _elapsed = run_together(app, [act, act])
    assert errors == []
    assert len(done) == 1 and len(refused) == 1
    db.session.rollback()
    application = db.session.get(CofundingApplication, submitted.id)
    if done == [0]:  # decided first: still entrusted, refused
        assert (application.status, application.envelope_id) == (ApplicationStatus.REFUSED,
                                                                 sub.id)
    else:  # taken back first: the decider was refused
        assert (application.status, application.envelope_id) == (
            ApplicationStatus.SUBMITTED, None)
