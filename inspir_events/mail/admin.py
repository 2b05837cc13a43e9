"""The admins' retry of a failed message (``/admin/mail``), audited.

Apart from services.py, which writes no audit entry: the in-app notifications send their
e-mails through :func:`services.enqueue` and must not reach the audit log (the
"infrastructure" import contract).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.mail.models import OutboxMessage
from inspir_events.mail.rules import MailStatus
from inspir_events.mail.tasks import deliver_after_commit
from inspir_events.timeutil import utcnow


class MailError(DomainError):
    """A mail use case refused."""


class NotFailed(MailError):
    status = 409

    def __init__(self):
        super().__init__(_l("This message is not failed: it is sent or on its way already."))


class UnknownMessage(MailError):
    status = 404

    def __init__(self):
        super().__init__(_l("No such message."))


@use_case
def retry(actor, message_id: int) -> OutboxMessage:
    """An admin sends a failed message again: it is pending with a fresh allowance of
    attempts, its delivery queued; audited ("mail.retry")."""
    begin_write()
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise UnknownMessage()
    if message.status != MailStatus.FAILED:
        raise NotFailed()
    audit.record(actor, "mail.retry", "mail", message.id, kind=message.kind,
                 attempts=message.attempts, error=(message.last_error or "")[:200])
    message.status = MailStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    deliver_after_commit([message.id])
    db.session.commit()
    return message
