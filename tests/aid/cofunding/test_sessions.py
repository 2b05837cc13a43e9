"""The jury of each session of co-funding applications (issue 19 §2, for co-funding).

No decision (grant, refusal, changes asked) on an application outside a session whose
jury reached its quorum and its disciplines for it, for the committee and a delegated
envelope's deciders alike; the decision cites the jury's ranking (stored, shown, audited).
A jury member party to an application, or who declared a conflict on it, is recused from
scoring it and does not count for its quorum. Scores stay private to the jury and the
committee; the published results show the ranking, not the scores.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import Role
from inspir_events.aid.cofunding import decisions, entrusting, sessions
from inspir_events.aid.cofunding.models import (
    ApplicationStatus,
    CofundingApplication,
    SessionStatus,
)
from inspir_events.aid.cofunding.services import ApplicationConflict, ApplicationError
from inspir_events.aid.envelopes import delegation
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.jury import services as jury
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.audit.models import AuditEntry
from inspir_events.events import services as event_services
from inspir_events.recusal import services as recusal
from tests.aid.conftest import score_all
from tests.events.conftest import text_of

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
PIC_OP = (FormerRegion.PICARDIE, Section.OPERATING)
GRANT = {"investment": "2 500", "operating": "5 000"}  # 7,500 € of 15,000 €: within the rules
DECISIONS = {
    "grant": lambda member, app_id: decisions.grant(
        member, app_id, decisions.GrantInput(investment_cents=250_000,
                                             operating_cents=500_000)),
    "refuse": lambda member, app_id: decisions.refuse(member, app_id, "Hors critères."),
    "changes": lambda member, app_id: decisions.ask_changes(member, app_id, "Précisez."),
}


def status_of(db, application_id: int) -> ApplicationStatus:
    db.session.rollback()
    return db.session.get(CofundingApplication, application_id).status


def entries(db, action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


# --- No decision without a quorate jury ----------------------------------------------------

@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_a_decision_is_refused_for_an_application_in_no_session(
        db, committee, submitted_application, decision):
    submitted = submitted_application(juried=False)
    with pytest.raises(ApplicationConflict) as refused:
        DECISIONS[decision](committee, submitted.id)
    assert refused.value.code == "no_session" and refused.value.status == 409
    assert "dans aucune session" in str(refused.value.message)
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    assert entries(db, "application.grant") == entries(db, "application.refuse") == []


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_a_decision_is_refused_until_the_jury_reaches_its_quorum(
        db, committee, jurors, submitted_application, in_session, decision):
    submitted = submitted_application(juried=False)
    session = in_session(submitted, scores=(4, None))  # one juror of two scored
    with pytest.raises(jury.QuorumNotReached) as refused:
        DECISIONS[decision](committee, submitted.id)
    assert refused.value.status == 409
    message = str(refused.value.message)
    assert "n’a pas atteint son quorum" in message or "quorum" in message
    assert refused.value.verdict.scorers == 1
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    score_all(jurors[1], session.id, submitted.id, 2)  # the second juror scores: quorum
    DECISIONS[decision](committee, submitted.id)
    assert status_of(db, submitted.id) != ApplicationStatus.SUBMITTED


def test_a_decision_is_refused_without_enough_disciplines(
        db, committee, make_user, submitted_application, cofunding_session):
    submitted = submitted_application(juried=False)
    session = cofunding_session(jury_named=False)
    same = [make_user(display_name=f"Développeuse {n}") for n in (1, 2)]
    for member in same:  # two members, one discipline: the quorum of members only
        jury.name_member(committee, "cofunding_session", session.id, member.id, "digital")
    sessions.add_application(committee, session.id, submitted.id)
    for member in same:
        score_all(member, session.id, submitted.id, 4)
    with pytest.raises(jury.QuorumNotReached) as refused:
        decisions.refuse(committee, submitted.id, "Hors critères.")
    verdict = refused.value.verdict
    assert verdict.scorers == 2 and len(verdict.disciplines) == 1 and not verdict.reached
    assert [params for _message, params in verdict.missing] == [
        {"disciplines": 1, "minimum": 2}]
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    third = make_user(display_name="Habitant du quartier")
    jury.name_member(committee, "cofunding_session", session.id, third.id, "inhabitant")
    score_all(third, session.id, submitted.id, 3)
    decisions.refuse(committee, submitted.id, "Hors critères.")
    assert status_of(db, submitted.id) == ApplicationStatus.REFUSED


def test_a_closed_session_lets_no_decision_be_taken(
        db, committee, submitted_application, in_session, organiser):
    from inspir_events.aid.cofunding import services as applications
    from tests.aid.conftest import application_input

    submitted = submitted_application()
    decisions.ask_changes(committee, submitted.id, "Précisez le budget.")
    session = sessions.close_session(committee, submitted.session_id)
    assert session.status == SessionStatus.CLOSED
    again = applications.submit(organiser, submitted.event_id, application_input())
    with pytest.raises(ApplicationConflict) as refused:
        decisions.refuse(committee, again.id, "Non.")
    assert refused.value.code == "session_closed"
    # The committee puts it in a new session, whose jury scores it: then it decides.
    other = sessions.create_session(committee, sessions.SessionInput(
        "Comité de septembre 2016", 2016, date(2016, 9, 1)))
    jurors = [m.user for m in jury.jury_of("cofunding_session", session.id).members]
    for member, discipline in zip(jurors, ("digital", "territory"), strict=True):
        jury.name_member(committee, "cofunding_session", other.id, member.id, discipline)
    sessions.add_application(committee, other.id, again.id)
    for member in jurors:
        score_all(member, other.id, again.id, 3)
    decisions.refuse(committee, again.id, "Non.")
    assert status_of(db, again.id) == ApplicationStatus.REFUSED


def test_a_delegated_envelopes_decider_decides_in_the_same_conditions(
        db, committee, make_user, submitted_application, in_session, envelopes_2016):
    submitted = submitted_application(juried=False)
    admin = make_user(roles=(Role.ADMIN,))
    sub = aid_envelopes.delegate(admin, envelopes_2016[PIC_OP].id, "Amiens Métropole",
                                 2_000_000)
    decider = make_user(display_name="Denis Décideur")
    delegation.add_member(admin, sub.id, decider.email)
    entrusting.entrust(committee, submitted.id, sub.id)
    grant = decisions.GrantInput(operating_cents=500_000, operating_envelope_id=sub.id)
    with pytest.raises(ApplicationConflict) as refused:
        decisions.grant(decider, submitted.id, grant)
    assert refused.value.code == "no_session"
    in_session(submitted, scores=(5, None))
    with pytest.raises(jury.QuorumNotReached):
        decisions.grant(decider, submitted.id, grant)
    in_session(submitted, scores=(5, 4))
    granted = decisions.grant(decider, submitted.id, grant)
    assert granted.status == ApplicationStatus.GRANTED
    assert granted.jury_citation.startswith("Classement du jury : rang 1 sur 1, moyenne 4,5/5")


# --- Granted with a quorate jury, citing its ranking ------------------------------------------

def test_the_grant_cites_the_jurys_ranking_on_every_page_and_in_the_audit(
        db, client, login, committee, organiser, submitted_application):
    first = submitted_application()  # scored 4 and 3: mean 3.5, spread 0.5
    login(committee)
    review = text_of(client.get(f"/aid/applications/{first.id}"))
    assert 'id="jury-quorum"' in review and "a atteint son quorum" in review
    response = client.post_form(f"/aid/applications/{first.id}/grant", GRANT)
    assert response.status_code == 302
    db.session.expire_all()
    granted = db.session.get(CofundingApplication, first.id)
    citation = ("Classement du jury : rang 1 sur 1, moyenne 3,5/5, écart 0,5, 2 membres, "
                "2 disciplines.")
    assert granted.status == ApplicationStatus.GRANTED and granted.jury_citation == citation
    (entry,) = entries(db, "application.grant")
    assert entry.details["ranking"] == citation
    assert entry.details["session_id"] == granted.session_id
    review = text_of(client.get(f"/aid/applications/{first.id}"))
    assert 'id="jury-citation"' in review and citation in review
    client.post_form("/logout")
    login(organiser)
    page = text_of(client.get(f"/events/{first.event_id}/cofunding"))
    assert 'id="jury-citation"' in page and citation in page


def test_a_refusal_through_the_form_without_quorum_is_shown_on_the_review_page(
        db, client, login, committee, submitted_application, cofunding_session):
    submitted = submitted_application(juried=False)
    login(committee)
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    assert "dans aucune session" in review
    response = client.post_form(f"/aid/applications/{submitted.id}/refuse",
                                {"reason": "Hors critères."})
    assert response.status_code == 409
    page = text_of(response)
    assert "dans aucune session" in page and "Hors critères." in page  # what was typed kept
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    # The committee puts it in the open session from the review page.
    session = cofunding_session()
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    assert "La placer dans la session « Comité de juin 2016 »" in review
    response = client.post_form(f"/aid/sessions/{session.id}/applications",
                                {"add-application": str(submitted.id)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(CofundingApplication, submitted.id).session_id == session.id
    review = text_of(client.get(f"/aid/applications/{submitted.id}"))
    assert "pas encore atteint son quorum" in review  # nobody scored yet


def test_the_ranking_orders_the_sessions_applications(
        db, committee, jurors, submitted_application, labelled_event, in_session):
    low = submitted_application(juried=False)
    high = submitted_application(event=labelled_event(title="Forum des données"),
                                 juried=False)
    in_session(low, scores=(2, 2))
    session = in_session(high, scores=(5, 4))
    rows = jury.ranking(committee, "cofunding_session", session.id)
    assert [(r.application.id, r.result.rank) for r in rows] == [(high.id, 1), (low.id, 2)]
    refused = decisions.refuse(committee, low.id, "Moins convaincant.")
    assert refused.jury_citation.startswith("Classement du jury : rang 2 sur 2, moyenne 2,0/5")


# --- Recusal of a jury member (« déport ») ---------------------------------------------------

@BACKENDS
@pytest.mark.parametrize("link", ["co_organiser", "declared_conflict"])
def test_a_jury_member_party_to_an_application_is_recused_from_scoring_it_and_not_counted(
        app, db, backend, client, login, committee, organiser, jurors, make_user,
        submitted_application, cofunding_session, link):
    """A member of the session's jury who co-organises the event (or declared a conflict
    on its application) cannot score it (403, the attempt audited), and their scores,
    even given before, do not count for its quorum: the decision waits for another."""
    submitted = submitted_application(juried=False)
    session = cofunding_session()  # jurors: digital, inhabitant
    linked = make_user("jure.territoire@example.org", display_name="Théo Territoire")
    jury.name_member(committee, "cofunding_session", session.id, linked.id, "territory")
    sessions.add_application(committee, session.id, submitted.id)
    score_all(jurors[0], session.id, submitted.id, 4)
    score_all(linked, session.id, submitted.id, 5)  # before the link: 2 members, 2 disciplines
    assert jury.result_of("cofunding_session", session.id, jury.application_of(
        "cofunding_session", session.id, submitted.id)).quorum.reached
    if link == "co_organiser":
        event_services.add_organiser(organiser, submitted.event_id, linked.email)
    else:
        recusal.declare_conflict(linked, "cofunding_application", submitted.id,
                                 "Je préside l'association qui demande.")
    # Recused from scoring it, through the use case and the page.
    with pytest.raises(recusal.Recused):
        score_all(linked, session.id, submitted.id, 5)
    login(linked)
    page = text_of(client.get(f"/aid/jury/cofunding_session/{session.id}/applications/"
                              f"{submitted.id}"))
    assert 'id="recused"' in page and "Enregistrer mes notes" not in page
    (entry, *_rest) = entries(db, "recusal.refused")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        linked.id, "cofunding_application", str(submitted.id))
    assert entry.details["attempted"] == "jury.score"
    # Not counted for its quorum: one member, one discipline left.
    result = jury.result_of("cofunding_session", session.id, jury.application_of(
        "cofunding_session", session.id, submitted.id))
    assert (result.scorers, result.quorum.reached) == (1, False)
    with pytest.raises(jury.QuorumNotReached):
        decisions.grant(committee, submitted.id, decisions.GrantInput(operating_cents=500_000))
    assert status_of(db, submitted.id) == ApplicationStatus.SUBMITTED
    score_all(jurors[1], session.id, submitted.id, 3)  # another member scores: quorum
    granted = decisions.grant(committee, submitted.id,
                              decisions.GrantInput(operating_cents=500_000))
    assert granted.jury_citation == ("Classement du jury : rang 1 sur 1, moyenne 3,5/5, "
                                     "écart 0,5, 2 membres, 2 disciplines.")


# --- Audit ----------------------------------------------------------------------------------

def test_sessions_scores_and_decisions_are_audited(db, committee, jurors,
                                                     submitted_application):
    submitted = submitted_application()
    decisions.refuse(committee, submitted.id, "Hors critères.")
    session_id = submitted.session_id
    sessions.close_session(committee, session_id)
    sessions.publish_results(committee, session_id)
    (created,) = entries(db, "session.create")
    assert (created.actor_id, created.object_type, created.object_id) == (
        committee.id, "cofunding_session", str(session_id))
    assert created.details["year"] == 2016
    (added,) = entries(db, "session.add")
    assert added.details["application_id"] == submitted.id
    scores = entries(db, "jury.score")
    assert [e.actor_id for e in scores] == [j.id for j in jurors]
    assert scores[0].object_type == "cofunding_application"
    assert set(scores[0].details["scores"].values()) == {4}
    (refused,) = entries(db, "application.refuse")
    assert refused.details["ranking"].startswith("Classement du jury : rang 1 sur 1")
    assert [e.action for e in entries(db, "session.close")] == ["session.close"]
    assert [e.action for e in entries(db, "session.publish")] == ["session.publish"]


# --- The session's use cases ------------------------------------------------------------------

def test_the_committee_fills_a_session_of_its_year_only(
        db, committee, make_user, submitted_application, cofunding_session, open_year):
    submitted = submitted_application(juried=False)
    other_year = cofunding_session(year=2017, jury_named=False)
    with pytest.raises(ApplicationError) as refused:
        sessions.add_application(committee, other_year.id, submitted.id)
    assert refused.value.field == "application" and refused.value.code == "other_year"
    session = cofunding_session(jury_named=False)
    sessions.add_application(committee, session.id, submitted.id)
    again = cofunding_session(title="Un autre comité", jury_named=False)
    with pytest.raises(ApplicationConflict) as refused:
        sessions.add_application(committee, again.id, submitted.id)
    assert refused.value.code == "in_session"
    with pytest.raises(ApplicationConflict) as refused:
        sessions.close_session(committee, session.id)
    assert refused.value.code == "pending"
    with pytest.raises(ApplicationConflict):
        sessions.publish_results(committee, session.id)
    sessions.remove_application(committee, session.id, submitted.id)
    assert db.session.get(CofundingApplication, submitted.id).session_id is None
    outsider = make_user()
    from inspir_events.aid.cofunding.services import ApplicationForbidden
    with pytest.raises(ApplicationForbidden):
        sessions.add_application(outsider, session.id, submitted.id)
    with pytest.raises(ApplicationForbidden):
        sessions.create_session(outsider, sessions.SessionInput("X", 2016, date(2016, 6, 1)))


def test_the_session_page_offers_a_member_only_the_applications_they_may_place(
        db, client, login, committee, submitted_application, cofunding_session):
    """A committee member who declared a conflict on an application is not offered it on
    the session's page (placing it would be refused, 403): the others are."""
    mine = submitted_application(juried=False)
    session = cofunding_session(jury_named=False)
    assert [a.id for a in sessions.candidates(session, committee)] == [mine.id]
    recusal.declare_conflict(committee, "cofunding_application", mine.id,
                             "Je suis adhérent de l'association qui demande.")
    assert sessions.candidates(session, committee) == []
    assert [a.id for a in sessions.candidates(session)] == [mine.id]
    login(committee)
    page = client.get(f"/aid/sessions/{session.id}").get_data(as_text=True)
    assert f'<option value="{mine.id}"' not in page


def test_the_committee_creates_a_session_through_its_page(db, client, login, committee):
    login(committee)
    page = text_of(client.get("/aid/sessions"))
    assert 'id="create-session"' in page
    response = client.post_form("/aid/sessions", {"title": "", "year": "2016",
                                                  "meeting_on": "2016-06-01"})
    assert response.status_code == 422
    assert "Donnez un titre à la session." in text_of(response)
    response = client.post_form("/aid/sessions", {"title": "Comité de juin", "year": "2016",
                                                  "meeting_on": "2016-06-01"})
    assert response.status_code == 303
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert jury.jury_of("cofunding_session", session_id) is not None  # its jury, set up


# --- Privacy before and after publication --------------------------------------------------

def test_scores_are_private_until_the_results_are_published_then_only_the_ranking_is(
        db, client, login, committee, organiser, jurors, make_user, submitted_application):
    submitted = submitted_application()
    session_id = submitted.session_id
    score_all(jurors[0], session_id, submitted.id, 4, comment="Très bon ancrage local.")
    outsider = make_user()
    pages = (f"/aid/sessions/{session_id}", f"/aid/jury/cofunding_session/{session_id}",
             f"/aid/jury/cofunding_session/{session_id}/applications/{submitted.id}")
    for person in (outsider, organiser):
        login(person)
        assert [client.get(p).status_code for p in pages] == [403, 403, 403]
        client.post_form("/logout")
    login(jurors[0])
    session_page = text_of(client.get(pages[0]))
    assert "3,5" in session_page and "atteint" in session_page
    assert "Très bon ancrage local." in text_of(client.get(pages[2]))  # their own form
    client.post_form("/logout")
    login(committee)
    assert client.get(pages[0]).status_code == 200
    client.post_form("/logout")
    results = f"/aid/sessions/{session_id}/results"
    assert client.get(results).status_code == 404  # not published
    login(committee)
    assert client.get(pages[1]).status_code == 200  # the jury's page
    decisions.refuse(committee, submitted.id, "Hors critères.")
    assert client.post_form(f"/aid/sessions/{session_id}/publish", {}).status_code == 303
    assert client.get(results).status_code == 404  # to publish, the session closes first
    assert client.post_form(f"/aid/sessions/{session_id}/close", {}).status_code == 303
    assert client.post_form(f"/aid/sessions/{session_id}/publish", {}).status_code == 303
    client.post_form("/logout")
    public = text_of(client.get(results))
    assert "3,5" in public and "0,5" in public and submitted.event.title in public
    assert "Très bon ancrage local." not in public and jurors[0].display_name not in public
    login(outsider)
    assert [client.get(p).status_code for p in pages] == [403, 403, 403]
    assert "Comité de juin 2016" in text_of(client.get("/aid/sessions"))


def test_a_juror_reads_the_application_and_may_declare_a_conflict(
        db, client, login, jurors, submitted_application):
    submitted = submitted_application()
    login(jurors[0])
    response = client.get(f"/aid/applications/{submitted.id}")  # the deciders' page
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/aid/sessions/{submitted.session_id}/applications/{submitted.id}")
    page = text_of(client.get(response.headers["Location"]))
    assert submitted.beneficiary_name in page and "Déclarer un conflit d’intérêts" in page
    response = client.post_form(f"/conflicts/cofunding_application/{submitted.id}",
                                {"reason": "Je suis adhérent de l'association."})
    assert response.status_code == 303
    assert recusal.recused(jurors[0], "cofunding_application", submitted.id) == "declared"
