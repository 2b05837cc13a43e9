"""Confirming e-mail addresses: at sign-up and at every change of address.

Issue 17 §2. A new account's address is confirmed by a signed link sent to it (valid
EMAIL_VERIFICATION_MAX_AGE); until then the person browses and edits their profile but
takes part in nothing (``permissions.verified_required``). A new address asked for from
the profile waits in ``pending_email`` until its own link is followed: then it replaces
the old address, which is told. The link can be sent again (rate-limited, limits.py).

Following a link shows a page with a button; only the button's POST confirms (a GET never
changes anything, and mail scanners that open links confirm nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from inspir_events.accounts import mails, tokens
from inspir_events.accounts.credentials import check_password
from inspir_events.accounts.models import User
from inspir_events.accounts.rules import normalise_email
from inspir_events.accounts.services import AccountError, find_by_email
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.extensions import db
from inspir_events.mail.rendering import absolute_url
from inspir_events.mail.services import enqueue
from inspir_events.timeutil import utcnow


class InvalidLink(AccountError):
    status = 410

    def __init__(self):
        super().__init__(_l("This link no longer works: it has expired, was already used, "
                            "or a newer one replaced it."))


class AddressTaken(AccountError):
    status = 409

    def __init__(self):
        super().__init__(_l("Another account uses this address now: ask for another one "
                            "from your profile."))


class SameAddress(AccountError):
    def __init__(self):
        super().__init__(_l("This is already your address."), field="email")


@dataclass(frozen=True)
class Link:
    """What a confirmation link confirms: ``email`` for ``user``, a new address
    (``change``) or the sign-up's; ``done`` when it is already confirmed."""

    user: User
    email: str
    change: bool
    done: bool


def hours_valid() -> int:
    return int(current_app.config["EMAIL_VERIFICATION_MAX_AGE"].total_seconds() // 3600)


def link_for(user: User, email: str) -> str:
    """The absolute confirmation link of ``email`` for ``user``."""
    token = tokens.sign(tokens.VERIFY, {"u": user.id, "e": email})
    return absolute_url("accounts.confirm_email", token=token)


def send_confirmation(user: User) -> str | None:
    """Put the link of the address waiting for confirmation (the new one, else the
    sign-up's) in the outbox, in the caller's transaction; returns that address, or
    None when nothing waits."""
    if user.pending_email:
        enqueue(user, mails.EMAIL_CHANGE, to=user.pending_email, new_email=user.pending_email,
                link=link_for(user, user.pending_email), hours=hours_valid())
        return user.pending_email
    if not user.email_verified:
        enqueue(user, mails.VERIFY, link=link_for(user, user.email), hours=hours_valid())
        return user.email
    return None


def tell_owner(owner: User) -> None:
    """Someone asked to use ``owner``'s address (a sign-up, a change of address): tell
    them, in the caller's transaction. They may log in, or reset their password."""
    enqueue(owner, mails.ADDRESS_IN_USE, login_url=absolute_url("accounts.login"),
            reset_url=absolute_url("accounts.forgot_password"))


def read_link(token: str) -> Link | None:
    """What a genuine, unexpired link confirms now, or None (an address it names was
    replaced since, or the account is gone)."""
    payload = tokens.read(tokens.VERIFY, token, current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user_id, email = (payload or {}).get("u"), (payload or {}).get("e")
    if not isinstance(user_id, int) or not 0 < user_id <= ID_MAX or not isinstance(email, str):
        return None
    user = db.session.get(User, user_id)
    if user is None:
        return None
    if email == user.pending_email:
        return Link(user, email, change=True, done=False)
    if email == user.email:
        return Link(user, email, change=False, done=user.email_verified)
    return None


@use_case
def resend(user: User) -> str | None:
    """Send the waiting address's link again; returns the address (None: nothing waits)."""
    begin_write()
    user = db.session.get(User, user.id)
    address = send_confirmation(user)
    db.session.commit()
    return address


@use_case
def confirm(token: str) -> Link:
    """Follow a confirmation link (the page's button). The sign-up's address becomes
    confirmed; a new address replaces the old one, which is told when it was confirmed
    itself (an address mistyped at sign-up may be a stranger's: it learns nothing).
    Audited ("account.email_verified", "account.email_change")."""
    begin_write()
    link = read_link(token)
    if link is None:
        raise InvalidLink()
    if link.done:
        db.session.commit()
        return link
    user = link.user
    if link.change:
        owner = find_by_email(link.email)
        if owner is not None and owner.id != user.id:
            raise AddressTaken()
        old, old_confirmed = user.email, user.email_verified
        user.email, user.pending_email = link.email, None
        user.email_verified_at = utcnow()
        if old_confirmed:
            enqueue(user, mails.EMAIL_CHANGED, to=old, new_email=link.email,
                    reset_url=absolute_url("accounts.forgot_password"))
        audit.record(user, "account.email_change", "user", user.id)
    else:
        user.email_verified_at = utcnow()
        audit.record(user, "account.email_verified", "user", user.id)
    try:
        db.session.commit()
    except IntegrityError:  # another account took the address in between
        raise AddressTaken() from None
    return link


@use_case
def request_change(user: User, password: str, new_email: str) -> str:
    """Ask for a new address, confirming with the current password. The new address
    gets its link and becomes the account's once it is followed; the old one stays
    until then. An address another account uses is answered the same way (nobody
    learns which addresses have an account here) and its owner is told instead."""
    check_password(user, password)
    new = normalise_email(new_email)
    if new == user.email:
        raise SameAddress()
    begin_write()
    user = db.session.get(User, user.id)
    owner = find_by_email(new)
    if owner is not None:
        tell_owner(owner)
    else:
        user.pending_email = new
        send_confirmation(user)
    audit.record(user, "account.email_change_requested", "user", user.id)
    db.session.commit()
    return new
