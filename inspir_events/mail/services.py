"""Putting a message in the outbox, in the caller's transaction; people's choice per kind.

:func:`enqueue` is the one door every feature uses: it renders the message in the
recipient's language now (templates/mail/), adds the row to the caller's transaction
(the caller commits, with the change that causes the message) and asks for its delivery
to be queued once that transaction commits. A transaction rolled back takes its
messages with it: nothing is ever sent from inside a request. The admins' retry of a
failed message is in admin.py: this module writes no audit entry, so the in-app
notifications (which know nothing of the audit log) may send their e-mails through it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update

from inspir_events.database import begin_write, insert_ignoring_conflicts, use_case
from inspir_events.extensions import db
from inspir_events.mail import kinds, rendering, rules, unsubscribe
from inspir_events.mail.models import MailPreference, OutboxMessage
from inspir_events.mail.rules import MailMode, MailStatus
from inspir_events.mail.tasks import deliver_after_commit
from inspir_events.timeutil import utcnow


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (a ticket's QR code, a calendar entry...). With an
    ``inline_id`` it is also shown in the HTML body, as ``<img src="cid:ID">``."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"
    inline_id: str | None = None

    def stored(self) -> dict:
        stored = {"filename": self.filename, "mimetype": self.mimetype,
                  "content": base64.b64encode(self.content).decode("ascii")}
        if self.inline_id:
            stored["inline_id"] = self.inline_id
        return stored


def mode_of(user_id: int, kind: str) -> MailMode | None:
    """The person's choice for ``kind`` (None: never chosen, messages come at once)."""
    return db.session.scalar(select(MailPreference.mode).where(
        MailPreference.user_id == user_id, MailPreference.kind == kind))


def enqueue(user, kind: str, *, to: str | None = None,
            attachments: Iterable[Attachment] = (), **context) -> OutboxMessage | None:
    """Put a message of ``kind`` for ``user`` in the outbox, in the caller's transaction.

    ``user`` is an account (its id, e-mail address, locale and display name are read);
    ``to`` sends to another address of theirs (the old one, after a change). ``context``
    fills the kind's subject and templates (links: built with ``rendering.absolute_url``).
    Returns the message, or None when the kind is not essential and the person chose
    "never" for it (rules.stopped). Its delivery is queued once the caller commits. A kind
    set to "daily" is sent at once for now: the daily digest comes with the preferences
    page (issue 17), which reads the same ``mail_preference`` rows.
    """
    spec = kinds.get(kind)
    mode = None if spec.essential else mode_of(user.id, kind)
    if rules.stopped(spec.essential, mode):
        return None
    headers = {} if spec.essential else unsubscribe.headers(user.id, kind)
    language = rendering.language_of(user)
    values = dict(context, recipient_name=user.display_name,
                  unsubscribe_url=None if spec.essential else unsubscribe.link(user.id, kind))
    rendered = rendering.render(spec, language, values)
    message = OutboxMessage(
        user_id=user.id, kind=kind, language=language, recipient=to or user.email,
        subject=rendered.subject[:300], body_text=rendered.text, body_html=rendered.html,
        attachments=[a.stored() for a in attachments], headers=headers,
        message_id=rendering.message_id(), status=MailStatus.PENDING, attempts=0,
        created_at=utcnow(), next_attempt_at=utcnow())
    db.session.add(message)
    db.session.flush()  # its id, for the delivery queued after the commit
    deliver_after_commit([message.id])
    return message


def set_mode(user_id: int, kind: str, mode: MailMode) -> None:
    """Record how ``user_id`` receives ``kind``, in the caller's transaction."""
    now = utcnow()
    # Two statements, safe when two clicks race: the row exists, then it says ``mode``.
    insert_ignoring_conflicts(MailPreference, user_id=user_id, kind=kind, mode=mode,
                              updated_at=now)
    db.session.execute(update(MailPreference).where(
        MailPreference.user_id == user_id, MailPreference.kind == kind,
    ).values(mode=mode, updated_at=now))


@use_case
def unsubscribe_from(user_id: int, kind: str) -> kinds.MailKind | None:
    """RFC 8058 one-click: ``user_id`` no longer receives ``kind`` ("never"). Returns the
    kind, or None when it is unknown or essential (nothing to stop)."""
    spec = kinds.kinds().get(kind)
    if spec is None or spec.essential:
        return None
    begin_write()
    set_mode(user_id, kind, MailMode.NEVER)
    db.session.commit()
    return spec
