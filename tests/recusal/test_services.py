"""Recusal's services: who is party to what (each feature says it through the registry),
declared conflicts (idempotent, audited, only by those who may decide), and the check
every deciding use case runs: refused (403) and audited in a transaction of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role, User
from inspir_events.audit.models import AuditEntry
from inspir_events.events import services as event_services
from inspir_events.extensions import db as _db
from inspir_events.labels import services as label_services
from inspir_events.labels.charter import PRINCIPLES, SubjectType
from inspir_events.notifications.models import Notification
from inspir_events.recusal import rules
from inspir_events.recusal import services as recusal
from inspir_events.recusal.models import DeclaredConflict
from tests.conftest import run_together

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
ANSWERS = {p.code: "Avec les habitants." for p in PRINCIPLES}


def entries(db, action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def test_the_features_say_who_is_party_to_their_subjects(
        db, make_user, organiser, make_event, submitted_application, labelled_event,
        make_project, support_structure):
    co_organiser = make_user(display_name="Coralie Co-organisatrice")
    event = labelled_event()
    event_services.add_organiser(organiser, event.id, co_organiser.email)
    assert recusal.parties("event", event.id) == {organiser.id, co_organiser.id}
    application = submitted_application(event)
    assert recusal.parties("cofunding_application", application.id) == {
        organiser.id, co_organiser.id}
    label_request = label_services.latest(SubjectType.EVENT, event.id)
    assert recusal.parties("label_request", label_request.id) == {organiser.id,
                                                                  co_organiser.id}
    proposer = make_user(display_name="Paula Porteuse")
    project = make_project("projet", proposer=proposer)
    assert recusal.parties("project", project.id) == {proposer.id, support_structure.id}
    project_label = label_services.request_for(support_structure, SubjectType.PROJECT,
                                               project.id, ANSWERS)
    assert recusal.parties("label_request", project_label.id) == {proposer.id,
                                                                  support_structure.id}
    assert recusal.parties("support_structure", support_structure.id) == {
        support_structure.id}
    assert recusal.parties("support_structure", organiser.id) == set()  # not a structure
    for kind in ("event", "cofunding_application", "project", "label_request"):
        assert recusal.parties(kind, 999_999) == set()
        assert recusal.parties(kind, 0) == set()


def test_an_unregistered_kind_of_subject_is_a_programming_error(db, committee):
    with pytest.raises(LookupError):
        recusal.parties("sandwich", 1)
    with pytest.raises(LookupError):
        recusal.recused(committee, "sandwich", 1)


def test_a_declared_conflict_recuses_and_is_written_once(db, committee, committee2,
                                                         submitted_application):
    application = submitted_application()
    assert recusal.recused(committee, "cofunding_application", application.id) is None
    first = recusal.declare_conflict(committee, "cofunding_application", application.id,
                                     "  Je siège au  bureau de l'association. ")
    again = recusal.declare_conflict(committee, "cofunding_application", application.id,
                                     "Autre motif.")
    assert first.id == again.id and again.reason == "Je siège au bureau de l'association."
    assert db.session.scalar(select(func.count()).select_from(DeclaredConflict)) == 1
    assert len(entries(db, "recusal.declare")) == 1
    assert recusal.recused(committee, "cofunding_application", application.id) == \
        rules.DECLARED
    assert recusal.recused(committee2, "cofunding_application", application.id) is None
    message = recusal.refusal(committee, "cofunding_application", application.id)
    assert message == ("Vous avez déclaré un conflit d’intérêts sur cette demande de "
                       "cofinancement\u00a0: vous ne participez pas à cette décision (déport).")


def test_only_those_who_may_decide_declare_a_conflict(db, organiser, committee, make_user,
                                                     submitted_application):
    application = submitted_application()
    citizen = make_user()
    for outsider in (organiser, citizen):
        with pytest.raises(recusal.RecusalForbidden):
            recusal.declare_conflict(outsider, "cofunding_application", application.id,
                                     "Je connais l'organisatrice.")
    with pytest.raises(recusal.RecusalNotFound):
        recusal.declare_conflict(committee, "sandwich", application.id, "Motif.")
    with pytest.raises(recusal.RecusalForbidden):  # no such application
        recusal.declare_conflict(committee, "cofunding_application", 999_999, "Motif.")
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(recusal.RecusalError) as refused:
            recusal.declare_conflict(committee, "cofunding_application", application.id,
                                     reason)
        assert refused.value.field == "reason"
    assert db.session.scalar(select(func.count()).select_from(DeclaredConflict)) == 0
    assert entries(db, "recusal.declare") == []


def test_a_conflict_declared_on_a_project_recuses_from_its_label_requests(
        db, committee, make_project, support_structure):
    project = make_project("projet")
    label_request = label_services.request_for(support_structure, SubjectType.PROJECT,
                                               project.id, ANSWERS)
    recusal.declare_conflict(committee, "project", project.id, "Mon frère est dans l'équipe.")
    assert recusal.recused(committee, "label_request", label_request.id) == rules.DECLARED
    with pytest.raises(recusal.Recused):
        label_services.decide(committee, label_request.id, True, "Conforme.")
    db.session.rollback()
    assert label_services.latest(SubjectType.PROJECT, project.id).status.value == "requested"


def test_the_check_keeps_its_audit_entry_and_drops_what_the_caller_began(
        db, organiser, committee, submitted_application):
    """Called after the caller changed something, the refusal rolls that back (the use
    case is refused anyway) and commits only the audit entry."""
    application = submitted_application()
    event_services.add_organiser(organiser, application.event_id, committee.email)
    db.session.add(Notification(user_id=committee.id, kind="team.lead", params={"team": "X"}))
    with pytest.raises(recusal.Recused) as refused:
        recusal.check(committee, "cofunding_application", application.id,
                      "application.grant")
    assert refused.value.status == 403 and refused.value.reason == rules.PARTY
    assert str(refused.value.message) == (
        "Vous êtes partie prenante de cette demande de cofinancement\u00a0: vous ne pouvez "
        "pas participer à cette décision (déport).")
    (entry,) = entries(db, "recusal.refused")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        committee.id, "cofunding_application", str(application.id))
    assert entry.details == {"attempted": "application.grant", "reason": "party"}
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "team.lead")) == 0
    recusal.check(organiser.__class__(id=None), "cofunding_application", application.id,
                  "application.grant")  # an unsaved, anonymous stand-in: nothing to say


@BACKENDS
def test_two_declarations_at_the_same_moment_give_one(app, db, backend, make_user,
                                                      submitted_application):
    application = submitted_application()
    member_id = make_user(roles=(Role.COMMITTEE,)).id

    def declare(index: int) -> None:
        member = _db.session.get(User, member_id)
        recusal.declare_conflict(member, "cofunding_application", application.id,
                                 f"Motif n°{index}.")

    errors, _elapsed = run_together(app, [declare, declare, declare])
    assert errors == []
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(DeclaredConflict)) == 1
    assert len(entries(db, "recusal.declare")) == 1


def test_a_declared_conflict_is_in_its_authors_export_and_outlives_the_account(
        db, make_user, submitted_application):
    from inspir_events.accounts import privacy
    from tests.conftest import PASSWORD

    member = make_user(roles=(Role.COMMITTEE,))
    application = submitted_application()
    recusal.declare_conflict(member, "cofunding_application", application.id,
                             "Je préside l'association.")
    (row,) = privacy.export_data(member)["conflicts_declared"]
    assert (row["subject_type"], row["subject_id"], row["reason"]) == (
        "cofunding_application", application.id, "Je préside l'association.")
    privacy.delete_account(member, PASSWORD)
    db.session.rollback()
    kept = db.session.scalar(select(DeclaredConflict))  # kept with the decision's record
    assert kept.user_id == member.id and kept.reason == "Je préside l'association."
