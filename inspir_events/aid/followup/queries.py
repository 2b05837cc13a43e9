"""Reading the follow-up: an aid (the grant rows of one decision to one beneficiary), who
may see and act on it, what it would be paid, the beneficiary's and the committee's lists.

An aid is found from any of its grant rows: the rows sharing its decision's reference
(one co-funding application; one project's grants of a year), its support structure's
grant apart (another beneficiary). Read-only: the use cases are in :mod:`.services`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from inspir_events.aid import rules
from inspir_events.aid.cofunding import decisions as cofunding
from inspir_events.aid.cofunding.models import CofundingApplication
from inspir_events.aid.envelopes import services as envelopes
from inspir_events.aid.envelopes.models import EnvelopeMember
from inspir_events.aid.followup import rules as followup_rules
from inspir_events.aid.followup.models import AidFollowUp, AidReport, ReportStatus
from inspir_events.aid.followup.rules import Family
from inspir_events.aid.models import AidGrant, AidPayment, GrantKind, PaymentPart
from inspir_events.aid.projects import queries as projects
from inspir_events.aid.projects.models import Project, ProjectMember
from inspir_events.aid.years import services as years
from inspir_events.database import ID_MAX
from inspir_events.events.models import Event, EventOrganiser
from inspir_events.extensions import db

FAMILIES = {
    GrantKind.EVENT_COFUNDING: Family.EVENT,
    GrantKind.PROJECT_OPERATING: Family.PROJECT,
    GrantKind.PROJECT_INVESTMENT: Family.PROJECT,
    GrantKind.STRUCTURE: Family.STRUCTURE,
}
STRUCTURE_SUFFIX = "/structure"


def family_of(grant: AidGrant) -> Family:
    return FAMILIES[GrantKind(grant.kind)]


def key_of(grant: AidGrant) -> str:
    """The aid's key: its decision's reference (and "/structure" for a structure's grant)."""
    suffix = STRUCTURE_SUFFIX if family_of(grant) == Family.STRUCTURE else ""
    return f"{grant.reference}{suffix}"


@dataclass
class Aid:
    """One aid: its grant rows (where the money is), its follow-up and report if any."""

    family: Family
    key: str
    rows: list[AidGrant]
    followup: AidFollowUp | None
    payments: list[AidPayment] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The aid's id in its pages' addresses: its first grant row's."""
        return self.rows[0].id

    @property
    def first(self) -> AidGrant:
        return self.rows[0]

    @property
    def report(self) -> AidReport | None:
        return self.followup.report if self.followup is not None else None

    @property
    def application(self) -> CofundingApplication | None:
        return self.first.application

    @property
    def project(self) -> Project | None:
        return self.first.project

    @property
    def title(self) -> str:
        if self.application is not None and self.application.event is not None:
            return self.application.event.title
        return self.project.title if self.project is not None else self.first.purpose

    @property
    def granted_cents(self) -> int:
        return sum(row.amount_cents for row in self.rows)

    @property
    def paid_cents(self) -> int:
        return sum(row.paid_cents for row in self.rows)

    @property
    def released_cents(self) -> int:
        return sum(row.released_cents for row in self.rows)

    @property
    def final_cents(self) -> int | None:
        if any(row.final_cents is None for row in self.rows):
            return None
        return sum(row.final_cents for row in self.rows)

    @property
    def scheduled(self) -> bool:
        return self.followup is not None and self.followup.advance_percent is not None

    @property
    def closed(self) -> bool:
        return self.followup is not None and self.followup.closed_at is not None

    @property
    def report_status(self) -> ReportStatus | None:
        return self.report.status if self.report is not None else None

    def advance_planned(self, row: AidGrant) -> int | None:
        """A row's planned advance (None before the schedule)."""
        if not self.scheduled:
            return None
        return followup_rules.advance_cents(row.amount_cents, self.followup.advance_percent)

    @property
    def advance_planned_cents(self) -> int | None:
        if not self.scheduled:
            return None
        return sum(self.advance_planned(row) for row in self.rows)

    def payable(self, part: PaymentPart) -> list[int]:
        """What each row can be paid now, for that part."""
        return [followup_rules.payable_cents(part == PaymentPart.ADVANCE, row.amount_cents,
                                             self.advance_planned(row), row.final_cents,
                                             row.paid_cents) for row in self.rows]

    @property
    def settlement(self) -> followup_rules.Settlement | None:
        """The aid's account once the final report is accepted (None before)."""
        if self.final_cents is None:
            return None
        return followup_rules.Settlement(self.granted_cents, self.final_cents, self.paid_cents)

    @property
    def policy(self) -> rules.Policy:
        """The rules the aid was granted under (its balance is recomputed under them)."""
        row = self.first
        return years.policy_of(row.policy) if row.policy is not None \
            else years.policy_for(row.year)


def _rows(grant: AidGrant) -> list[AidGrant]:
    family = family_of(grant)
    query = select(AidGrant).where(AidGrant.reference == grant.reference)
    if family == Family.STRUCTURE:
        query = query.where(AidGrant.kind == GrantKind.STRUCTURE)
    else:
        query = query.where(AidGrant.kind != GrantKind.STRUCTURE)
    return list(db.session.scalars(query.order_by(AidGrant.id)))


def followup_of(key: str, lock: bool = False) -> AidFollowUp | None:
    stmt = select(AidFollowUp).where(AidFollowUp.key == key)
    return db.session.scalar(stmt.with_for_update() if lock else stmt)


def aid_of(grant_id: int) -> Aid | None:
    """The aid one of whose grant rows is ``grant_id`` (None: no such grant)."""
    if isinstance(grant_id, bool) or not isinstance(grant_id, int) \
            or not 0 < grant_id <= ID_MAX:
        return None
    grant = db.session.get(AidGrant, grant_id)
    if grant is None:
        return None
    rows = _rows(grant)
    key = key_of(grant)
    payments = list(db.session.scalars(
        select(AidPayment).where(AidPayment.grant_id.in_([row.id for row in rows]))
        .order_by(AidPayment.paid_on, AidPayment.id)))
    return Aid(family_of(grant), key, rows, followup_of(key), payments)


# --- Who ---------------------------------------------------------------------------------

def beneficiaries(aid: Aid) -> set[int]:
    """Who files the final report and is told of the payments: an application's applicant
    and its event's organisers; a project's team; a support structure (its account)."""
    if aid.family == Family.EVENT:
        return cofunding.parties(aid.first.application_id)
    project = aid.project
    if project is None:
        return set()
    if aid.family == Family.STRUCTURE:
        return {project.support_structure_id} if project.support_structure_id else set()
    return set(projects.member_ids(project))


def recusal_subject(aid: Aid) -> tuple[str, int]:
    """The subject whose parties take no part in the committee's follow-up decisions."""
    if aid.family == Family.EVENT:
        return cofunding.RECUSAL_SUBJECT, aid.first.application_id
    return projects.RECUSAL_SUBJECT, aid.first.project_id


def _signed_in(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False))


def can_manage(user, aid: Aid) -> bool:
    """The Region's committee, or the deciders of every envelope the aid draws on (a
    delegated envelope's own committee): they schedule, pay and judge the report."""
    if not _signed_in(user):
        return False
    return envelopes.is_committee(user) or all(
        envelopes.can_decide_on(user, row.envelope) for row in aid.rows)


def is_beneficiary(user, aid: Aid) -> bool:
    return _signed_in(user) and user.id in beneficiaries(aid)


def can_see(user, aid: Aid) -> bool:
    return is_beneficiary(user, aid) or can_manage(user, aid)


# --- Lists -------------------------------------------------------------------------------

def _aids(grants) -> list[Aid]:
    """One aid per key among ``grants``, newest decision first."""
    seen: dict[str, int] = {}
    for grant in grants:
        seen.setdefault(key_of(grant), grant.id)
    found = [aid_of(grant_id) for grant_id in seen.values()]
    return sorted(found, key=lambda aid: (aid.first.decided_at, aid.id), reverse=True)


def mine(user) -> list[Aid]:
    """The aid this person receives: their applications' (or their events'), their
    projects', and as a support structure the grants for the projects it accompanies."""
    if not _signed_in(user):
        return []
    organised = select(EventOrganiser.event_id).where(EventOrganiser.user_id == user.id)
    created = select(Event.id).where(Event.created_by_id == user.id)
    applications = select(CofundingApplication.id).where(or_(
        CofundingApplication.applicant_id == user.id,
        CofundingApplication.event_id.in_(organised), CofundingApplication.event_id.in_(created)))
    member_of = select(ProjectMember.project_id).where(ProjectMember.user_id == user.id)
    structured = select(Project.id).where(Project.support_structure_id == user.id)
    grants = db.session.scalars(select(AidGrant).where(or_(
        AidGrant.application_id.in_(applications),
        (AidGrant.kind != GrantKind.STRUCTURE) & AidGrant.project_id.in_(member_of),
        (AidGrant.kind == GrantKind.STRUCTURE) & AidGrant.project_id.in_(structured),
    )).order_by(AidGrant.id))
    return _aids(grants)


def manages_some(user) -> bool:
    """The Region's committee, or a decider of a delegated envelope (who follows up the aid
    granted from it)."""
    if not _signed_in(user):
        return False
    return envelopes.is_committee(user) or db.session.scalar(
        select(EnvelopeMember.envelope_id).where(EnvelopeMember.user_id == user.id)
        .limit(1)) is not None


def managed(user, year: int | None = None) -> list[Aid]:
    """The aid this member follows up (all of a year, or every year)."""
    query = select(AidGrant).order_by(AidGrant.id)
    if year is not None:
        query = query.where(AidGrant.year == year)
    return [aid for aid in _aids(db.session.scalars(query)) if can_manage(user, aid)]


def of_application(application_id: int) -> Aid | None:
    """The aid granted to a co-funding application (its page links to it)."""
    grant_id = db.session.scalar(select(AidGrant.id).where(
        AidGrant.application_id == application_id).order_by(AidGrant.id).limit(1))
    return aid_of(grant_id) if grant_id else None


def of_project(project_id: int) -> list[Aid]:
    """The aid granted for a project (its team's, its structure's)."""
    return _aids(db.session.scalars(select(AidGrant).where(
        AidGrant.project_id == project_id).order_by(AidGrant.id)))
