"""The co-funding applications' tables: a third-party event's request and its lines.

:class:`CofundingApplication` with its :class:`ExpenseLine`, :class:`RevenueLine` and
:class:`ApplicationDocument` rows (links) and :class:`ApplicationFile` rows (PDFs sent,
stored privately in the uploads folder); its :class:`ApplicationStatus` moves from draft to
the committee's decision. A :class:`CofundingSession` groups submitted applications of a
budget year for one committee meeting: its jury scores them (issue 19 §2).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.aid.rules import Section
from inspir_events.extensions import db, str_enum
from inspir_events.timeutil import utcnow


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # in the committee's queue
    CHANGES_REQUESTED = "changes_requested"  # back to the organiser, with the committee's note
    GRANTED = "granted"
    REFUSED = "refused"


class SessionStatus(enum.StrEnum):
    OPEN = "open"  # its jury scores, the committee decides
    CLOSED = "closed"  # every application decided: no more scoring nor change


# The applications' recusal subject (« déport »: who is party to one), and the juried
# subject a session is to the jury (issue 19 §2).
RECUSAL_SUBJECT = "cofunding_application"
JURY_SUBJECT = "cofunding_session"


class CofundingSession(db.Model):
    """A session of co-funding applications: submitted applications of one budget year
    judged by one jury for one committee meeting; its results (the jury's ranking) are
    published once it is closed."""

    __tablename__ = "cofunding_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    year: Mapped[int] = mapped_column(Integer, index=True)
    meeting_on: Mapped[date] = mapped_column(Date)  # the committee's meeting
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus, 16), default=SessionStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)  # results public

    applications = relationship("CofundingApplication", back_populates="session",
                                order_by="CofundingApplication.id")


class FileKind(enum.StrEnum):
    """The documents a co-funding application carries as PDF files (issue 20 §4)."""

    BUDGET = "budget"  # the event's detailed budget
    STATUTES = "statutes"  # the beneficiary's statutes
    BANK_DETAILS = "bank_details"  # its bank details (RIB), where the aid is paid


class RevenueKind(enum.StrEnum):
    CO_FUNDER = "co_funder"  # another public or private co-funder
    OWN_FUNDS = "own_funds"
    RECEIPTS = "receipts"  # tickets and other receipts


class CofundingApplication(db.Model):
    """A third-party, labelled event's request for the Region's co-funding.

    The region share asked is a column; the other revenues and the expenses are
    lines. ``total_cost_cents`` / ``other_revenues_cents`` are the lines' sums,
    stored at each save so queues and exports need no aggregate.
    """

    __tablename__ = "cofunding_application"
    __table_args__ = (
        CheckConstraint("region_share_cents >= 0", name="region_share_not_negative"),
        CheckConstraint("(beneficiary_siret IS NOT NULL) OR (beneficiary_rna IS NOT NULL) "
                        "OR status = 'draft'", name="beneficiary_identified"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="RESTRICT"), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus), default=ApplicationStatus.DRAFT, index=True)
    beneficiary_name: Mapped[str] = mapped_column(String(150))
    beneficiary_siret: Mapped[str | None] = mapped_column(String(14))
    beneficiary_rna: Mapped[str | None] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(String(255))  # SCDL "objet" (< 256 characters)
    region_share_cents: Mapped[int] = mapped_column(Integer, default=0)
    total_cost_cents: Mapped[int] = mapped_column(Integer, default=0)
    other_revenues_cents: Mapped[int] = mapped_column(Integer, default=0)
    committee_note: Mapped[str | None] = mapped_column(Text)  # changes asked / refusal reason
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # The version of the year's rules its last decision was taken under.
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("aid_policy.id", ondelete="RESTRICT"), index=True)
    # The delegated envelope the Region's committee entrusted it to (None: the committee
    # decides): that envelope's deciders decide on it, and only on it.
    envelope_id: Mapped[int | None] = mapped_column(
        ForeignKey("envelope.id", ondelete="RESTRICT"), index=True)
    # The session whose jury judges it (issue 19 §2): no decision without one.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("cofunding_session.id", ondelete="RESTRICT"), index=True)
    # The jury's ranking its last decision cited (its rank, mean, spread, members and disciplines).
    jury_citation: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event = relationship("Event")
    session = relationship("CofundingSession", back_populates="applications")
    policy = relationship("AidPolicy")
    envelope = relationship("Envelope")
    applicant = relationship("User", foreign_keys=[applicant_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    expense_lines = relationship("ExpenseLine", back_populates="application",
                                 order_by="ExpenseLine.position", cascade="all, delete-orphan")
    revenue_lines = relationship("RevenueLine", back_populates="application",
                                 order_by="RevenueLine.position", cascade="all, delete-orphan")
    documents = relationship("ApplicationDocument", back_populates="application",
                             order_by="ApplicationDocument.position",
                             cascade="all, delete-orphan")
    files = relationship("ApplicationFile", back_populates="application",
                         order_by="ApplicationFile.id", cascade="all, delete-orphan")


class ExpenseLine(db.Model):
    __tablename__ = "expense_line"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("cofunding_application.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(150))
    amount_cents: Mapped[int] = mapped_column(Integer)
    section: Mapped[Section] = mapped_column(str_enum(Section, 16))

    application = relationship("CofundingApplication", back_populates="expense_lines")


class RevenueLine(db.Model):
    __tablename__ = "revenue_line"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("cofunding_application.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[RevenueKind] = mapped_column(str_enum(RevenueKind, 16))
    label: Mapped[str] = mapped_column(String(150))  # the co-funder's name, or a description
    amount_cents: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)

    application = relationship("CofundingApplication", back_populates="revenue_lines")


class ApplicationDocument(db.Model):
    __tablename__ = "application_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("cofunding_application.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(150))
    url: Mapped[str] = mapped_column(String(300))

    application = relationship("CofundingApplication", back_populates="documents")


class ApplicationFile(db.Model):
    """A PDF sent with an application, one per kind: stored privately under the hash of
    its bytes (``name``) in the uploads folder's ``documents`` area, served only to the
    people allowed (cofunding/documents.py)."""

    __tablename__ = "application_file"
    __table_args__ = (UniqueConstraint("application_id", "kind"),
                      CheckConstraint("size > 0", name="size_positive"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("cofunding_application.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FileKind] = mapped_column(str_enum(FileKind, 16))
    name: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    application = relationship("CofundingApplication", back_populates="files")
