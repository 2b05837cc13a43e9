"""Every label, money and pipeline decision and every role change writes an audit entry:
who (the deciding account), when (naive UTC, at the moment of the decision) and what (the
action, the object and its details), in the same transaction as the decision (issue 10)."""

from __future__ import annotations

import ast
import pathlib
from datetime import timedelta

import pytest

from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import Role
from inspir_events.aid.cofunding import decisions, entrusting
from inspir_events.aid.envelopes import delegation
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.services import Beneficiary
from inspir_events.aid.projects import grants as project_grants
from inspir_events.aid.projects import services as pipeline
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.events import services as event_services
from inspir_events.labels import services as label_services
from inspir_events.labels.charter import PRINCIPLES
from inspir_events.needs import moderation as need_moderation
from inspir_events.needs.rules import Visibility
from inspir_events.recusal import services as recusal
from inspir_events.timeutil import utcnow
from tests.aid.conftest import RNA_OK, SIRET_OK

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "inspir_events"
PIC_INV = (FormerRegion.PICARDIE, Section.INVESTMENT)
PIC_OP = (FormerRegion.PICARDIE, Section.OPERATING)

# Every audited action the tests below drive through its use case. A new decision
# recorded in the package must be added here (with its test) or to NOT_DECISIONS.
DECISIONS = {
    "label.grant", "label.refuse",
    "role.grant", "role.revoke",
    "application.grant", "application.refuse", "application.changes",
    "application.entrust", "application.take_back", "recusal.declare", "recusal.refused",
    "envelope.commit", "envelope.delegate", "envelope.member.add", "envelope.member.remove",
    "aid.grant", "aid.schedule", "aid.payment", "aid.report_accept", "aid.report_changes",
    "aid.close",
    "project.promote", "project.qualify", "project.orient_structure",
    "project.orient_programme", "project.move", "project.grant",
    "need.hide", "need.restore", "need.approve", "need.reports_dismissed",
}
# Recorded too, but requests or automatic consequences rather than decisions; each is
# covered by its feature's tests.
NOT_DECISIONS = {
    "label.request", "aid.report_save", "aid.report_submit", "application.create",
    "application.save", "application.submit", "application.file.upload",
    "application.file.remove", "application.file.download",
    "project.propose", "project.details", "project.reproduce", "need.in_experimentation",
    "round.open", "round.close", "round.winners",
}


class Clock:
    """The window of a decision: entries must be stamped inside it, in naive UTC."""

    def __enter__(self):
        self.start = utcnow() - timedelta(seconds=1)
        return self

    def __exit__(self, *exc):
        self.end = utcnow() + timedelta(seconds=1)


def check(entries, action, actor, object_type, object_id, clock, **details):
    """The one entry of ``action`` among ``entries``: by ``actor``, on the object, in time."""
    matching = [e for e in entries if e.action == action]
    assert matching, (action, [e.action for e in entries])
    matching = [e for e in matching if (e.object_type, e.object_id) == (object_type,
                                                                          str(object_id))]
    assert len(matching) == 1, (action, object_type, object_id)
    entry = matching[0]
    assert entry.actor_id == (actor.id if actor is not None else None)
    assert entry.at.tzinfo is None and clock.start <= entry.at <= clock.end
    for key, value in details.items():
        assert entry.details[key] == value, (key, entry.details)
    return entry


def _label_request(organiser, make_event):
    event = make_event(by=organiser)
    return event, event_services.request_label(
        organiser, event.id, {p.code: "Avec les habitants." for p in PRINCIPLES},
        f"/events/{event.id}")


def test_label_decisions_are_audited(db, organiser, committee, make_event, new_entries):
    for grant, action in ((True, "label.grant"), (False, "label.refuse")):
        event, request = _label_request(organiser, make_event)
        new_entries()
        with Clock() as clock:
            label_services.decide(committee, request.id, grant, "Motif de la décision.")
        check(new_entries(), action, committee, "event", event.id, clock)


def test_role_changes_are_audited(db, admin, make_user, new_entries):
    user = make_user()
    with Clock() as clock:
        account_services.set_roles(admin, user, [Role.ORGANISER, Role.COMMITTEE])
    entries = new_entries()
    assert sorted(e.details["role"] for e in entries if e.action == "role.grant") == [
        "committee", "organiser"]
    assert all(e.actor_id == admin.id and e.object_id == str(user.id) for e in entries)
    with Clock() as clock:
        account_services.set_roles(admin, user, [Role.ORGANISER])
    check(new_entries(), "role.revoke", admin, "user", user.id, clock, role="committee")


def test_application_decisions_are_audited(db, committee, submitted_application,
                                           new_entries):
    granted, refused, changed = (submitted_application() for _ in range(3))
    new_entries()
    with Clock() as clock:
        decisions.grant(committee, granted.id, decisions.GrantInput(
            investment_cents=250_000, operating_cents=500_000, note="Bon projet."))
    entries = new_entries()
    check(entries, "application.grant", committee, "cofunding_application", granted.id, clock,
          investment_cents=250_000, operating_cents=500_000)
    # The money side of the same decision: each envelope commitment and each grant.
    assert sorted(e.details["amount_cents"] for e in entries
                  if e.action == "envelope.commit") == [250_000, 500_000]
    assert len([e for e in entries if e.action == "aid.grant"]) == 2
    assert all(e.actor_id == committee.id for e in entries)
    with Clock() as clock:
        decisions.refuse(committee, refused.id, "Hors du périmètre.")
    check(new_entries(), "application.refuse", committee, "cofunding_application",
          refused.id, clock)
    with Clock() as clock:
        decisions.ask_changes(committee, changed.id, "Ajoutez le devis.")
    check(new_entries(), "application.changes", committee, "cofunding_application",
          changed.id, clock)


def test_entrusting_and_recusal_are_audited(app, db, admin, committee, make_user,
                                            submitted_application, envelopes_2016,
                                            new_entries):
    """Entrusting to a delegated envelope and taking back, a declared conflict, and a
    recused member's refused attempt (kept although the decision rolled back)."""
    committee2 = make_user(roles=(Role.COMMITTEE,))
    application = submitted_application()
    sub = aid_envelopes.delegate(admin, envelopes_2016[PIC_OP].id, "Amiens", 1_000_000)
    new_entries()
    with Clock() as clock, app.test_request_context():  # the notices link to the pages
        entrusting.entrust(committee, application.id, sub.id)
    check(new_entries(), "application.entrust", committee, "cofunding_application",
          application.id, clock, after=sub.id)
    with Clock() as clock, app.test_request_context():
        entrusting.take_back(committee, application.id)
    check(new_entries(), "application.take_back", committee, "cofunding_application",
          application.id, clock, before=sub.id)
    with Clock() as clock, app.test_request_context():
        recusal.declare_conflict(committee2, "cofunding_application", application.id,
                                 "Je préside l'association bénéficiaire.")
    check(new_entries(), "recusal.declare", committee2, "cofunding_application",
          application.id, clock, reason="Je préside l'association bénéficiaire.")
    with Clock() as clock, pytest.raises(recusal.Recused):
        decisions.refuse(committee2, application.id, "Hors critères.")
    check(new_entries(), "recusal.refused", committee2, "cofunding_application",
          application.id, clock, attempted="application.refuse", reason="declared")


def test_envelope_decisions_are_audited(app, db, admin, committee, make_user, envelopes_2016,
                                        new_entries):
    top = envelopes_2016[PIC_INV].id
    with Clock() as clock:
        aid_envelopes.commit(committee, top, 30_000, "event", 7, "Engagement direct")
    check(new_entries(), "envelope.commit", committee, "envelope", top, clock,
          amount_cents=30_000)
    with Clock() as clock:
        sub = aid_envelopes.delegate(admin, top, "Amiens Métropole", 1_000_000)
    check(new_entries(), "envelope.delegate", admin, "envelope", top, clock,
          sub_envelope_id=sub.id)
    member = make_user()
    with Clock() as clock, app.test_request_context():  # the notification links the dashboard
        delegation.add_member(admin, sub.id, member.email)
    check(new_entries(), "envelope.member.add", admin, "envelope", sub.id, clock,
          user_id=member.id)
    with Clock() as clock:
        delegation.remove_member(admin, sub.id, member.id)
    check(new_entries(), "envelope.member.remove", admin, "envelope", sub.id, clock,
          user_id=member.id)


def test_promotion_of_winners_is_audited(db, organiser, confirmed_round, new_entries):
    setup = confirmed_round()
    new_entries()
    with Clock() as clock:
        projects = pipeline.promote_winner(organiser, setup.round.id)
    entries = new_entries()
    assert len(projects) == 2
    for project in projects:
        check(entries, "project.promote", organiser, "project", project.id, clock)


def test_pipeline_decisions_are_audited(db, committee, support_structure, make_project,
                                        new_entries):
    qualified, to_structure, to_programme = (make_project(None) for _ in range(3))
    new_entries()
    with Clock() as clock:
        pipeline.qualify(committee, qualified.id, "Dans le périmètre.")
    check(new_entries(), "project.qualify", committee, "project", qualified.id, clock)
    with Clock() as clock:
        pipeline.orient_to_structure(committee, to_structure.id, support_structure.id,
                                     "L'incubateur l'accompagne.")
    check(new_entries(), "project.orient_structure", committee, "project", to_structure.id,
          clock, structure_id=support_structure.id)
    with Clock() as clock:
        pipeline.orient_to_programme(committee, to_programme.id, "projets_etudiants",
                                     "Projets d'étudiants.")
    check(new_entries(), "project.orient_programme", committee, "project", to_programme.id,
          clock)
    moving = make_project("projet")  # its details meet the next gate
    new_entries()
    with Clock() as clock:
        pipeline.move_project(committee, moving.id, "experimentation", "On teste.")
    check(new_entries(), "project.move", committee, "project", moving.id, clock,
          before="projet", after="experimentation")


def test_project_grants_are_audited(db, committee, envelopes_now, make_project, new_entries):
    project = make_project("projet")
    new_entries()
    data = project_grants.GrantInput(
        operating_cents=300_000, investment_cents=0, structure_cents=150_000,
        beneficiary=Beneficiary("Association Atelier Numérique", siret=SIRET_OK),
        structure_beneficiary=Beneficiary("Incubateur Euratechnologies", rna=RNA_OK))
    with Clock() as clock:
        project_grants.grant_project(committee, project.id, data)
    entries = new_entries()
    check(entries, "project.grant", committee, "project", project.id, clock)
    assert sorted(e.details["amount_cents"] for e in entries
                  if e.action == "envelope.commit") == [150_000, 300_000]
    assert {e.action for e in entries} >= {"aid.grant"}


def test_need_moderation_is_audited(db, committee, make_need, new_entries):
    hidden, pending, reported = make_need(), make_need(visibility=Visibility.PENDING), make_need()
    new_entries()
    with Clock() as clock:
        need_moderation.hide(committee, hidden.id, "Propos injurieux.")
    check(new_entries(), "need.hide", committee, "need", hidden.id, clock,
          reason="Propos injurieux.")
    with Clock() as clock:
        need_moderation.restore(committee, hidden.id)
    check(new_entries(), "need.restore", committee, "need", hidden.id, clock, previous="hidden")
    with Clock() as clock:
        need_moderation.restore(committee, pending.id)
    check(new_entries(), "need.approve", committee, "need", pending.id, clock)
    with Clock() as clock:
        need_moderation.dismiss_reports(committee, reported.id)
    check(new_entries(), "need.reports_dismissed", committee, "need", reported.id, clock)


def _recorded_actions() -> set[str]:
    """Every action literal passed to ``audit.record`` in the package, plus the values of
    the variables named ``action`` in the functions that pass one."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record" and len(node.args) >= 2):
                continue
            action = node.args[1]
            for sub in ast.walk(action):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    found.add(sub.value)
            if isinstance(action, ast.Name):  # e.g. `action = "need.approve" if ... else ...`
                for assign in ast.walk(tree):
                    if isinstance(assign, ast.Assign) and any(
                            isinstance(t, ast.Name) and t.id == action.id for t in assign.targets):
                        found |= {c.value for c in ast.walk(assign.value)
                                  if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    # Actions passed as arguments to a helper that records them (qualify, orient, ...).
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for action in DECISIONS | NOT_DECISIONS:
            if f'"{action}"' in text:
                found.add(action)
    return found


def test_the_follow_up_of_an_aid_is_audited(db, scheduled_aid, committee, organiser,
                                             new_entries):
    """Issue 19 §3: the schedule, the answers to the final report, each payment and the
    closing (with what goes back to the envelopes) are audited decisions."""
    from datetime import date

    from sqlalchemy import select

    from inspir_events.aid.followup import services as followup
    from inspir_events.aid.followup.models import AidReport
    from inspir_events.aid.models import PaymentPart
    from tests.aid.followup.conftest import report_input

    new_entries()
    with Clock() as clock:
        aid_id = scheduled_aid(50)
    check(new_entries(), "aid.schedule", committee, "aid_grant", aid_id, clock,
          advance_percent=50)
    with Clock() as clock:
        followup.record_payment(committee, aid_id, followup.PaymentInput(
            PaymentPart.ADVANCE, 500_000, date(2016, 6, 2)))
    check(new_entries(), "aid.payment", committee, "aid_grant", aid_id, clock,
          part="advance", amount_cents=500_000)
    followup.save_report(organiser, aid_id, report_input("10 000", "6 000"), submit=True)
    report_id = db.session.scalar(select(AidReport.id))
    new_entries()
    with Clock() as clock:
        followup.ask_report_changes(committee, aid_id, "Joignez les factures.")
    check(new_entries(), "aid.report_changes", committee, "aid_report", report_id, clock,
          note="Joignez les factures.")
    followup.save_report(organiser, aid_id, report_input("10 000", "6 000"), submit=True)
    new_entries()
    with Clock() as clock:
        followup.accept_report(committee, aid_id)
    check(new_entries(), "aid.report_accept", committee, "aid_report", report_id, clock,
          final_cents=800_000, balance_cents=300_000)
    with Clock() as clock:
        followup.record_payment(committee, aid_id, followup.PaymentInput(
            PaymentPart.BALANCE, 300_000, date(2016, 12, 15)))
    entries = new_entries()
    check(entries, "aid.payment", committee, "aid_grant", aid_id, clock, part="balance")
    closed = check(entries, "aid.close", committee, "aid_grant", aid_id, clock,
                   final_cents=800_000, paid_cents=800_000)
    assert sum(closed.details["released_cents"].values()) == 200_000  # per envelope


def test_every_recorded_action_is_a_tested_decision_or_explained():
    recorded = _recorded_actions()
    assert recorded >= DECISIONS, DECISIONS - recorded
    unknown = {a for a in recorded if "." in a and a.split(".")[0] in {
        "label", "role", "application", "envelope", "aid", "project", "need", "round",
        "account", "recusal"}} - DECISIONS - NOT_DECISIONS
    # Account actions (password change, deletion, ...) are not committee decisions.
    unknown = {a for a in unknown if not a.startswith("account.")}
    assert not unknown, f"audited actions without a test here: {sorted(unknown)}"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_a_decision_and_its_entry_land_together(db, backend, organiser, committee, make_event,
                                                new_entries):
    """Refused decisions leave no entry; accepted ones leave exactly one (both databases)."""
    event, request = _label_request(organiser, make_event)
    new_entries()
    with pytest.raises(label_services.LabelError):
        label_services.decide(organiser, request.id, True, "Je me labellise.")
    assert new_entries() == []
    with Clock() as clock:
        label_services.decide(committee, request.id, True, "Conforme.")
    check(new_entries(), "label.grant", committee, "event", event.id, clock)
