"""Envelope use cases: adding a year's envelopes, committing money (and grants), delegating.

Money moves by one conditional UPDATE::

    UPDATE envelope SET committed_cents = committed_cents + :a
    WHERE id = :id AND committed_cents + :a <= amount_cents

checked by its rowcount. The database applies it atomically (SQLite: under the
write lock taken by BEGIN IMMEDIATE; PostgreSQL: the row lock the UPDATE takes,
re-evaluating the condition on the committed row), so two committee members
deciding at the same moment can never push an envelope past its amount, and the
CHECK constraints stop it at the database too.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from inspir_events.accounts.models import Role, User
from inspir_events.aid import rules
from inspir_events.aid.envelopes.models import Commitment, Envelope, EnvelopeMember
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, retrying, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.reference.models import Department
from inspir_events.timeutil import utcnow

HOLDER_NAME_MAX = 120
OBJECT_TYPE_MAX = 40


class AidError(DomainError):
    """An envelope use case refused (422 unless a subclass says otherwise)."""


class AidForbidden(AidError):
    status = 403


class EnvelopeNotFound(AidError):
    status = 404

    def __init__(self):
        super().__init__(_l("This envelope does not exist."))


class EnvelopeExceeded(AidError):
    status = 409

    def __init__(self, remaining_cents: int):
        super().__init__(_l("This envelope does not have enough money left for this amount."),
                         field="amount")
        self.remaining_cents = remaining_cents


# --- Loading (from a year's rules: inspir_events.aid.years) -------------------------

def add_missing_envelopes(year: int, amounts) -> int:
    """Add the year's top-level envelopes that are missing, one per former region and
    section of ``amounts`` (cents, from the year's rules), in the caller's transaction."""
    existing = {tuple(row) for row in db.session.execute(
        select(Envelope.former_region, Envelope.section)
        .where(Envelope.year == year, Envelope.parent_id.is_(None)))}
    added = 0
    for (region, section), amount in sorted(amounts.items()):
        if (region, section) in existing:
            continue
        db.session.add(Envelope(year=year, former_region=region, section=section,
                                amount_cents=amount, committed_cents=0))
        added += 1
    db.session.flush()
    return added


def envelope_for(department_code: str, section: rules.Section | str, year: int) -> Envelope:
    """The top-level envelope an event in that department draws on."""
    department = db.session.get(Department, department_code)
    if department is None:
        raise EnvelopeNotFound()
    region = rules.FormerRegion[department.former_region.name]
    envelope = db.session.scalar(select(Envelope).where(
        Envelope.year == year, Envelope.former_region == region,
        Envelope.section == rules.Section(section), Envelope.parent_id.is_(None)))
    if envelope is None:
        raise EnvelopeNotFound()
    return envelope


# --- Committing ---------------------------------------------------------------

def _check_amount(amount_cents) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise AidError(_l("The amount must be a positive number of cents."), field="amount")


def _take(envelope_id: int, amount_cents: int) -> None:
    """Add to an envelope's committed amount if it fits, else refuse (the use case calling it
    rolls its transaction back)."""
    if isinstance(envelope_id, bool) or not isinstance(envelope_id, int) \
            or not 0 < envelope_id <= ID_MAX:
        raise EnvelopeNotFound()
    result = db.session.execute(
        update(Envelope)
        .where(Envelope.id == envelope_id,
               Envelope.committed_cents + amount_cents <= Envelope.amount_cents)
        .values(committed_cents=Envelope.committed_cents + amount_cents)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        return
    remaining = db.session.scalar(
        select(Envelope.amount_cents - Envelope.committed_cents).where(Envelope.id == envelope_id))
    if remaining is None:
        raise EnvelopeNotFound()
    raise EnvelopeExceeded(remaining)


def is_committee(user) -> bool:
    """A signed-in member of the Region's committee."""
    return bool(user and getattr(user, "is_authenticated", False)
                and user.has_role(Role.COMMITTEE))


def can_decide_on(user, envelope: Envelope | None) -> bool:
    """The Region's committee decides on every envelope; a delegated envelope's own
    committee (its :class:`EnvelopeMember` rows) decides within it, under the same rules."""
    if envelope is None or not (user and getattr(user, "is_authenticated", False)):
        return False
    if user.has_role(Role.COMMITTEE):
        return True
    return envelope.parent_id is not None and db.session.get(
        EnvelopeMember, (envelope.id, user.id)) is not None


def decidable_envelopes(user, year: int, former_region: rules.FormerRegion | None = None,
                        section: rules.Section | None = None) -> list[Envelope]:
    """The envelopes of a year this user may commit money on (top-level first)."""
    query = select(Envelope).where(Envelope.year == year)
    if former_region is not None:
        query = query.where(Envelope.former_region == former_region)
    if section is not None:
        query = query.where(Envelope.section == section)
    envelopes = db.session.scalars(
        query.order_by(Envelope.parent_id.is_not(None), Envelope.former_region,
                       Envelope.section, Envelope.id)).all()
    return [envelope for envelope in envelopes if can_decide_on(user, envelope)]


def _commit_in_transaction(member: User, envelope_id: int, amount_cents: int,
                           object_type: str, object_id, reason: str) -> Commitment:
    """Take the money and write the commitment and its audit entry; the caller (a use
    case) has called begin_write() and commits, or rolls everything back on a refusal."""
    envelope = db.session.get(Envelope, envelope_id) \
        if isinstance(envelope_id, int) and not isinstance(envelope_id, bool) \
        and 0 < envelope_id <= ID_MAX else None
    if envelope is None:
        raise EnvelopeNotFound()
    if not can_decide_on(member, envelope):
        raise AidForbidden(_l("Only committee members decide on aid."))
    _take(envelope_id, amount_cents)
    commitment = Commitment(envelope_id=envelope_id, amount_cents=amount_cents,
                            object_type=object_type, object_id=str(object_id)[:40],
                            decided_by_id=member.id, reason=(reason or "").strip())
    db.session.add(commitment)
    db.session.flush()
    audit.record(member, "envelope.commit", "envelope", envelope_id,
                 commitment_id=commitment.id, amount_cents=amount_cents,
                 for_type=object_type, for_id=commitment.object_id)
    return commitment


@retrying
def commit(member: User, envelope_id: int, amount_cents: int, object_type: str,
           object_id, reason: str = "") -> Commitment:
    """A committee member commits ``amount_cents`` on an envelope; audited.

    Refused with :class:`EnvelopeExceeded` (nothing changed) if the envelope's
    remaining amount is smaller, whatever other decisions run at the same time.
    """
    if not (member and getattr(member, "is_authenticated", False)):
        raise AidForbidden(_l("Only committee members decide on aid."))
    _check_amount(amount_cents)
    object_type = (object_type or "").strip()[:OBJECT_TYPE_MAX]
    if not object_type:
        raise AidError(_l("Say what the money is for."), field="object_type")
    begin_write()
    commitment = _commit_in_transaction(member, envelope_id, amount_cents, object_type,
                                        object_id, reason)
    db.session.commit()
    return commitment


@dataclass(frozen=True)
class Beneficiary:
    """Who receives the money (SCDL: nomBeneficiaire, idBeneficiaire or rnaBeneficiaire)."""

    name: str
    siret: str | None = None
    rna: str | None = None


def add_grant(member: User, *, kind: GrantKind, year: int, reference: str,
              envelope_id: int, section: rules.Section, amount_cents: int,
              beneficiary: Beneficiary, purpose: str, application_id: int | None = None,
              project_id: int | None = None, total_cost_cents: int | None = None,
              payment_terms: str = "unique", payment_start=None, payment_end=None,
              reason: str = "", policy_id: int | None = None) -> AidGrant:
    """Commit the money on the envelope and write the grant, in the caller's transaction.

    The caller (a use case of applications or projects) has checked the rules
    (:func:`rules.check_event_cofunding` / :func:`rules.check_grants`) of the version
    ``policy_id`` (:func:`inspir_events.aid.years.services.decision_policy`), called
    :func:`begin_write` and commits once; a refusal here (envelope exceeded,
    not a decider) raises, and that use case rolls its whole transaction back.
    """
    _check_amount(amount_cents)
    if not beneficiary.name or not (beneficiary.siret or beneficiary.rna):
        raise AidError(_l("The beneficiary needs a name and a SIRET or RNA number."),
                       field="beneficiary")
    object_type, object_id = (("cofunding_application", application_id)
                              if application_id is not None else ("project", project_id))
    commitment = _commit_in_transaction(member, envelope_id, amount_cents,
                                        f"{object_type}:{kind.value}"[:OBJECT_TYPE_MAX],
                                        object_id, reason)
    grant = AidGrant(kind=kind, year=year, reference=reference, application_id=application_id,
                     project_id=project_id, envelope_id=envelope_id,
                     commitment_id=commitment.id, section=rules.Section(section),
                     amount_cents=amount_cents, total_cost_cents=total_cost_cents,
                     beneficiary_name=beneficiary.name[:150], beneficiary_siret=beneficiary.siret,
                     beneficiary_rna=beneficiary.rna, purpose=purpose[:255],
                     payment_terms=payment_terms, payment_start=payment_start,
                     payment_end=payment_end, decided_by_id=member.id, decided_at=utcnow(),
                     policy_id=policy_id)
    db.session.add(grant)
    db.session.flush()
    audit.record(member, "aid.grant", object_type, object_id, grant_id=grant.id,
                 kind=kind.value, amount_cents=amount_cents, envelope_id=envelope_id,
                 reference=reference)
    return grant


def decision_reference(year: int, kind: str, object_id) -> str:
    """A stable decision reference, e.g. ``INSPIR-2016-COF-12`` (SCDL referenceDecision)."""
    return f"INSPIR-{year}-{kind}-{object_id}"


@use_case
def delegate(admin: User, envelope_id: int, holder_name: str, amount_cents: int,
             reason: str = "") -> Envelope:
    """An admin delegates part of an envelope to a territory or a digital venue; audited.

    The sub-envelope's amount is committed on its parent by the same atomic rule.
    """
    if not (admin and admin.is_admin):
        raise AidForbidden(_l("Only administrators delegate envelopes."))
    _check_amount(amount_cents)
    holder_name = " ".join((holder_name or "").split())
    if not holder_name or len(holder_name) > HOLDER_NAME_MAX:
        raise AidError(_l("Name the territory or digital venue (at most %(max)s characters).",
                          max=HOLDER_NAME_MAX), field="holder_name")
    begin_write()
    _take(envelope_id, amount_cents)
    parent = db.session.get(Envelope, envelope_id, populate_existing=True)
    child = Envelope(year=parent.year, former_region=parent.former_region,
                     section=parent.section, amount_cents=amount_cents, committed_cents=0,
                     parent_id=parent.id, holder_name=holder_name)
    db.session.add(child)
    db.session.flush()
    commitment = Commitment(envelope_id=parent.id, amount_cents=amount_cents,
                            object_type="envelope", object_id=str(child.id),
                            decided_by_id=admin.id,
                            reason=(reason or "").strip() or holder_name)
    db.session.add(commitment)
    db.session.flush()
    audit.record(admin, "envelope.delegate", "envelope", parent.id, sub_envelope_id=child.id,
                 holder_name=holder_name, amount_cents=amount_cents,
                 commitment_id=commitment.id)
    db.session.commit()
    return child
