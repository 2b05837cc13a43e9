"""Co-funding applications' use cases: who may apply, draft, submit under the rules,
and the committee's decisions (grant within the verdict and the envelopes, refuse,
ask for changes), each audited and notified."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role
from inspir_events.aid.cofunding import decisions, entrusting
from inspir_events.aid.cofunding import services as applications
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.cofunding.reading import ExpenseInput, RevenueInput
from inspir_events.aid.envelopes import delegation
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.models import AidGrant
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.audit.models import AuditEntry
from inspir_events.events.rules import RunBy
from inspir_events.notifications.models import Notification
from tests.aid.conftest import APPLICANT_SIRET, application_input

PIC_INV = (FormerRegion.PICARDIE, Section.INVESTMENT)
PIC_OP = (FormerRegion.PICARDIE, Section.OPERATING)


def codes(exc_info) -> list[str]:
    return [p.code for p in exc_info.value.problems]


def by_field(exc_info) -> dict:
    return {p.field: p for p in exc_info.value.problems}


def count(db, model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def committed(db, envelope_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(Envelope.committed_cents).where(Envelope.id == envelope_id))


def notified(db, user_id: int, kind: str) -> list[Notification]:
    db.session.rollback()
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.kind == kind)))


def audit_entries(db, action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- who may apply --------------------------------------------------------------------

def test_only_the_events_organisers_may_apply(db, labelled_event, make_user):
    event = labelled_event()
    stranger = make_user(roles=(Role.ORGANISER,))
    with pytest.raises(applications.ApplicationForbidden):
        applications.for_organiser(stranger, event.id)
    with pytest.raises(applications.ApplicationForbidden):
        applications.save_draft(stranger, event.id, application_input())
    with pytest.raises(applications.ApplicationNotFound):
        applications.for_organiser(stranger, 999_999)
    assert count(db, CofundingApplication) == 0


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"run_by": RunBy.REGION}, "region_led"),
    ({"labelled": False}, "not_labelled"),
    ({"year": 2017}, "unknown_year"),
])
def test_an_event_that_cannot_be_cofunded_is_refused_with_its_reason(
        db, labelled_event, organiser, kwargs, code):
    event = labelled_event(**kwargs)
    with pytest.raises(applications.ApplicationError) as refused:
        applications.for_organiser(organiser, event.id)
    assert refused.value.code == code
    with pytest.raises(applications.ApplicationError) as refused:
        applications.submit(organiser, event.id, application_input())
    assert refused.value.code == code
    assert count(db, CofundingApplication) == 0


def test_region_led_event_says_the_region_pays_it_itself(app, db, labelled_event, organiser):
    event = labelled_event(run_by=RunBy.REGION)
    with app.test_request_context(headers={"Accept-Language": "en"}), \
            pytest.raises(applications.ApplicationError) as refused:
        applications.for_organiser(organiser, event.id)
    assert "runs itself is not co-funded" in str(refused.value.message)


def test_a_cancelled_event_is_refused(db, labelled_event, organiser):
    from inspir_events.events import services as event_services

    event = labelled_event()
    event_services.cancel(organiser, event.id)
    with pytest.raises(applications.ApplicationError) as refused:
        applications.save_draft(organiser, event.id, application_input())
    assert refused.value.code == "cancelled"


# --- drafts ------------------------------------------------------------------------

def test_the_first_save_creates_one_draft_with_its_totals(db, labelled_event, organiser):
    event = labelled_event()
    draft = applications.save_draft(organiser, event.id, application_input(
        region_share="9 000", beneficiary_identifier=""))  # rules broken: still saved
    again = applications.save_draft(organiser, event.id, application_input())
    assert again.id == draft.id and count(db, CofundingApplication) == 1
    saved = db.session.get(CofundingApplication, draft.id)
    assert saved.status == ApplicationStatus.DRAFT and saved.year == 2016
    assert (saved.total_cost_cents, saved.region_share_cents, saved.other_revenues_cents) == (
        1_500_000, 750_000, 750_000)
    assert saved.beneficiary_siret == APPLICANT_SIRET and saved.beneficiary_rna is None
    assert [(line.label, line.amount_cents, line.section) for line in saved.expense_lines] == [
        ("Location de la salle", 1_000_000, Section.OPERATING),
        ("Matériel de prototypage", 500_000, Section.INVESTMENT)]
    assert [(line.kind.value, line.amount_cents, line.confirmed)
            for line in saved.revenue_lines] == [("co_funder", 500_000, True),
                                                 ("own_funds", 250_000, False)]


def test_a_draft_needs_readable_amounts(db, labelled_event, organiser):
    event = labelled_event()
    with pytest.raises(applications.ApplicationInvalid) as refused:
        applications.save_draft(organiser, event.id, application_input(expenses=[
            ExpenseInput("Salle", "1000", "operating"), ExpenseInput("Repas", "12,345")]))
    assert by_field(refused)[("expenses", 1, "amount")].code == "invalid_amount"
    assert count(db, CofundingApplication) == 0


def test_an_rna_number_identifies_an_association(db, labelled_event, organiser):
    event = labelled_event()
    saved = applications.save_draft(organiser, event.id,
                                    application_input(beneficiary_identifier="w595001234"))
    assert (saved.beneficiary_rna, saved.beneficiary_siret) == ("W595001234", None)
    with pytest.raises(applications.ApplicationInvalid) as refused:
        applications.save_draft(organiser, event.id,
                                application_input(beneficiary_identifier="73282932000075"))
    assert "beneficiary_identifier" in by_field(refused)


# --- submitting under the rules ------------------------------------------------------------

def test_exactly_fifty_percent_is_submitted_and_the_committee_told(
        db, labelled_event, organiser, committee):
    event = labelled_event()
    submitted = applications.submit(organiser, event.id, application_input())
    assert submitted.status == ApplicationStatus.SUBMITTED and submitted.submitted_at
    assert notified(db, committee.id, "application.submitted")
    assert notified(db, organiser.id, "application.submitted") == []
    entry, = audit_entries(db, "application.submit")
    assert (entry.details["before"], entry.details["after"]) == (None, "submitted")


@pytest.mark.parametrize(("overrides", "expected"), [
    # 50 % + 1 cent of 15,000 € (balanced by the own funds).
    ({"region_share": "7500,01", "revenues": [RevenueInput("own_funds", "Fonds", "7499,99")]},
     ["rate_exceeded"]),
    # 30,000 € of costs: 12,500.01 € is within 50 % but over the cap.
    ({"expenses": [ExpenseInput("Salle", "30 000", "operating")], "region_share": "12500.01",
      "revenues": [RevenueInput("co_funder", "Métropole", "17 499,99", True)]},
     ["cap_exceeded"]),
    ({"revenues": [RevenueInput("co_funder", "Département", "5 000", True)]}, ["unbalanced"]),
])
def test_submit_refuses_each_rule_broken(db, labelled_event, organiser, overrides, expected):
    event = labelled_event()
    with pytest.raises(applications.ApplicationInvalid) as refused:
        applications.submit(organiser, event.id, application_input(**overrides))
    assert codes(refused) == expected
    assert all(p.field == "totals" for p in refused.value.problems)
    assert count(db, CofundingApplication) == 0  # nothing saved


def test_submit_lists_every_problem_at_once(app, db, labelled_event, organiser):
    event = labelled_event()
    data = application_input(
        beneficiary_identifier="", region_share="20 000",
        expenses=[ExpenseInput("Salle", "30 000", "operating"),
                  ExpenseInput("Repas", "douze euros", "operating")])
    with app.test_request_context(headers={"Accept-Language": "en"}), \
            pytest.raises(applications.ApplicationInvalid) as refused:
        applications.submit(organiser, event.id, data)
    fields = by_field(refused)
    assert fields[("expenses", 1, "amount")].code == "invalid_amount"
    assert "beneficiary_identifier" in fields
    # With an amount unreadable, the verdict waits: the line is what to fix first.
    with app.test_request_context(headers={"Accept-Language": "en"}), \
            pytest.raises(applications.ApplicationInvalid) as refused:
        applications.submit(organiser, event.id, application_input(
            beneficiary_identifier="", region_share="20 000",
            expenses=[ExpenseInput("Salle", "30 000", "operating")]))
    assert set(codes(refused)) >= {"rate_exceeded", "cap_exceeded", "unbalanced"}
    unbalanced = next(p for p in refused.value.problems if p.code == "unbalanced")
    # 20,000 asked + 5,000 + 2,500 of other revenues for 30,000 of expenses.
    assert "short of expenses by €2,500.00" in unbalanced.message


def test_at_least_one_expense_line(db, labelled_event, organiser):
    event = labelled_event()
    with pytest.raises(applications.ApplicationInvalid) as refused:
        applications.submit(organiser, event.id, application_input(expenses=[
            ExpenseInput("", "", "operating")]))
    assert "no_expense" in codes(refused)


def test_a_submitted_application_can_no_longer_be_edited(db, submitted_application, organiser):
    submitted = submitted_application()
    with pytest.raises(applications.ApplicationConflict):
        applications.save_draft(organiser, submitted.event_id, application_input())


# --- the committee's decisions ----------------------------------------------------------------

def test_a_grant_within_the_maximum_commits_the_envelopes(
        db, submitted_application, committee, organiser, envelopes_2016):
    submitted = submitted_application()
    inv, op = envelopes_2016[PIC_INV].id, envelopes_2016[PIC_OP].id
    granted = decisions.grant(committee, submitted.id, decisions.GrantInput(
        investment_cents=250_000, operating_cents=500_000, note="Bon projet."))
    assert granted.status == ApplicationStatus.GRANTED and granted.decided_by_id == committee.id
    assert (committed(db, inv), committed(db, op)) == (250_000, 500_000)
    rows = db.session.scalars(select(AidGrant).order_by(AidGrant.section)).all()
    assert [(g.section, g.amount_cents, g.envelope_id) for g in rows] == [
        (Section.INVESTMENT, 250_000, inv), (Section.OPERATING, 500_000, op)]
    assert {g.reference for g in rows} == {f"INSPIR-2016-COF-{submitted.id}"}
    assert all(g.beneficiary_siret == APPLICANT_SIRET and g.total_cost_cents == 1_500_000
               for g in rows)
    entry, = audit_entries(db, "application.grant")
    assert entry.actor_id == committee.id
    assert (entry.details["before"], entry.details["after"]) == ("submitted", "granted")
    assert (entry.details["investment_cents"], entry.details["operating_cents"]) == (
        250_000, 500_000)
    assert notified(db, organiser.id, "application.granted")


def test_a_grant_above_the_maximum_or_the_share_asked_is_refused(
        db, submitted_application, committee, envelopes_2016):
    submitted = submitted_application()
    with pytest.raises(decisions.GrantRefused) as refused:
        decisions.grant(committee, submitted.id, decisions.GrantInput(operating_cents=750_001))
    assert refused.value.code == "above_maximum"
    asked_less = submitted_application(region_share="5 000", revenues=[
        RevenueInput("co_funder", "Département", "10 000", True)])
    with pytest.raises(decisions.GrantRefused) as refused:
        decisions.grant(committee, asked_less.id, decisions.GrantInput(operating_cents=600_000))
    assert refused.value.code == "above_asked"
    with pytest.raises(decisions.GrantRefused):
        decisions.grant(committee, asked_less.id, decisions.GrantInput())
    assert count(db, AidGrant) == 0
    assert db.session.get(CofundingApplication, submitted.id).status == ApplicationStatus.SUBMITTED


def test_a_grant_beyond_an_envelopes_remainder_writes_nothing(
        app, db, submitted_application, committee, envelopes_2016):
    submitted = submitted_application()
    inv, op = envelopes_2016[PIC_INV].id, envelopes_2016[PIC_OP].id
    aid_envelopes.commit(committee, inv, 10_000_000 - 100_000, "event", 0, "Déjà engagé")
    with app.test_request_context(headers={"Accept-Language": "en"}), \
            pytest.raises(decisions.GrantRefused) as refused:
        decisions.grant(committee, submitted.id, decisions.GrantInput(
            investment_cents=250_000, operating_cents=500_000))
    assert refused.value.code == "envelope_exceeded"
    assert refused.value.field == "investment_envelope"
    assert "€1,000.00" in str(refused.value.message)
    assert (committed(db, inv), committed(db, op)) == (9_900_000, 0)
    assert count(db, AidGrant) == 0
    assert audit_entries(db, "application.grant") == []
    assert db.session.get(CofundingApplication, submitted.id).status == ApplicationStatus.SUBMITTED


def test_refuse_with_a_reason(db, submitted_application, committee, organiser):
    submitted = submitted_application()
    with pytest.raises(applications.ApplicationError):
        decisions.refuse(committee, submitted.id, "  ")
    refused = decisions.refuse(committee, submitted.id, "Hors du périmètre.")
    assert refused.status == ApplicationStatus.REFUSED
    assert refused.committee_note == "Hors du périmètre."
    note, = notified(db, organiser.id, "application.refused")
    assert note.params["reason"] == "Hors du périmètre."
    assert audit_entries(db, "application.refuse")[0].details["after"] == "refused"
    with pytest.raises(applications.ApplicationConflict):
        decisions.grant(committee, submitted.id, decisions.GrantInput(operating_cents=1))


def test_ask_for_changes_then_submit_again(db, submitted_application, committee, organiser):
    submitted = submitted_application()
    back = decisions.ask_changes(committee, submitted.id, "Ajoutez le devis de la salle.")
    assert back.status == ApplicationStatus.CHANGES_REQUESTED
    assert notified(db, organiser.id, "application.changes")
    assert audit_entries(db, "application.changes")[0].details["after"] == "changes_requested"
    with pytest.raises(applications.ApplicationInvalid) as refused:  # stays identified
        applications.save_draft(organiser, submitted.event_id,
                                application_input(beneficiary_identifier=""))
    assert "beneficiary_identifier" in by_field(refused)
    applications.save_draft(organiser, submitted.event_id, application_input(
        purpose="Hackathon, avec le devis"))
    again = applications.submit(organiser, submitted.event_id, application_input())
    assert again.id == submitted.id and again.status == ApplicationStatus.SUBMITTED
    assert [a.id for a in decisions.queue(committee)] == [submitted.id]


def test_only_reviewers_see_the_queue_and_decide(db, submitted_application, organiser, make_user):
    submitted = submitted_application()
    citizen = make_user()
    for user in (organiser, citizen):
        assert not decisions.can_review(user)
        with pytest.raises(applications.ApplicationForbidden):
            decisions.queue(user)
        with pytest.raises(applications.ApplicationForbidden):
            decisions.grant(user, submitted.id, decisions.GrantInput(operating_cents=1))
        with pytest.raises(applications.ApplicationForbidden):
            decisions.refuse(user, submitted.id, "Non.")
    assert count(db, AidGrant) == 0


def delegate_to(app, make_user, envelope_id: int, holder: str = "Amiens Métropole"):
    admin = make_user(roles=(Role.ADMIN,))
    sub = aid_envelopes.delegate(admin, envelope_id, holder, 2_000_000)
    member = make_user(display_name=f"Membre {holder}")
    with app.test_request_context():  # it links to the dashboard
        delegation.add_member(admin, sub.id, member.email)
    return sub, member


def test_a_delegated_member_grants_on_their_sub_envelope_only(
        app, db, submitted_application, make_user, envelopes_2016, committee):
    submitted = submitted_application()
    top = envelopes_2016[PIC_INV].id
    sub, member = delegate_to(app, make_user, top)
    _sub, outsider = delegate_to(app, make_user, envelopes_2016[
        (FormerRegion.NPDC, Section.INVESTMENT)].id, "Lille")
    assert decisions.queue(member) == []  # not entrusted to their envelope yet
    with app.test_request_context():  # the notice links to the review page
        entrusting.entrust(committee, submitted.id, sub.id)
    assert [a.id for a in decisions.queue(member)] == [submitted.id]
    assert decisions.queue(outsider) == []  # another former region
    with pytest.raises(applications.ApplicationForbidden):
        decisions.grant(member, submitted.id, decisions.GrantInput(
            investment_cents=100_000, investment_envelope_id=top))
    with pytest.raises(applications.ApplicationForbidden):  # no operating envelope of theirs
        decisions.grant(member, submitted.id, decisions.GrantInput(operating_cents=100_000))
    assert count(db, AidGrant) == 0
    decisions.grant(member, submitted.id, decisions.GrantInput(
        investment_cents=300_000, investment_envelope_id=sub.id))
    assert committed(db, sub.id) == 300_000
    assert committed(db, top) == 2_000_000  # only the delegation itself
    grant_row = db.session.scalar(select(AidGrant))
    assert (grant_row.envelope_id, grant_row.decided_by_id) == (sub.id, member.id)


def test_the_header_links_the_queue_for_its_reviewers_in_one_statement(
        app, db, login, make_user, envelopes_2016, committee, statements_run):
    """The committee and a delegated envelope's members see the co-funding queue in the
    header; others do not. The header reads the unread count and this in one statement."""
    _sub, member = delegate_to(app, make_user, envelopes_2016[PIC_INV].id)
    someone = make_user(display_name="Quelqu'un")
    seen = {}
    for person in (committee, member, someone):
        browser = app.test_client()
        login(person, on=browser)
        with statements_run() as statements:
            html = browser.get("/accessibilite").get_data(as_text=True)
        seen[person.display_name] = 'href="/aid/applications"' in html
        assert len([s for s in statements
                    if "notification" in s.lower() or "envelope" in s.lower()]) == 1
    assert seen == {committee.display_name: True, member.display_name: True,
                    "Quelqu'un": False}
