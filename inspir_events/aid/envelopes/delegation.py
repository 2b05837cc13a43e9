"""Delegated envelopes' own committees: naming and removing their deciders.

The deliberation lets « territoires ou lieux numériques dotés d'une ingénierie
suffisante » receive an envelope and grant aid locally « dans les mêmes
conditions que le Conseil régional »: an admin delegates part of a top-level envelope
(:func:`inspir_events.aid.envelopes.services.delegate`), then names the people who decide
within it. They are :class:`EnvelopeMember` rows; :func:`services.can_decide_on`
lets them commit money on that sub-envelope only, under the same rules.
Every change is audited (``envelope.member.add`` / ``envelope.member.remove``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from inspir_events.accounts.models import User
from inspir_events.accounts.rules import normalise_email
from inspir_events.aid.envelopes.models import Envelope, EnvelopeMember
from inspir_events.aid.envelopes.services import AidError, AidForbidden, EnvelopeNotFound
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, insert_ignoring_conflicts, use_case
from inspir_events.extensions import db
from inspir_events.notifications.services import notify
from inspir_events.urls import path_for

EMAIL_MAX = 254


class MemberNotFound(AidError):
    status = 404

    def __init__(self):
        super().__init__(_l("This person does not decide on this envelope."))


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def _require_admin(user) -> None:
    if not (user and getattr(user, "is_authenticated", False) and user.is_admin):
        raise AidForbidden(_l("Only administrators manage delegated envelopes."))


def delegated_envelope(envelope_id: int) -> Envelope:
    """A delegated (sub-)envelope, or :class:`EnvelopeNotFound`."""
    envelope = db.session.get(Envelope, envelope_id) if _is_id(envelope_id) else None
    if envelope is None or envelope.parent_id is None:
        raise EnvelopeNotFound()
    return envelope


def delegable_envelopes(year: int) -> list[Envelope]:
    """The year's top-level envelopes an admin may delegate part of."""
    return list(db.session.scalars(
        select(Envelope).where(Envelope.year == year, Envelope.parent_id.is_(None))
        .order_by(Envelope.former_region, Envelope.section)))


def members(envelope_id: int) -> list[EnvelopeMember]:
    """The deciders of a delegated envelope, in the order they were named."""
    return list(db.session.scalars(
        select(EnvelopeMember).where(EnvelopeMember.envelope_id == envelope_id)
        .options(selectinload(EnvelopeMember.user))
        .order_by(EnvelopeMember.added_at, EnvelopeMember.user_id)))


@use_case
def add_member(admin: User, envelope_id: int, email: str) -> EnvelopeMember:
    """An admin names a decider of a delegated envelope, by the e-mail of their account.

    Refused: not an admin (403), not a delegated envelope (404), no account with
    that address, or already a decider. Audited ``envelope.member.add``. Two
    admins naming the same person at once give one row (the insert ignores the
    conflict, and the second is told the person is already a decider).
    """
    _require_admin(admin)
    address = normalise_email(email or "")
    if not address or len(address) > EMAIL_MAX:
        raise AidError(_l("Enter the e-mail address of the person's account."), field="email")
    envelope = delegated_envelope(envelope_id)
    begin_write()
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None:
        raise AidError(_l("No account uses this e-mail address: the person must sign up "
                          "first."), field="email")
    added = insert_ignoring_conflicts(EnvelopeMember, envelope_id=envelope.id,
                                      user_id=user.id, added_by_id=admin.id)
    if added.rowcount != 1:
        raise AidError(_l("This person already decides on this envelope."), field="email")
    audit.record(admin, "envelope.member.add", "envelope", envelope.id, user_id=user.id,
                 holder_name=envelope.holder_name)
    notify([user.id], "envelope.member", url=path_for("aid.envelopes", year=envelope.year),
           holder=envelope.holder_name)
    db.session.commit()
    return db.session.get(EnvelopeMember, (envelope.id, user.id))


@use_case
def remove_member(admin: User, envelope_id: int, user_id: int) -> None:
    """An admin removes a decider from a delegated envelope; audited ``envelope.member.remove``.

    The decisions they took stay (commitments are never undone by this).
    """
    _require_admin(admin)
    if not _is_id(user_id):
        raise MemberNotFound()
    envelope = delegated_envelope(envelope_id)
    begin_write()
    removed = db.session.execute(
        delete(EnvelopeMember).where(EnvelopeMember.envelope_id == envelope.id,
                                     EnvelopeMember.user_id == user_id)
        .execution_options(synchronize_session=False))
    if removed.rowcount != 1:
        raise MemberNotFound()
    audit.record(admin, "envelope.member.remove", "envelope", envelope.id, user_id=user_id,
                 holder_name=envelope.holder_name)
    db.session.commit()
