"""The committee's decisions on applications to a call: the jury's quorum first, the
ranking cited, the grant within the caps and on the call's envelopes, audited, the
applicant told by e-mail; publishing the results."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.aid.calls import decisions
from inspir_events.aid.calls import services as calls
from inspir_events.aid.calls.models import CallApplication
from inspir_events.aid.calls.rules import ApplicationStatus, CallStatus, Kind
from inspir_events.aid.jury import services as jury
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.audit.models import AuditEntry


def test_a_decision_needs_the_jury_quorum(db, call_setup, submitted, scored):
    application = submitted()
    scored(application, 4)  # one member: quorum 2
    with pytest.raises(jury.QuorumNotReached):
        decisions.refuse(call_setup.committee, application.id, "Hors sujet.")
    assert db.session.get(CallApplication, application.id).status == \
        ApplicationStatus.SUBMITTED


def test_a_grant_cites_the_ranking_and_commits_on_the_call_envelopes(
        db, call_setup, submitted, scored, outbox):
    application = submitted()
    other = submitted(Kind.STRUCTURE)
    scored(application, 4, 3, 5)
    scored(other, 2, 2)
    decisions.grant(call_setup.committee, application.id, decisions.GrantInput(
        operating_cents=400_000, investment_cents=200_000, note="Bon projet."))
    db.session.expire_all()
    decided = db.session.get(CallApplication, application.id)
    assert decided.status == ApplicationStatus.GRANTED
    assert decided.ranking_citation == ("Classement du jury : rang 1 sur 2, moyenne 4,0/5, "
                                        "écart 0,8, 3 membres, 3 disciplines.")
    grants = db.session.scalars(select(AidGrant).order_by(AidGrant.id)).all()
    assert [(g.kind, g.amount_cents, g.project_id, g.call_application_id) for g in grants] == [
        (GrantKind.PROJECT_OPERATING, 400_000, call_setup.project.id, application.id),
        (GrantKind.PROJECT_INVESTMENT, 200_000, call_setup.project.id, application.id)]
    assert {g.envelope_id for g in grants} <= {e.id for e in decided.call.envelopes}
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "call_application.grant"))
    assert entry.details["citation"] == decided.ranking_citation
    message = outbox(to=call_setup.lead.email, kind="call_application.granted")
    assert message and "Appel santé rurale" in message[0].subject


def test_a_grant_never_exceeds_what_was_asked_nor_the_caps(db, call_setup, submitted, scored):
    application = submitted()
    scored(application, 4, 3)
    with pytest.raises(decisions.GrantRefused) as refused:
        decisions.grant(call_setup.committee, application.id,
                        decisions.GrantInput(operating_cents=450_000))
    assert dict(refused.value.problems)["operating"]
    assert db.session.scalar(select(AidGrant.id)) is None


def test_refusal_and_changes_are_audited_and_told(db, call_setup, submitted, scored, outbox):
    application = submitted()
    scored(application, 1, 2)
    decisions.ask_changes(call_setup.committee, application.id, "Précisez le budget.")
    assert outbox(to=call_setup.lead.email, kind="call_application.changes")
    structure = submitted(Kind.STRUCTURE)
    scored(structure, 1, 1)
    decisions.refuse(call_setup.committee, structure.id, "Hors critères.")
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "call_application.changes" in actions and "call_application.refuse" in actions
    assert outbox(to=call_setup.lead.email, kind="call_application.refused")


def test_only_the_committee_decides(db, call_setup, submitted, scored):
    application = submitted()
    scored(application, 4, 4)
    with pytest.raises(calls.CallForbidden):
        decisions.refuse(call_setup.members[0], application.id, "Non.")


def test_results_are_published_once_everything_is_decided(db, call_setup, submitted, scored):
    application = submitted()
    scored(application, 4, 4)
    calls.close_call(call_setup.committee, call_setup.call.id)
    with pytest.raises(calls.CallConflict):
        calls.publish_results(call_setup.committee, call_setup.call.id)
    decisions.refuse(call_setup.committee, application.id, "Budget insuffisant.")
    published = calls.publish_results(call_setup.committee, call_setup.call.id)
    assert published.status == CallStatus.PUBLISHED
    rows = jury.public_ranking(calls.JURY_SUBJECT, call_setup.call.id)
    assert rows[0].result.mean == 4 and rows[0].members == []
