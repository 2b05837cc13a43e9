"""The follow-up's tables: an aid's schedule and closing, its final report and lines.

- :class:`AidFollowUp`: one aid (the grant rows of one decision to one beneficiary, by
  its ``key``): the advance's share and the planned dates set by the committee, its
  closing (the balance paid, the unpaid part released);
- :class:`AidReport`: the beneficiary's final report (draft, submitted, changes asked,
  accepted), with its :class:`ReportExpense`, :class:`ReportRevenue` and
  :class:`ReportLink` rows.

The money itself (paid, final, released, the payments) is on the grant rows
(:mod:`inspir_events.aid.models`): the envelopes' dashboard reads it there.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.aid.cofunding.models import RevenueKind
from inspir_events.aid.followup.rules import Family
from inspir_events.aid.rules import Section
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow

KEY_MAX = 60


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # with the committee
    CHANGES_REQUESTED = "changes_requested"  # back to the beneficiary, with a note
    ACCEPTED = "accepted"  # the final amounts are set


class AidFollowUp(db.Model):
    """One aid's follow-up, written the first time someone acts on it."""

    __tablename__ = "aid_followup"
    __table_args__ = (
        CheckConstraint("advance_percent IS NULL OR (advance_percent >= 0 "
                        "AND advance_percent <= 100)", name="advance_percent_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The decision's reference, and "/structure" for a support structure's grant.
    key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    family: Mapped[Family] = mapped_column(str_enum(Family, 16))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("cofunding_application.id", ondelete="RESTRICT"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="RESTRICT"), index=True)
    advance_percent: Mapped[int | None] = mapped_column(Integer)  # None: not scheduled yet
    advance_on: Mapped[date | None] = mapped_column(Date)
    balance_on: Mapped[date | None] = mapped_column(Date)
    scheduled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    report = relationship("AidReport", back_populates="followup", uselist=False)
    scheduled_by = relationship("User")


class AidReport(db.Model):
    """The beneficiary's final report: actual expenses and revenues, a narrative, links."""

    __tablename__ = "aid_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    followup_id: Mapped[int] = mapped_column(
        ForeignKey("aid_followup.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus), default=ReportStatus.DRAFT, index=True)
    narrative: Mapped[str] = mapped_column(Text, default="")
    narrative_html: Mapped[str] = mapped_column(Text, default="")
    # The lines' sums, stored at each save.
    expenses_cents: Mapped[int] = mapped_column(Integer, default=0)
    revenues_cents: Mapped[int] = mapped_column(Integer, default=0)
    committee_note: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    followup = relationship("AidFollowUp", back_populates="report")
    author = relationship("User", foreign_keys=[author_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    expense_lines = relationship("ReportExpense", order_by="ReportExpense.position",
                                 cascade="all, delete-orphan")
    revenue_lines = relationship("ReportRevenue", order_by="ReportRevenue.position",
                                 cascade="all, delete-orphan")
    links = relationship("ReportLink", order_by="ReportLink.position",
                         cascade="all, delete-orphan")


class ReportExpense(db.Model):
    __tablename__ = "aid_report_expense"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("aid_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(150))
    amount_cents: Mapped[int] = mapped_column(Integer)
    section: Mapped[Section] = mapped_column(str_enum(Section, 16))


class ReportRevenue(db.Model):
    __tablename__ = "aid_report_revenue"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("aid_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[RevenueKind] = mapped_column(str_enum(RevenueKind, 16))
    label: Mapped[str] = mapped_column(String(150))
    amount_cents: Mapped[int] = mapped_column(Integer)


class ReportLink(db.Model):
    __tablename__ = "aid_report_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("aid_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(150))
    url: Mapped[str] = mapped_column(String(300))
