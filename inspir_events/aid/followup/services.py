"""The follow-up's use cases: the committee schedules an aid, the beneficiary files the
final report, the committee accepts it (the balance recomputed) or asks for changes,
and records the payments; the aid closes when nothing is left to pay, and the part of
its commitment that will never be paid is released back to its envelope.

Each use case locks the aid's follow-up row (written the first time someone acts on
it), checks, changes, audits, tells the people concerned and commits once. Money moves
by conditional UPDATEs the database applies atomically: a payment never takes a grant
row past its final amount (nor past the amount granted: a CHECK too), a release never
takes an envelope's committed amount below zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.aid.cofunding.reading import Problem
from inspir_events.aid.envelopes.models import Envelope, EnvelopeMember
from inspir_events.aid.followup import queries
from inspir_events.aid.followup import rules as followup_rules
from inspir_events.aid.followup.models import (
    AidFollowUp,
    AidReport,
    ReportExpense,
    ReportLink,
    ReportRevenue,
    ReportStatus,
)
from inspir_events.aid.followup.queries import Aid
from inspir_events.aid.followup.reading import ReportInput, read
from inspir_events.aid.models import AidGrant, AidPayment, PaymentPart
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, insert_ignoring_conflicts, retrying, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.i18n import format_cents
from inspir_events.markdown import render
from inspir_events.notifications import services as notifications
from inspir_events.recusal import services as recusal
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for

NOTE_MAX = 2000
EDITABLE = (ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED)


class FollowUpError(DomainError):
    """A follow-up use case refused (422 unless a subclass says otherwise)."""

    def __init__(self, message, field: str | None = None, code: str = "refused"):
        super().__init__(message, field)
        self.code = code


class FollowUpForbidden(FollowUpError):
    status = 403


class AidNotFound(FollowUpError):
    status = 404

    def __init__(self):
        super().__init__(_l("This aid does not exist."), code="not_found")


class FollowUpConflict(FollowUpError):
    """The aid's or the report's state forbids this now."""

    status = 409


class ReportInvalid(FollowUpError):
    """Every problem found in the report, each next to its field."""

    def __init__(self, problems: list[Problem]):
        super().__init__(_l("The report cannot be saved as it is: see each problem below."),
                         code="invalid")
        self.problems = problems


def followup_path(aid: Aid) -> str:
    return path_for("aid.followup", grant_id=aid.id)


# --- Loading -------------------------------------------------------------------------------

def _aid(grant_id: int) -> Aid:
    aid = queries.aid_of(grant_id)
    if aid is None:
        raise AidNotFound()
    return aid


def for_viewer(user, grant_id: int) -> Aid:
    """The aid, for its beneficiaries and those who manage it (else 403, or 404)."""
    aid = _aid(grant_id)
    if not queries.can_see(user, aid):
        raise FollowUpForbidden(_l("Only the aid's beneficiary and the committee follow it."),
                                code="forbidden")
    return aid


def _manager(member: User, grant_id: int, action: str) -> Aid:
    """The aid, for a member who manages it and is not party to it (« déport », audited)."""
    aid = _aid(grant_id)
    if not queries.can_manage(member, aid):
        raise FollowUpForbidden(_l("Only committee members follow up aid."), code="forbidden")
    recusal.check(member, *queries.recusal_subject(aid), action)
    return aid


def _locked(aid: Aid) -> Aid:
    """Start the write: the aid's follow-up row written if missing, locked, and the aid
    read again (its grant rows fresh)."""
    begin_write()
    first = aid.first
    insert_ignoring_conflicts(AidFollowUp, key=aid.key, family=aid.family.value,
                              application_id=first.application_id,
                              project_id=first.project_id, created_at=utcnow())
    queries.followup_of(aid.key, lock=True)
    db.session.expire_all()
    return _aid(aid.id)


# --- Keeping the SCDL columns and closing ----------------------------------------------------

def _payment_columns(aid: Aid) -> None:
    """The SCDL ``conditionsVersement`` and ``datesPeriodeVersement`` of the aid's rows,
    from its schedule and its payments (:func:`followup_rules.payment_period`)."""
    followup = aid.followup
    terms, start, end = followup_rules.payment_period(
        followup.advance_percent, followup.advance_on, followup.balance_on,
        [payment.paid_on for payment in aid.payments], followup.closed_at is not None)
    for row in aid.rows:
        row.payment_terms, row.payment_start, row.payment_end = terms, start, end


def _close_if_settled(member: User, aid: Aid) -> bool:
    """Close the aid once every row is paid its final amount (or more: an amount to
    recover): what was granted and will never be paid is released to its envelope."""
    if aid.closed or aid.final_cents is None \
            or any(row.paid_cents < row.final_cents for row in aid.rows):
        return False
    released = {}
    for row in aid.rows:
        cents = row.amount_cents - row.final_cents
        if cents:
            done = db.session.execute(
                update(Envelope)
                .where(Envelope.id == row.envelope_id, Envelope.committed_cents >= cents)
                .values(committed_cents=Envelope.committed_cents - cents)
                .execution_options(synchronize_session=False)).rowcount
            if done != 1:  # the envelope's accounts do not hold this commitment
                raise FollowUpConflict(_l("The envelope does not hold this commitment: nothing "
                                          "can be released."), code="release")
        row.released_cents = cents
        released[row.id] = cents
    aid.followup.closed_at = utcnow()
    audit.record(member, "aid.close", "aid_grant", aid.id, key=aid.key,
                 final_cents=aid.final_cents, paid_cents=aid.paid_cents,
                 released_cents=released)
    _payment_columns(aid)
    return True


# --- The schedule ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ScheduleInput:
    advance_percent: int | None = None
    advance_on: date | None = None
    balance_on: date | None = None


@retrying
def schedule(member: User, grant_id: int, data: ScheduleInput) -> Aid:
    """The committee sets the aid's payment schedule: the advance's share of each grant row
    (0 %: a single payment after the final report) and the planned dates; audited."""
    aid = _manager(member, grant_id, "aid.schedule")
    percent = data.advance_percent
    if isinstance(percent, bool) or not isinstance(percent, int) \
            or not 0 <= percent <= followup_rules.ADVANCE_PERCENT_MAX:
        raise FollowUpError(_l("The advance is a share between 0 and 100 %."),
                            field="advance_percent")
    if percent and data.advance_on is None:
        raise FollowUpError(_l("Give the planned date of the advance."), field="advance_on")
    if data.balance_on is None:
        raise FollowUpError(_l("Give the planned date of the balance."), field="balance_on")
    if percent and data.balance_on < data.advance_on:
        raise FollowUpError(_l("The balance is paid after the advance."), field="balance_on")
    aid = _locked(aid)
    if aid.closed:
        raise FollowUpConflict(_l("This aid is closed: its schedule no longer changes."),
                               code="closed")
    followup = aid.followup
    before = followup.advance_percent
    followup.advance_percent = percent
    followup.advance_on = data.advance_on if percent else None
    followup.balance_on = data.balance_on
    followup.scheduled_by_id, followup.scheduled_at = member.id, utcnow()
    _payment_columns(aid)
    audit.record(member, "aid.schedule", "aid_grant", aid.id, key=aid.key,
                 before=before, advance_percent=percent,
                 advance_cents=aid.advance_planned_cents,
                 advance_on=followup.advance_on.isoformat() if followup.advance_on else None,
                 balance_on=followup.balance_on.isoformat())
    db.session.commit()
    return aid


# --- The final report ----------------------------------------------------------------------

def manager_ids(aid: Aid) -> list[int]:
    """Who judges the report: the Region's committee and the deciders of the delegated
    envelopes the aid draws on."""
    committee = set(db.session.scalars(select(UserRole.user_id).where(
        UserRole.role == Role.COMMITTEE)))
    deciders = set(db.session.scalars(select(EnvelopeMember.user_id).where(
        EnvelopeMember.envelope_id.in_([row.envelope_id for row in aid.rows]))))
    return sorted((committee | deciders) - queries.beneficiaries(aid))


def _store(report: AidReport, reading) -> None:
    report.narrative = reading.narrative
    report.narrative_html = render(reading.narrative)
    report.expense_lines = [ReportExpense(position=i, label=label, amount_cents=cents,
                                          section=section)
                            for i, (label, cents, section) in enumerate(reading.expenses)]
    report.revenue_lines = [ReportRevenue(position=i, kind=kind, label=label, amount_cents=cents)
                            for i, (kind, label, cents) in enumerate(reading.revenues)]
    report.links = [ReportLink(position=i, title=title, url=url)
                    for i, (title, url) in enumerate(reading.links)]
    report.expenses_cents, report.revenues_cents = reading.expenses_cents, reading.revenues_cents
    report.updated_at = utcnow()


@use_case
def save_report(user: User, grant_id: int, data: ReportInput, *, submit: bool = False) -> Aid:
    """The beneficiary saves the final report (a draft), or sends it to the committee
    (``submit``: every rule must hold: an actual expense line, a narrative); refused with
    :class:`ReportInvalid` listing every problem, nothing saved."""
    aid = _aid(grant_id)
    if not queries.is_beneficiary(user, aid):
        raise FollowUpForbidden(_l("Only the aid's beneficiary files its final report."),
                                code="forbidden")
    reading = read(data)
    problems = reading.problems if submit else reading.input_problems
    if problems:
        raise ReportInvalid(problems)
    aid = _locked(aid)
    report = aid.report
    if report is None:
        report = AidReport(followup_id=aid.followup.id, status=ReportStatus.DRAFT,
                           author_id=user.id)
        db.session.add(report)
    elif report.status not in EDITABLE:
        raise FollowUpConflict(_l("The report is with the committee or accepted: it can no "
                                  "longer be changed."), code="not_editable")
    before = report.status.value if report.id else None
    _store(report, reading)
    if submit:
        report.status, report.submitted_at, report.author_id = (ReportStatus.SUBMITTED,
                                                                utcnow(), user.id)
    db.session.flush()
    audit.record(user, "aid.report_submit" if submit else "aid.report_save", "aid_report",
                 report.id, key=aid.key, before=before, after=report.status.value,
                 expenses_cents=report.expenses_cents, revenues_cents=report.revenues_cents)
    if submit:
        notifications.notify(manager_ids(aid), "aid.report_submitted", url=followup_path(aid),
                             aid=aid.title)
    db.session.commit()
    return aid


def _submitted_report(aid: Aid) -> AidReport:
    if aid.report is None or aid.report.status != ReportStatus.SUBMITTED:
        raise FollowUpConflict(_l("No final report awaits the committee (someone may have "
                                  "just answered it)."), code="not_submitted")
    return aid.report


@retrying
def accept_report(member: User, grant_id: int) -> Aid:
    """The committee accepts the final report: each grant row's final amount is recomputed
    under the rules it was granted under, with the actual cost
    (:func:`followup_rules.final_amounts`); the balance is that less what was paid, and the
    aid closes at once when nothing is left to pay. Audited; the beneficiary is told."""
    aid = _locked(_manager(member, grant_id, "aid.report_accept"))
    report = _submitted_report(aid)
    actual = {section: 0 for section in followup_rules.Section}
    for line in report.expense_lines:
        actual[line.section] += line.amount_cents
    rows = [followup_rules.Row(row.id, row.section, row.amount_cents) for row in aid.rows]
    finals = followup_rules.final_amounts(aid.family, rows, actual, aid.policy)
    for row in aid.rows:
        row.final_cents = finals[row.id]
    report.status, report.decided_at, report.decided_by_id = (ReportStatus.ACCEPTED, utcnow(),
                                                              member.id)
    settlement = aid.settlement
    audit.record(member, "aid.report_accept", "aid_report", report.id, key=aid.key,
                 actual_cost_cents=sum(actual.values()), granted_cents=aid.granted_cents,
                 final_cents=settlement.final_cents, paid_cents=settlement.paid_cents,
                 balance_cents=settlement.balance_cents,
                 to_recover_cents=settlement.to_recover_cents)
    _close_if_settled(member, aid)
    notifications.notify(sorted(queries.beneficiaries(aid)), "aid.report_accepted",
                         url=followup_path(aid), aid=aid.title,
                         final=format_cents(settlement.final_cents),
                         balance=format_cents(settlement.balance_cents))
    db.session.commit()
    return aid


@use_case
def ask_report_changes(member: User, grant_id: int, note: str) -> Aid:
    """The committee sends the report back with a note; the beneficiary edits and sends it
    again. Audited; the beneficiary is told."""
    note = (note or "").strip()
    if not note:
        raise FollowUpError(_l("Say what should change."), field="note")
    if len(note) > NOTE_MAX:
        raise FollowUpError(_l("At most %(max)d characters.", max=NOTE_MAX), field="note")
    aid = _locked(_manager(member, grant_id, "aid.report_changes"))
    report = _submitted_report(aid)
    report.status, report.committee_note = ReportStatus.CHANGES_REQUESTED, note
    report.decided_at, report.decided_by_id = utcnow(), member.id
    audit.record(member, "aid.report_changes", "aid_report", report.id, key=aid.key,
                 note=note)
    notifications.notify(sorted(queries.beneficiaries(aid)), "aid.report_changes",
                         url=followup_path(aid), aid=aid.title, note=note)
    db.session.commit()
    return aid


# --- Payments ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PaymentInput:
    part: PaymentPart
    amount_cents: int
    paid_on: date


def _nothing_payable(aid: Aid, part: PaymentPart) -> FollowUpError:
    if part == PaymentPart.ADVANCE:
        if not aid.scheduled:
            return FollowUpConflict(_l("Set the payment schedule before paying the advance."),
                                    field="part", code="not_scheduled")
        if aid.final_cents is not None:
            return FollowUpConflict(_l("The final report is accepted: pay the balance."),
                                    field="part", code="final_known")
        return FollowUpConflict(_l("The advance is paid."), field="part", code="advance_paid")
    if aid.final_cents is None:
        return FollowUpConflict(_l("The balance is paid once the final report is accepted."),
                                field="part", code="no_final")
    return FollowUpConflict(_l("Nothing is left to pay."), field="part", code="settled")


@retrying
def record_payment(member: User, grant_id: int, data: PaymentInput) -> Aid:
    """The committee records a payment (the advance, or the balance), spread over the aid's
    grant rows in proportion to what each can be paid; never more than the planned
    advance, nor than the final amount (a conditional UPDATE per row). Audited; the
    beneficiary is told; the aid closes when its balance is paid."""
    amount = data.amount_cents
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise FollowUpError(_l("The amount must be more than zero."), field="amount")
    if not isinstance(data.paid_on, date):
        raise FollowUpError(_l("Give the date of the payment."), field="paid_on")
    part = PaymentPart(data.part)
    aid = _locked(_manager(member, grant_id, "aid.payment"))
    if aid.closed:
        raise FollowUpConflict(_l("This aid is closed: nothing is left to pay."),
                               code="closed")
    payable = aid.payable(part)
    if not sum(payable):
        raise _nothing_payable(aid, part)
    if amount > sum(payable):
        raise FollowUpError(_l("At most %(max)s can be paid now for this part.",
                               max=format_cents(sum(payable))), field="amount",
                            code="above_payable")
    payments = []
    for row, cents in zip(aid.rows, followup_rules.split(amount, payable), strict=True):
        if not cents:
            continue
        done = db.session.execute(
            update(AidGrant)
            .where(AidGrant.id == row.id,
                   AidGrant.paid_cents + cents <= func.coalesce(AidGrant.final_cents,
                                                                AidGrant.amount_cents))
            .values(paid_cents=AidGrant.paid_cents + cents)
            .execution_options(synchronize_session=False)).rowcount
        if done != 1:
            raise FollowUpConflict(_l("This payment would pay more than is due."),
                                   field="amount", code="above_due")
        payment = AidPayment(grant_id=row.id, part=part, amount_cents=cents,
                             paid_on=data.paid_on, recorded_by_id=member.id)
        db.session.add(payment)
        payments.append(payment)
    db.session.flush()
    db.session.expire_all()
    aid = _aid(aid.id)
    audit.record(member, "aid.payment", "aid_grant", aid.id, key=aid.key, part=part.value,
                 amount_cents=amount, paid_on=data.paid_on.isoformat(),
                 payment_ids=[p.id for p in payments], paid_cents=aid.paid_cents)
    _payment_columns(aid)
    _close_if_settled(member, aid)
    notifications.notify(sorted(queries.beneficiaries(aid)), "aid.paid",
                         url=followup_path(aid), aid=aid.title, amount=format_cents(amount))
    db.session.commit()
    return aid
