"""The budget years' tables: one row per version of a year's rules (:class:`AidPolicy`)
and its envelopes per former region and section (:class:`AidPolicyEnvelope`).

« Rules are versioned by budget year » (DESIGN.md §3): the deliberation of 23 September
2016 is the first row (seeded by migration 0010). A version is *frozen* by the first
decision taken under it (``frozen_at``); a later change then makes a new version, and
every decision keeps the version it was taken under (``aid_grant.policy_id``,
``cofunding_application.policy_id``).
"""

from __future__ import annotations

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

from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow

VOTE_REFERENCE_MAX = 200


class AidPolicy(db.Model):
    """One version of a budget year's rules: the co-funding rate and cap, the project
    and structure caps, and the vote that set them (its reference and date)."""

    __tablename__ = "aid_policy"
    __table_args__ = (
        UniqueConstraint("year", "version", name="one_row_per_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("cofunding_rate_numerator > 0 AND cofunding_rate_denominator > 0 "
                        "AND cofunding_rate_numerator <= cofunding_rate_denominator",
                        name="rate_in_range"),
        CheckConstraint("cofunding_cap_cents >= 0 AND operating_cap_cents >= 0 "
                        "AND investment_cap_cents >= 0 AND structure_cap_cents >= 0",
                        name="caps_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    cofunding_rate_numerator: Mapped[int] = mapped_column(Integer)
    cofunding_rate_denominator: Mapped[int] = mapped_column(Integer)
    cofunding_cap_cents: Mapped[int] = mapped_column(Integer)
    operating_cap_cents: Mapped[int] = mapped_column(Integer)
    investment_cap_cents: Mapped[int] = mapped_column(Integer)
    structure_cap_cents: Mapped[int] = mapped_column(Integer)
    vote_reference: Mapped[str] = mapped_column(String(VOTE_REFERENCE_MAX))
    vote_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime)

    envelopes = relationship("AidPolicyEnvelope", cascade="all, delete-orphan",
                             order_by="(AidPolicyEnvelope.former_region, "
                                      "AidPolicyEnvelope.section)")
    created_by = relationship("User")


class AidPolicyEnvelope(db.Model):
    """A version's envelope for one former region and section."""

    __tablename__ = "aid_policy_envelope"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
    )

    policy_id: Mapped[int] = mapped_column(
        ForeignKey("aid_policy.id", ondelete="CASCADE"), primary_key=True)
    former_region: Mapped[FormerRegion] = mapped_column(str_enum(FormerRegion, 16),
                                                        primary_key=True)
    section: Mapped[Section] = mapped_column(str_enum(Section, 16), primary_key=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
