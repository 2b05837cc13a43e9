"""Co-funding applications: the organiser's side (who may apply, draft, check, submit).

From the deliberation INS'pir 2016: « Pour le soutien à des actions par des tiers,
la Région interviendra au maximum à 50% et dans la limite de 12.500 euros de part
Région »; the co-funded event follows the charter (it holds the INS'pir label),
and an event the Region runs « en propre » is not co-funded this way.

The input is read by :mod:`.reading` (every problem at once, each next
to its line); the committee's queue and decisions are in
:mod:`.decisions`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.aid import messages, rules
from inspir_events.aid.cofunding.models import (
    ApplicationDocument,
    ApplicationStatus,
    CofundingApplication,
    ExpenseLine,
    RevenueLine,
)
from inspir_events.aid.cofunding.reading import (
    NAME_MAX,
    PURPOSE_MAX,
    ApplicationInput,
    DocumentInput,
    ExpenseInput,
    Problem,
    Reading,
    RevenueInput,
    read,
)
from inspir_events.aid.envelopes.models import Envelope, EnvelopeMember
from inspir_events.aid.models import AidGrant
from inspir_events.aid.years import services as years
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.domain import DomainError
from inspir_events.events.access import is_organiser
from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus, RunBy
from inspir_events.extensions import db
from inspir_events.labels import services as labels
from inspir_events.labels.charter import LabelStatus, SubjectType
from inspir_events.notifications import services as notifications
from inspir_events.reference.models import Department
from inspir_events.timeutil import utc_to_paris, utcnow
from inspir_events.urls import path_for

EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)


class ApplicationError(DomainError):
    """An application use case refused (422 unless a subclass says otherwise).

    ``code`` is stable for programs and tests (``region_led``, ``not_labelled``...).
    """

    def __init__(self, message, field: str | None = None, code: str = "refused"):
        super().__init__(message, field)
        self.code = code


class ApplicationForbidden(ApplicationError):
    status = 403


class ApplicationNotFound(ApplicationError):
    status = 404

    def __init__(self):
        super().__init__(_l("This co-funding application does not exist."), code="not_found")


class ApplicationConflict(ApplicationError):
    """The application's status forbids this now (already submitted, already decided)."""

    status = 409


class ApplicationInvalid(ApplicationError):
    """Every problem found in the input, each next to its field."""

    def __init__(self, problems: list[Problem]):
        super().__init__(_l("The application cannot be sent as it is: see each problem "
                            "below."), code="invalid")
        self.problems = problems


# --- Who may apply ------------------------------------------------------------

def budget_year(event: Event) -> int:
    """The budget year of an event: the year it starts in, in Paris."""
    return utc_to_paris(event.starts_at).year


def _event(user: User, event_id: int, lock: bool = False) -> Event:
    if not (user and getattr(user, "is_authenticated", False)):
        raise ApplicationForbidden(_l("Sign in as an organiser of the event."), code="forbidden")
    if isinstance(event_id, bool) or not isinstance(event_id, int) or not 0 < event_id <= ID_MAX:
        raise ApplicationNotFound()
    stmt = select(Event).where(Event.id == event_id)
    event = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if event is None or (event.status == EventStatus.DRAFT and not is_organiser(user, event)):
        raise ApplicationNotFound()
    if not is_organiser(user, event):
        raise ApplicationForbidden(_l("Only the event's organisers apply for its co-funding."),
                                   code="forbidden")
    return event


def organisers_event(user: User, event_id: int, lock: bool = False) -> Event:
    """The event, for one of its organisers (else 404 or 403); locked for a change."""
    return _event(user, event_id, lock)


def eligibility_problem(event: Event) -> ApplicationError | None:
    """Why this event cannot ask for co-funding, or None: third-party, labelled, not
    cancelled, in a budget year that has rules."""
    if event.run_by != RunBy.THIRD_PARTY:
        # The rules' own region_led violation, so the reason is worded once.
        verdict = rules.check_event_cofunding(1, 0, 1, True, rules.POLICY_2016)
        violation = next(v for v in verdict.violations if v.code == "region_led")
        return ApplicationError(messages.message(violation), code="region_led")
    if event.status == EventStatus.CANCELLED:
        return ApplicationError(_l("A cancelled event is not co-funded."), code="cancelled")
    label = labels.latest(SubjectType.EVENT, event.id)
    if label is None or label.status != LabelStatus.GRANTED:
        return ApplicationError(_l("Only an event holding the INS'pir label may ask for "
                                   "co-funding: ask for the label first."), code="not_labelled")
    if years.current(budget_year(event)) is None:
        return ApplicationError(_l("There are no aid rules for the budget year %(year)s.",
                                   year=budget_year(event)), code="unknown_year")
    return None


def _application_of(event_id: int, lock: bool = False) -> CofundingApplication | None:
    stmt = select(CofundingApplication).where(CofundingApplication.event_id == event_id)
    return db.session.scalar(stmt.with_for_update() if lock else stmt)


def application_of(event_id: int, lock: bool = False) -> CofundingApplication | None:
    """The event's application (None before its first save)."""
    return _application_of(event_id, lock)


def for_organiser(user: User, event_id: int) -> tuple[Event, CofundingApplication | None]:
    """The event and its application (None before the first save), for its organisers.

    An event that cannot apply raises its reason, unless it already has an
    application (its organisers still see its status and the decision).
    """
    event = _event(user, event_id)
    application = _application_of(event.id)
    problem = eligibility_problem(event)
    if problem is not None and application is None:
        raise problem
    return event, application


def grants_of(application: CofundingApplication | None) -> list[AidGrant]:
    """The grants decided for this application (none before the committee's decision)."""
    if application is None:
        return []
    return list(db.session.scalars(select(AidGrant).where(
        AidGrant.application_id == application.id).order_by(AidGrant.id)))


def read_for_event(event: Event, data: ApplicationInput) -> Reading:
    """The typed application read under the rules of the event's budget year."""
    year = budget_year(event)
    return read(data, event.run_by == RunBy.REGION, years.policy_for(year))


def check(user: User, event_id: int, data: ApplicationInput) -> Reading:
    """The verdict on the typed application, for its organisers; nothing is saved."""
    event = _event(user, event_id)
    problem = eligibility_problem(event)
    if problem is not None:
        raise problem
    return read_for_event(event, data)


# --- Saving and submitting ---------------------------------------------------------

def _writable(user: User, event_id: int) -> tuple[Event, CofundingApplication | None]:
    begin_write()
    event = _event(user, event_id, lock=True)
    problem = eligibility_problem(event)
    if problem is not None:
        raise problem
    application = _application_of(event.id, lock=True)
    if application is not None and application.status not in EDITABLE:
        raise ApplicationConflict(_l("This application is with the committee or decided: it "
                                     "can no longer be changed."), code="not_editable")
    return event, application


def _store(user: User, event: Event, application: CofundingApplication | None,
           reading: Reading) -> CofundingApplication:
    if application is None:
        application = CofundingApplication(event_id=event.id, year=budget_year(event),
                                           applicant_id=user.id, status=ApplicationStatus.DRAFT)
        db.session.add(application)
    application.beneficiary_name = reading.name[:NAME_MAX]
    application.beneficiary_siret, application.beneficiary_rna = reading.siret, reading.rna
    application.purpose = (reading.purpose or event.title)[:PURPOSE_MAX]
    application.region_share_cents = reading.region_share_cents or 0
    application.expense_lines = [
        ExpenseLine(position=i, label=label, amount_cents=cents, section=section)
        for i, (label, cents, section) in enumerate(reading.expenses)]
    application.revenue_lines = [
        RevenueLine(position=i, kind=kind, label=label, amount_cents=cents, confirmed=confirmed)
        for i, (kind, label, cents, confirmed) in enumerate(reading.revenues)]
    application.documents = [ApplicationDocument(position=i, title=title, url=url)
                             for i, (title, url) in enumerate(reading.documents)]
    application.total_cost_cents = reading.total_cost_cents
    application.other_revenues_cents = reading.other_revenues_cents
    application.updated_at = utcnow()
    db.session.flush()
    return application


@use_case
def save_draft(user: User, event_id: int, data: ApplicationInput) -> CofundingApplication:
    """Save the application as it is (created as a draft on the first save).

    Allowed while the rules are still broken, but every amount must be readable;
    only in draft or after the committee asked for changes.
    """
    event, application = _writable(user, event_id)
    reading = read_for_event(event, data)
    problems = list(reading.input_problems)
    if application is not None and application.status != ApplicationStatus.DRAFT:
        # Once submitted, the beneficiary stays identified (a CHECK in the database too).
        problems += [p for p in reading.rule_problems if p.field == "beneficiary_identifier"]
    if problems:
        raise ApplicationInvalid(problems)
    created = application is None
    application = _store(user, event, application, reading)
    audit.record(user, "application.create" if created else "application.save",
                 "cofunding_application", application.id, event_id=event.id,
                 total_cost_cents=application.total_cost_cents,
                 region_share_cents=application.region_share_cents)
    db.session.commit()
    return application


def reviewer_ids(event: Event, year: int) -> list[int]:
    """Who reviews an event's application: the Region's committee and the members of
    the delegated envelopes of the event's former region that year."""
    committee = set(db.session.scalars(select(UserRole.user_id).where(
        UserRole.role == Role.COMMITTEE)))
    department = db.session.get(Department, event.department_code)
    delegated = set()
    if department is not None:
        region = rules.FormerRegion[department.former_region.name]
        delegated = set(db.session.scalars(
            select(EnvelopeMember.user_id).join(Envelope, Envelope.id == EnvelopeMember.envelope_id)
            .where(Envelope.year == year, Envelope.former_region == region)))
    return sorted(committee | delegated)


@use_case
def submit(user: User, event_id: int, data: ApplicationInput) -> CofundingApplication:
    """Save and send the application to the committee, if it follows every rule.

    Refused with :class:`ApplicationInvalid` listing every problem (nothing saved):
    unreadable amounts per line, no expense line, no SIRET/RNA, and each of the
    verdict's violations (50 % of the total cost, the 12,500 € cap, a balanced
    budget, not an event the Region runs itself).
    """
    event, application = _writable(user, event_id)
    reading = read_for_event(event, data)
    if reading.problems:
        raise ApplicationInvalid(reading.problems)
    before = application.status.value if application is not None else None
    application = _store(user, event, application, reading)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow()
    audit.record(user, "application.submit", "cofunding_application", application.id,
                 before=before, after=application.status.value, event_id=event.id,
                 total_cost_cents=application.total_cost_cents,
                 region_share_cents=application.region_share_cents,
                 other_revenues_cents=application.other_revenues_cents)
    notifications.notify(reviewer_ids(event, application.year), "application.submitted",
                         url=path_for("aid.review", application_id=application.id),
                         event=event.title)
    db.session.commit()
    return application


def as_input(application: CofundingApplication) -> ApplicationInput:
    """A saved application as form input (amounts in euros, French style)."""
    def euros(cents: int) -> str:
        return f"{cents // 100},{cents % 100:02d}"

    return ApplicationInput(
        beneficiary_name=application.beneficiary_name,
        beneficiary_identifier=application.beneficiary_siret or application.beneficiary_rna or "",
        purpose=application.purpose, region_share=euros(application.region_share_cents),
        expenses=[ExpenseInput(line.label, euros(line.amount_cents), line.section.value)
                  for line in application.expense_lines],
        revenues=[RevenueInput(line.kind.value, line.label, euros(line.amount_cents),
                               line.confirmed) for line in application.revenue_lines],
        documents=[DocumentInput(doc.title, doc.url) for doc in application.documents])
