"""Delivering messages: claim them, send them, record what happened.

Issue 17 §1 and §6 (nothing lost under faults):

- **Claim.** A worker takes due pending messages with one conditional UPDATE (status
  pending -> sending, its own claim token, the attempt counted), skipping rows another
  worker holds (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises writers with
  BEGIN IMMEDIATE). Two workers, or one message's delivery queued twice, never send it
  twice: only one claim matches the row.
- **Send.** One SMTP connection per batch. A sent message is marked sent at once, in its
  own transaction, and only under the worker's claim.
- **Fail.** A temporary error (4xx reply, network) leaves the message pending until
  ``next_attempt_at`` (rules.retry_delay: the delay doubles), a permanent one (5xx) or
  the last allowed attempt makes it *failed*. When the connection itself fails, the rest
  of the batch is given back untried (their attempt not counted), to be tried with it.
- **Crash.** A claim older than ``MAIL_CLAIM_TIMEOUT`` belongs to a worker that died: the
  sweep gives the message back (:func:`release_stale`). A worker killed after the server
  accepted a message and before it was marked sent would send it again then; that
  window is a few milliseconds, and the Message-ID is the same, so mail clients show one
  message. A worker stopped normally (SIGINT/SIGTERM) finishes its batch first.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db
from inspir_events.mail import rules
from inspir_events.mail.models import OutboxMessage
from inspir_events.mail.rules import MailStatus
from inspir_events.mail.transport import Outgoing, open_transport
from inspir_events.timeutil import utcnow

log = logging.getLogger(__name__)

# Errors of the connection itself (not of one message): the rest of the batch waits.
CONNECTION_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError,
                     smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError,
                     smtplib.SMTPNotSupportedError)
ERROR_LENGTH = 1000
# Messages of one sweep (they are queued in batches of MAIL_BATCH).
SWEEP_LIMIT = 1000


@dataclass(frozen=True)
class Retry:
    """A message to try again after ``delay`` seconds."""

    message_id: int
    delay: float


CLAIMED_COLUMNS = (OutboxMessage.id, OutboxMessage.kind, OutboxMessage.recipient,
                   OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html,
                   OutboxMessage.message_id, OutboxMessage.attempts, OutboxMessage.claimed_by,
                   OutboxMessage.headers, OutboxMessage.attachments)


@use_case
def claim(ids: Iterable[int] | None = None, limit: int | None = None) -> list[Outgoing]:
    """Take up to ``limit`` due pending messages (among ``ids`` when given) for this
    worker: one conditional UPDATE; rows locked by another worker are skipped."""
    limit = limit or current_app.config["MAIL_BATCH"]
    token, now = uuid.uuid4().hex, utcnow()
    begin_write()
    due = [OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now]
    if ids is not None:
        due.append(OutboxMessage.id.in_(sorted(set(ids))))
    chosen = select(OutboxMessage.id).where(*due).order_by(OutboxMessage.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(chosen.scalar_subquery()), *due)
        .values(status=MailStatus.SENDING, claimed_by=token, claimed_at=now,
                attempts=OutboxMessage.attempts + 1)
        .returning(*CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False))
    rows = db.session.execute(statement).all()
    db.session.commit()
    return sorted((Outgoing(**row._asdict()) for row in rows), key=lambda m: m.id)


def _claimed(message: Outgoing):
    """The WHERE clause of a change a claim's holder makes."""
    return (OutboxMessage.id == message.id, OutboxMessage.claimed_by == message.claimed_by,
            OutboxMessage.status == MailStatus.SENDING)


@use_case
def mark_sent(message: Outgoing) -> bool:
    """The server accepted ``message``: sent (only under this worker's claim)."""
    begin_write()
    result = db.session.execute(update(OutboxMessage).where(*_claimed(message)).values(
        status=MailStatus.SENT, sent_at=utcnow(), claimed_by=None, last_error=None))
    db.session.commit()
    if result.rowcount != 1:
        log.warning("message %s was sent after its claim had been given back", message.id)
    return result.rowcount == 1


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def describe(error: BaseException) -> str:
    """What the admins read: the server's reply ("451 4.3.0 Mailbox busy"), else the error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        replies = "; ".join(f"{address}: {code} {_text(reply)}"
                            for address, (code, reply) in error.recipients.items())
        text = f"{type(error).__name__}: {replies}"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    else:
        text = f"{type(error).__name__}: {error}"
    return text[:ERROR_LENGTH]


def smtp_code(error: BaseException) -> int | None:
    """The SMTP reply code of an error (the first refused recipient's), if any."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return next(iter(error.recipients.values()))[0]
    return getattr(error, "smtp_code", None)


@use_case
def record_failure(message: Outgoing, error: BaseException) -> Retry | None:
    """An attempt failed: pending again after rules.retry_delay, or failed for good
    (rules.status_after_failure). Returns the retry to schedule, if any."""
    cfg = current_app.config
    status = rules.status_after_failure(message.attempts, cfg["MAIL_MAX_ATTEMPTS"],
                                        rules.is_permanent(smtp_code(error)))
    delay = rules.retry_delay(message.attempts, cfg["MAIL_RETRY_DELAY"],
                              cfg["MAIL_RETRY_MAX_DELAY"])
    begin_write()
    db.session.execute(update(OutboxMessage).where(*_claimed(message)).values(
        status=status, claimed_by=None, last_error=describe(error),
        next_attempt_at=utcnow() + timedelta(seconds=delay)))
    db.session.commit()
    log.warning("message %s (%s), attempt %d: %s -> %s", message.id, message.kind,
                message.attempts, describe(error), status)
    return Retry(message.id, delay) if status == MailStatus.PENDING else None


@use_case
def give_back(messages: list[Outgoing], delay: float) -> list[Retry]:
    """Messages of a batch that were not tried: pending again, their attempt not counted."""
    if not messages:
        return []
    begin_write()
    for message in messages:
        db.session.execute(update(OutboxMessage).where(*_claimed(message)).values(
            status=MailStatus.PENDING, claimed_by=None, attempts=OutboxMessage.attempts - 1,
            next_attempt_at=utcnow() + timedelta(seconds=delay)))
    db.session.commit()
    return [Retry(message.id, delay) for message in messages]


def deliver(ids: Iterable[int] | None = None) -> list[Retry]:
    """Claim due messages (among ``ids``), send them over one connection, record each
    outcome; returns the retries to schedule."""
    messages = claim(ids)
    if not messages:
        return []
    retries: list[Retry] = []
    started = time.monotonic()
    # Past half the claim timeout, the rest waits: a claim is never given back while
    # its worker still holds it.
    budget = current_app.config["MAIL_CLAIM_TIMEOUT"] / 2
    transport = open_transport()
    try:
        for index, message in enumerate(messages):
            if time.monotonic() - started > budget:
                retries += give_back(messages[index:], 0.0)
                break
            try:
                transport.send(message)
            except Exception as error:  # noqa: BLE001 - every failure is recorded
                transport.reset()
                retry = record_failure(message, error)
                retries += [retry] if retry else []
                if isinstance(error, CONNECTION_ERRORS):
                    retries += give_back(messages[index + 1:], retry.delay if retry else 0.0)
                    break
            else:
                mark_sent(message)
    finally:
        transport.close()
    return retries


@use_case
def release_stale() -> int:
    """Give back the messages claimed by a worker that died (claimed longer ago than
    ``MAIL_CLAIM_TIMEOUT``): pending again, or failed when that was their last attempt."""
    cfg = current_app.config
    now = utcnow()
    stale = (OutboxMessage.status == MailStatus.SENDING,
             OutboxMessage.claimed_at < now - timedelta(seconds=cfg["MAIL_CLAIM_TIMEOUT"]))
    error = "The worker sending it stopped before it could say."
    begin_write()
    failed = db.session.execute(update(OutboxMessage).where(
        *stale, OutboxMessage.attempts >= cfg["MAIL_MAX_ATTEMPTS"],
    ).values(status=MailStatus.FAILED, claimed_by=None, last_error=error)).rowcount
    pending = db.session.execute(update(OutboxMessage).where(*stale).values(
        status=MailStatus.PENDING, claimed_by=None, last_error=error,
        next_attempt_at=now)).rowcount
    db.session.commit()
    if failed or pending:
        log.warning("gave back %d messages of a stopped worker (%d failed)", failed + pending,
                    failed)
    return failed + pending


def due_ids(limit: int = SWEEP_LIMIT) -> list[int]:
    """Pending messages due for longer than ``MAIL_SWEEP_GRACE`` (their queued delivery
    was lost, or never queued: a crash after the commit)."""
    grace = timedelta(seconds=current_app.config["MAIL_SWEEP_GRACE"])
    ids = list(db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == MailStatus.PENDING,
                                       OutboxMessage.next_attempt_at <= utcnow() - grace)
        .order_by(OutboxMessage.id).limit(limit)))
    db.session.commit()  # end the read
    return ids


def sweep() -> list[int]:
    """The periodic sweep: give back stale claims, then the due messages to queue."""
    release_stale()
    return due_ids()
