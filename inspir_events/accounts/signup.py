"""Sign-up: a citizen account whose address is confirmed by e-mail.

Issue 17 §2 (no account enumeration): signing up with an address already in use answers
exactly as a new sign-up does (the same page, after the same work: the password is
hashed either way) and e-mails the address's owner instead, who may log in or reset
their password. The new account is not signed in: it confirms its address first
(accounts/verification.py), and may log in meanwhile to browse and edit its profile.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from inspir_events.accounts.models import User
from inspir_events.accounts.rules import normalise_email
from inspir_events.accounts.services import find_by_email, passwords
from inspir_events.accounts.verification import send_confirmation, tell_owner
from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db


class _AddressInUse(Exception):
    """Internal: the address has an account (never shown: the answer is the same)."""


def register(email: str, display_name: str, password: str,
             language: str | None = None) -> User | None:
    """Create a citizen account and send its address's confirmation link; when the
    address is taken, tell its owner instead. Returns the new account, or None when the
    address was taken (the caller answers the same way). ``language``, the sign-up page's,
    becomes the account's: its messages (the first one included) are in it."""
    email = normalise_email(email)
    password_hash = passwords().hash(password)  # either way: the same time to answer
    try:
        return _create(email, display_name, password_hash, language)
    except _AddressInUse:
        _tell_owner_of(email)
        return None


@use_case
def _create(email: str, display_name: str, password_hash: str, language: str | None) -> User:
    """The account and its confirmation message, in one transaction."""
    begin_write()
    if find_by_email(email) is not None:
        raise _AddressInUse()
    user = User(email=email, display_name=display_name.strip(), password_hash=password_hash,
                locale=language)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent sign-up with the same address won the race
        raise _AddressInUse() from None  # rolled back by use_case
    send_confirmation(user)
    db.session.commit()
    return user


@use_case
def _tell_owner_of(email: str) -> None:
    """The message to the owner of an address someone tried to sign up with."""
    begin_write()
    owner = find_by_email(email)
    if owner is not None:
        tell_owner(owner)
    db.session.commit()
