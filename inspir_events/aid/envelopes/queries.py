"""Reading the envelopes: the public dashboard of a budget year, and the decisions behind
each figure for the committee and the admins.

Read-only: the use cases that commit money are in :mod:`inspir_events.aid.envelopes.services`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from inspir_events.accounts.models import Role
from inspir_events.aid import rules
from inspir_events.aid.envelopes.models import Commitment, Envelope, EnvelopeMember
from inspir_events.aid.models import AidGrant
from inspir_events.extensions import db
from inspir_events.timeutil import utc_to_paris, utcnow


@dataclass
class Decision:
    """A commitment on an envelope and what it paid for: a grant, or a delegation."""

    commitment: Commitment
    grant: AidGrant | None = None
    sub_envelope: Envelope | None = None


@dataclass
class EnvelopeLine:
    envelope: Envelope
    amount_cents: int
    committed_cents: int
    remaining_cents: int
    paid_cents: int = 0  # paid to the beneficiaries of its grants
    released_cents: int = 0  # committed, never to be paid, given back (closed aid)
    sub_envelopes: list[EnvelopeLine] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    members: list[EnvelopeMember] = field(default_factory=list)


@dataclass
class Dashboard:
    year: int
    lines: list[EnvelopeLine]
    amount_cents: int
    committed_cents: int
    remaining_cents: int
    paid_cents: int = 0
    released_cents: int = 0


def envelope_years() -> list[int]:
    """The budget years that have envelopes (every opened year), in order."""
    return list(db.session.scalars(select(Envelope.year).distinct().order_by(Envelope.year)))


def shown_year(asked: int | None) -> int | None:
    """The year a dashboard shows: the one asked for if it has envelopes (None if it has
    none), else the latest year in force (:func:`rules.latest_in_force`), else this year."""
    years = envelope_years()
    if asked is not None:
        return asked if asked in years else None
    today = utc_to_paris(utcnow()).date()
    return rules.latest_in_force(years, today) or today.year


def can_see_decisions(user) -> bool:
    """The committee and the admins see the decisions behind the dashboard's figures."""
    return bool(user and getattr(user, "is_authenticated", False)
                and (user.is_admin or user.has_role(Role.COMMITTEE)))


def _decisions(envelope: Envelope) -> list[Decision]:
    """The envelope's commitments, each with its grant or its delegated sub-envelope."""
    commitments = list(envelope.commitments)
    grants = {grant.commitment_id: grant for grant in db.session.scalars(
        select(AidGrant).where(AidGrant.commitment_id.in_([c.id for c in commitments]))
        .options(selectinload(AidGrant.application), selectinload(AidGrant.project),
                 selectinload(AidGrant.decided_by)))} if commitments else {}
    children = {str(child.id): child for child in envelope.children}
    return [Decision(commitment=c, grant=grants.get(c.id),
                     sub_envelope=children.get(c.object_id) if c.object_type == "envelope"
                     else None)
            for c in commitments]


def _paid_and_released(year: int) -> dict[int, tuple[int, int]]:
    """Per envelope of the year: what its grants were paid, and what was released."""
    return {envelope_id: (int(paid), int(released)) for envelope_id, paid, released in
            db.session.execute(
                select(AidGrant.envelope_id, func.coalesce(func.sum(AidGrant.paid_cents), 0),
                       func.coalesce(func.sum(AidGrant.released_cents), 0))
                .join(Envelope, Envelope.id == AidGrant.envelope_id)
                .where(Envelope.year == year).group_by(AidGrant.envelope_id))}


def _line(envelope: Envelope, with_decisions: bool,
          money: dict[int, tuple[int, int]]) -> EnvelopeLine:
    decisions = _decisions(envelope) if with_decisions else []
    members = list(db.session.scalars(
        select(EnvelopeMember).where(EnvelopeMember.envelope_id == envelope.id)
        .options(selectinload(EnvelopeMember.user)).order_by(EnvelopeMember.added_at)
    )) if with_decisions and envelope.parent_id is not None else []
    paid, released = money.get(envelope.id, (0, 0))
    return EnvelopeLine(
        envelope=envelope, amount_cents=envelope.amount_cents,
        committed_cents=envelope.committed_cents, remaining_cents=envelope.remaining_cents,
        paid_cents=paid, released_cents=released,
        sub_envelopes=[_line(child, with_decisions, money) for child in envelope.children],
        commitments=[d.commitment for d in decisions], decisions=decisions, members=members,
    )


def dashboard(year: int, *, with_decisions: bool = False) -> Dashboard:
    """Per top-level envelope of the year: amount, committed, paid, released, remaining,
    sub-envelopes. Committed is what the envelope's decisions still hold (a closed aid's
    unpaid part is released: back in the remaining amount); paid and released are its
    grants' (:mod:`inspir_events.aid.followup`); a delegated envelope's own are on its line.

    ``with_decisions`` (committee and admin) adds the decisions behind each
    figure: every commitment with the grant it paid (reference, beneficiary,
    event or project) or the sub-envelope it delegated, and each delegated
    envelope's deciders. Visitors get the totals only (the granted aid itself
    is public through the SCDL export).
    """
    tops = db.session.scalars(
        select(Envelope).where(Envelope.year == year, Envelope.parent_id.is_(None))
        .order_by(Envelope.former_region, Envelope.section)).all()
    money = _paid_and_released(year)
    lines = [_line(envelope, with_decisions, money) for envelope in tops]
    amount = sum(line.amount_cents for line in lines)
    committed = sum(line.committed_cents for line in lines)
    every = [line for top in lines for line in (top, *top.sub_envelopes)]
    return Dashboard(year=year, lines=lines, amount_cents=amount, committed_cents=committed,
                     remaining_cents=amount - committed,
                     paid_cents=sum(line.paid_cents for line in every),
                     released_cents=sum(line.released_cents for line in every))
