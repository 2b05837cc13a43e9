"""The aid's shared table: :class:`AidGrant`, the money granted.

One row per decision and section, to an event's organiser (a co-funding
application), a project or its support structure; the envelopes commit it
(:func:`inspir_events.aid.envelopes.services.add_grant`), the co-funding and the
pipeline decide it, the dashboard and the SCDL export read it. The sub-packages'
own tables are in their ``models`` modules (``envelopes``, ``cofunding``, ``projects``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.aid.rules import Section
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow


class GrantKind(enum.StrEnum):
    EVENT_COFUNDING = "event_cofunding"  # a third-party event (an application)
    PROJECT_OPERATING = "project_operating"  # direct support to an experiment
    PROJECT_INVESTMENT = "project_investment"
    STRUCTURE = "structure"  # a support structure, for one project


class AidGrant(db.Model):
    """Money granted by one decision on one envelope (one row per section).

    The SCDL "subventions" export reads these rows: the beneficiary is identified
    by a SIRET or an RNA number (a CHECK makes one of them present).
    """

    __tablename__ = "aid_grant"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("(beneficiary_siret IS NOT NULL) OR (beneficiary_rna IS NOT NULL)",
                        name="beneficiary_identified"),
        CheckConstraint("(application_id IS NOT NULL) OR (project_id IS NOT NULL)",
                        name="granted_for_something"),
        UniqueConstraint("commitment_id", name="one_grant_per_commitment"),
        # The follow-up (issue 19 §3): never more paid than granted; the final amount
        # (after the final report) and the part released are within the amount granted.
        CheckConstraint("paid_cents >= 0 AND paid_cents <= amount_cents",
                        name="paid_within_amount"),
        CheckConstraint("final_cents IS NULL OR (final_cents >= 0 "
                        "AND final_cents <= amount_cents)", name="final_within_amount"),
        CheckConstraint("released_cents >= 0 AND released_cents <= amount_cents",
                        name="released_within_amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[GrantKind] = mapped_column(str_enum(GrantKind, 24), index=True)
    year: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(40), index=True)  # referenceDecision
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("cofunding_application.id", ondelete="RESTRICT"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    # The application to a call for projects it answers (issue 19 §1), for traceability.
    call_application_id: Mapped[int | None] = mapped_column(
        ForeignKey("call_application.id", ondelete="RESTRICT"), index=True)
    envelope_id: Mapped[int] = mapped_column(
        ForeignKey("envelope.id", ondelete="RESTRICT"), index=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id", ondelete="RESTRICT"))
    section: Mapped[Section] = mapped_column(str_enum(Section, 16))
    amount_cents: Mapped[int] = mapped_column(Integer)
    # For pourcentageSubvention: the cost the grant is a share of (None: the whole).
    total_cost_cents: Mapped[int | None] = mapped_column(Integer)
    beneficiary_name: Mapped[str] = mapped_column(String(150))
    beneficiary_siret: Mapped[str | None] = mapped_column(String(14))
    beneficiary_rna: Mapped[str | None] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(String(255))
    payment_terms: Mapped[str] = mapped_column(String(16), default="unique")
    payment_start: Mapped[date | None] = mapped_column(Date)
    payment_end: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The version of the year's rules the decision was taken under (None: granted before
    # the rules were data, for a year that had none).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("aid_policy.id", ondelete="RESTRICT"), index=True)
    # The follow-up (issue 19 §3): what was paid (the sum of its payments, moved by one
    # conditional UPDATE), the amount due once the final report is accepted (None before),
    # and the part of the commitment given back to the envelope when the aid is closed.
    paid_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    final_cents: Mapped[int | None] = mapped_column(Integer)
    released_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    application = relationship("CofundingApplication")
    project = relationship("Project")
    call_application = relationship("CallApplication")
    envelope = relationship("Envelope")
    commitment = relationship("Commitment")
    decided_by = relationship("User")
    policy = relationship("AidPolicy")


class PaymentPart(enum.StrEnum):
    """The two parts an aid is paid in: an advance at the start, the balance after the
    final report (recomputed with the actual cost)."""

    ADVANCE = "advance"
    BALANCE = "balance"


class AidPayment(db.Model):
    """A payment of (part of) a grant row, recorded by the committee; audited."""

    __tablename__ = "aid_payment"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("aid_grant.id", ondelete="RESTRICT"), index=True)
    part: Mapped[PaymentPart] = mapped_column(str_enum(PaymentPart, 16))
    amount_cents: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    grant = relationship("AidGrant")
    recorded_by = relationship("User")
