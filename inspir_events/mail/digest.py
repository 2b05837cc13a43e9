"""The daily digest: the messages a person chose to receive once a day, in one e-mail.

Issue 17 §4: for each kind of message a person chooses dans un résumé quotidien
(daily), :func:`~inspir_events.mail.services.enqueue` *holds* the message instead of
queueing its delivery. Once a day (7:00 in Paris, a periodic task registered by the
accounts, which know people: accounts/digest.py) each person holding messages gets ONE
message of the kind "digest.daily" listing them, each with its subject and its own
content (its sentences and links, :func:`rendering.content`), oldest first; the held
messages are then *digested*.

Exactly once, whatever runs it: in one transaction the held messages are locked (``FOR
UPDATE`` on PostgreSQL, the write lock on SQLite), the digest is written
with the key (``once_key``) "digest.daily:<day in Paris>:<person>" — a second digest for
that person and day writes nothing, even from another worker — and only the messages
still held become digested. A message held after a day's digest waits for the next.

The digest is not essential: its one-click unsubscribe stops every kind it carries
(services.unsubscribe_from); it has no "daily" choice of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select, update

from inspir_events.extensions import db
from inspir_events.mail import rendering, rules, services
from inspir_events.mail.kinds import MailKind
from inspir_events.mail.models import OutboxMessage
from inspir_events.mail.rules import DIGEST, MailStatus
from inspir_events.timeutil import utc_to_paris, utcnow

KIND = MailKind(DIGEST, title=_l("Daily digest"), subject=_l("Your INS'pir daily digest"),
                essential=False, digestible=False)


@dataclass(frozen=True)
class Item:
    """One held message as the digest tells it."""

    subject: str
    text: str
    html: Markup
    created_at: datetime


def day_of(moment: datetime) -> str:
    """The day in Paris of a stored (naive UTC) time: the digest's period."""
    return utc_to_paris(moment).date().isoformat()


def people_holding() -> list[int]:
    """The accounts with messages held for their digest (the read is ended)."""
    ids = list(db.session.scalars(select(OutboxMessage.user_id).where(
        OutboxMessage.status == MailStatus.HELD, OutboxMessage.user_id.is_not(None))
        .distinct().order_by(OutboxMessage.user_id)))
    db.session.commit()
    return ids


def _held(user_id: int) -> list[OutboxMessage]:
    """The person's held messages, oldest first, locked for this transaction. On
    PostgreSQL a second worker waits for the first (both lock in the same order), then
    finds them digested; SQLite's write lock is held already. (Skipping locked rows
    instead could split one person's messages between two workers, the second's digest
    refused by the day's key: half of them a day late.)"""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == user_id,
                                    OutboxMessage.status == MailStatus.HELD)
        .order_by(OutboxMessage.created_at, OutboxMessage.id).with_for_update()))


def write(person, day: str) -> OutboxMessage | None:
    """In the caller's write transaction: ``person``'s digest of ``day`` with every
    message they hold, which become digested; None when they hold nothing (or another
    worker has them) or their digest of that day exists already."""
    held = _held(person.id)
    if not held:
        return None
    items = []
    for message in held:
        text, html = rendering.content(message.body_text, message.body_html,
                                       message.language, person.display_name)
        items.append(Item(message.subject, text, html, message.created_at))
    digest = services.enqueue(
        person, DIGEST, once=rules.once_key(DIGEST, day, person.id), items=items,
        count=len(items),
        preferences_url=rendering.absolute_url("accounts.notification_preferences"))
    if digest is None:
        return None
    db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id.in_([m.id for m in held]), OutboxMessage.status == MailStatus.HELD,
    ).values(status=MailStatus.DIGESTED, sent_at=utcnow())
        .execution_options(synchronize_session=False))
    return digest
