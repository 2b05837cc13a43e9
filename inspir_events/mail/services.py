"""Putting a message in the outbox, in the caller's transaction (or holding it for the daily
digest); people's choice per kind (« Mes notifications », the one-click unsubscribe).

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from inspir_events.database import begin_write, insert_ignoring_conflicts, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.mail import kinds, rendering, rules, unsubscribe
from inspir_events.mail.models import MailPreference, OutboxMessage
from inspir_events.mail.rules import MailMode, MailStatus
from inspir_events.mail.tasks import deliver_after_commit
from inspir_events.timeutil import utcnow


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (a ticket's QR code, a calendar entry...). With an
    ``inline_id`` it is also shown in the HTML body, as ``<img src="cid:ID">``. A QR
    code is given by what it holds (``qr``, content left empty): the worker draws its PNG
    when it sends the message (mail/qr.py), not the request that writes it."""

    filename: str
    content: bytes = b""
    mimetype: str = "application/octet-stream"
    inline_id: str | None = None
    qr: str | None = None

    def stored(self) -> dict:
        stored = {"filename": self.filename, "mimetype": self.mimetype}
        if self.qr is not None:
            stored["qr"] = self.qr
        else:
            stored["content"] = base64.b64encode(self.content).decode("ascii")
        if self.inline_id:
            stored["inline_id"] = self.inline_id
        return stored


def mode_of(user_id: int, kind: str) -> MailMode | None:
    """The person's choice for ``kind`` (None: never chosen, messages come at once)."""
    return db.session.scalar(select(MailPreference.mode).where(
        MailPreference.user_id == user_id, MailPreference.kind == kind))


def enqueue(user, kind: str, *, to: str | None = None, attachments: Iterable[Attachment] = (),
            once: str | None = None, **context) -> OutboxMessage | None:
    """Put a message of ``kind`` for ``user`` in the outbox, in the caller's transaction.

    ``user`` is an account (its id, e-mail address, locale and display name are read);
    ``to`` sends to another address of theirs (the old one, after a change). ``context``
    fills the kind's subject and templates (links: built with ``rendering.absolute_url``).
    Returns the message, or None when the kind is not essential and the person chose
    "never" for it (rules.stopped). Its delivery is queued once the caller commits; a
    kind the person chose "daily" for is *held* instead (rules.held), for their next
    daily digest (mail/digest.py). ``once`` (rules.once_key) makes the message unique:
    when a message with that key exists already, or is being written by another
    transaction that then commits, nothing is written and None is returned.
    """
    spec = kinds.get(kind)
    mode = None if spec.essential else mode_of(user.id, kind)
    if rules.stopped(spec.essential, mode):
        return None
    held = rules.held(spec.essential, mode, spec.digestible)
    headers = {} if spec.essential else unsubscribe.headers(user.id, kind)
    language = rendering.language_of(user)
    values = dict(context, recipient_name=user.display_name,
                  unsubscribe_url=None if spec.essential else unsubscribe.link(user.id, kind))
    rendered = rendering.render(spec, language, values)
    row = dict(
        user_id=user.id, kind=kind, language=language, recipient=to or user.email,
        subject=rendered.subject[:300], body_text=rendered.text, body_html=rendered.html,
        attachments=[a.stored() for a in attachments], headers=headers,
        message_id=rendering.message_id(),
        status=MailStatus.HELD if held else MailStatus.PENDING, attempts=0,
        created_at=utcnow(), next_attempt_at=utcnow(), once_key=once)
    if once is None:
        message = OutboxMessage(**row)
        db.session.add(message)
        db.session.flush()  # its id, for the delivery queued after the commit
    else:
        if insert_ignoring_conflicts(OutboxMessage, **row).rowcount != 1:
            return None
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.once_key == once))
    if not held:
        deliver_after_commit([message.id])
    return message


def set_mode(user_id: int, kind: str, mode: MailMode) -> None:
    """Record how ``user_id`` receives ``kind``, in the caller's transaction. "Never" also
    drops what waits for their daily digest of that kind: they asked not to read it."""
    now = utcnow()
    # Two statements, safe when two clicks race: the row exists, then it says ``mode``.
    insert_ignoring_conflicts(MailPreference, user_id=user_id, kind=kind, mode=mode,
                              updated_at=now)
    db.session.execute(update(MailPreference).where(
        MailPreference.user_id == user_id, MailPreference.kind == kind,
    ).values(mode=mode, updated_at=now))
    if mode == MailMode.NEVER:
        db.session.execute(delete(OutboxMessage).where(
            OutboxMessage.user_id == user_id, OutboxMessage.kind == kind,
            OutboxMessage.status == MailStatus.HELD))


def daily_kinds(user_id: int) -> list[str]:
    """The kinds ``user_id`` receives in their daily digest."""
    return list(db.session.scalars(select(MailPreference.kind).where(
        MailPreference.user_id == user_id, MailPreference.mode == MailMode.DAILY)
        .order_by(MailPreference.kind)))


@use_case
def unsubscribe_from(user_id: int, kind: str) -> kinds.MailKind | None:
    """RFC 8058 one-click: ``user_id`` no longer receives ``kind`` ("never"). Returns the
    kind, or None when it is unknown or essential (nothing to stop). The daily digest's
    own link stops every kind the person receives in it (each becomes "never"): the
    digest is only their carrier, and a digest that keeps coming was not stopped."""
    spec = kinds.kinds().get(kind)
    if spec is None or spec.essential:
        return None
    begin_write()
    for stopped in daily_kinds(user_id) if kind == rules.DIGEST else [kind]:
        set_mode(user_id, stopped, MailMode.NEVER)
    db.session.commit()
    return spec


class PreferenceRefused(DomainError):
    """A choice the preferences page does not offer (an essential kind, a digest daily)."""

    def __init__(self):
        super().__init__(_l("This choice is not possible for this kind of message."))


def choosable(spec: kinds.MailKind) -> tuple[MailMode, ...]:
    """The choices a person has for a kind: none for an essential one (always sent) or
    the daily digest itself (its link stops what it carries); no "daily" for a digest."""
    if spec.essential or spec.name == rules.DIGEST:
        return ()
    if not spec.digestible:
        return (MailMode.IMMEDIATE, MailMode.NEVER)
    return (MailMode.IMMEDIATE, MailMode.DAILY, MailMode.NEVER)


@use_case
def set_modes(user_id: int, chosen: Mapping[str, MailMode]) -> int:
    """Issue 17 §4, « Mes notifications »: how ``user_id`` receives each kind chosen (in
    the app: always; by e-mail at once, in a daily digest, or never). Essential kinds
    cannot be changed (:class:`PreferenceRefused`, nothing written). Returns how many
    choices changed."""
    declared, wanted = kinds.kinds(), {}
    for kind, mode in chosen.items():
        spec = declared.get(kind)
        if spec is None or mode not in {m.value for m in choosable(spec)}:
            raise PreferenceRefused()
        wanted[kind] = MailMode(mode)
    begin_write()
    current = modes_of(user_id)
    changed = {kind: mode for kind, mode in wanted.items()
               if current.get(kind, MailMode.IMMEDIATE) != mode}
    for kind, mode in changed.items():
        set_mode(user_id, kind, mode)
    db.session.commit()
    return len(changed)


def modes_of(user_id: int) -> dict[str, MailMode]:
    """Every choice ``user_id`` made, by kind (a kind without one comes at once)."""
    return dict(db.session.execute(select(MailPreference.kind, MailPreference.mode).where(
        MailPreference.user_id == user_id)).all())
