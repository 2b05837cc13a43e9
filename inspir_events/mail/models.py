"""The outbox (one row per message, rendered, with its delivery state) and people's
choices per kind of message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inspir_events.extensions import db, str_enum
from inspir_events.mail.rules import MailMode, MailStatus
from inspir_events.timeutil import utcnow


class OutboxMessage(db.Model):
    """A message written in the transaction of the change that causes it, rendered in its
    recipient's language, delivered by a worker (mail/delivery.py).

    ``claimed_by`` names the worker's claim while it sends (status "sending"); the claim
    is given back when the worker dies (``claimed_at`` older than MAIL_CLAIM_TIMEOUT).
    ``message_id`` is the Message-ID header, the same on every attempt. A message *held*
    for its recipient's daily digest (status "held") is never sent on its own: the digest
    tells it, then it is "digested" (``sent_at``: the digest's time). ``once_key`` makes a
    periodic message unique (one daily digest per person and day, one committee digest
    per member and week): a second worker's insert of the same key does nothing.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    language: Mapped[str] = mapped_column(String(5))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # [{"filename", "mimetype", "content" (base64)}]
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[MailStatus] = mapped_column(str_enum(MailStatus, 16),
                                               default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class MailPreference(db.Model):
    """How a person receives one kind of message (no row: at once): written by their
    preferences page (« Mes notifications ») and by the one-click unsubscribe ("never")."""

    __tablename__ = "mail_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), primary_key=True)
    mode: Mapped[MailMode] = mapped_column(str_enum(MailMode, 16))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
