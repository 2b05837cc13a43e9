"""The calls for projects' tables.

- :class:`Call`: a call the committee opens for a budget year, with its text, themes
  (``call_theme``), territories (``call_department``), the year's envelopes its grants
  draw on (``call_envelope``), its dates and what may be asked;
- :class:`CallApplication`: a project's request to a call (the experimentation grant
  by its team, the structure grant by its support structure), with its expense lines
  (:class:`CallExpenseLine`), its status and the committee's decision, which stores the
  jury's ranking it cites.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.aid.calls.rules import ApplicationStatus, CallStatus, Kind
from inspir_events.aid.rules import Section
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow

TITLE_MAX = 150
TEXT_MAX = 20_000

call_theme = Table(
    "call_theme", db.metadata,
    Column("call_id", ForeignKey("call.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_code", ForeignKey("theme.code"), primary_key=True),
)
call_department = Table(
    "call_department", db.metadata,
    Column("call_id", ForeignKey("call.id", ondelete="CASCADE"), primary_key=True),
    Column("department_code", ForeignKey("department.code"), primary_key=True),
)
call_envelope = Table(
    "call_envelope", db.metadata,
    Column("call_id", ForeignKey("call.id", ondelete="CASCADE"), primary_key=True),
    Column("envelope_id", ForeignKey("envelope.id", ondelete="RESTRICT"), primary_key=True),
)


class Call(db.Model):
    """A call for projects (*appel à projets*)."""

    __tablename__ = "call"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("allows_experimentation OR allows_structure", name="asks_something"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    text: Mapped[str] = mapped_column(Text, default="")
    text_html: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int] = mapped_column(Integer, index=True)  # an opened budget year
    opens_at: Mapped[datetime] = mapped_column(DateTime)
    closes_at: Mapped[datetime] = mapped_column(DateTime)
    allows_experimentation: Mapped[bool] = mapped_column(Boolean, default=True)
    allows_structure: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[CallStatus] = mapped_column(str_enum(CallStatus, 16),
                                               default=CallStatus.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)

    themes = relationship("Theme", secondary=call_theme, order_by="Theme.code")
    departments = relationship("Department", secondary=call_department,
                               order_by="Department.code")
    envelopes = relationship("Envelope", secondary=call_envelope, order_by="Envelope.id")
    applications = relationship("CallApplication", back_populates="call",
                                order_by="CallApplication.id")


class CallApplication(db.Model):
    """A project's request to a call: one per call, project and kind."""

    __tablename__ = "call_application"
    __table_args__ = (
        UniqueConstraint("call_id", "project_id", "kind", name="one_request_per_kind"),
        CheckConstraint("operating_cents >= 0 AND investment_cents >= 0 "
                        "AND structure_cents >= 0", name="amounts_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="RESTRICT"),
                                         index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"),
                                            index=True)
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, 16))
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, 20), default=ApplicationStatus.DRAFT, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")  # one address per line
    beneficiary_name: Mapped[str] = mapped_column(String(150), default="")
    beneficiary_siret: Mapped[str | None] = mapped_column(String(14))
    beneficiary_rna: Mapped[str | None] = mapped_column(String(10))
    operating_cents: Mapped[int] = mapped_column(Integer, default=0)
    investment_cents: Mapped[int] = mapped_column(Integer, default=0)
    structure_cents: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    ranking_citation: Mapped[str | None] = mapped_column(Text)  # the jury's, when decided
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("aid_policy.id", ondelete="RESTRICT"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    call = relationship("Call", back_populates="applications")
    project = relationship("Project")
    applicant = relationship("User", foreign_keys=[applicant_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    policy = relationship("AidPolicy")
    expense_lines = relationship("CallExpenseLine", back_populates="application",
                                 order_by="CallExpenseLine.position",
                                 cascade="all, delete-orphan")

    @property
    def link_list(self) -> list[str]:
        return [line for line in (self.links or "").splitlines() if line.strip()]


class CallExpenseLine(db.Model):
    __tablename__ = "call_expense_line"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("call_application.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(150))
    amount_cents: Mapped[int] = mapped_column(Integer)
    section: Mapped[Section] = mapped_column(str_enum(Section, 16))

    application = relationship("CallApplication", back_populates="expense_lines")
