"""Reading the outbox for the admins' page (``/admin/mail``, accounts/mail_routes.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from inspir_events.extensions import db
from inspir_events.mail.models import OutboxMessage
from inspir_events.mail.rules import MailStatus

FAILED_SHOWN = 200


def counts() -> dict[MailStatus, int]:
    """How many messages are in each state (every state listed, 0 included)."""
    found = dict(db.session.execute(select(OutboxMessage.status, func.count())
                                    .group_by(OutboxMessage.status)).all())
    return {status: found.get(status, 0) for status in MailStatus}


def failed(limit: int = FAILED_SHOWN) -> list[OutboxMessage]:
    """The failed messages, the latest attempt first."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == MailStatus.FAILED)
        .order_by(OutboxMessage.next_attempt_at.desc(), OutboxMessage.id.desc()).limit(limit)))
