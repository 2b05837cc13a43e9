"""Password reset (« Mot de passe oublié ? »).

Issue 17 §2, ASVS 2.5.1-2.5.6: asking answers the same whether an account uses the
address or not, and sends a link only when one does; the link is signed and valid
PASSWORD_RESET_MAX_AGE (one hour); it names the password it replaces, so it works once
and is void as soon as the password changed, by it or otherwise; the new password
follows the usual rules (accounts/rules.py, checked by the form); every session of the
account ends and its live sockets are disconnected; the requests are rate-limited per
address asked and per client (limits.py); the request and the reset are audited.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from inspir_events.accounts import mails, tokens
from inspir_events.accounts.credentials import end_sockets
from inspir_events.accounts.models import User, UserSession
from inspir_events.accounts.services import AccountError, find_by_email, passwords
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.extensions import db
from inspir_events.mail.rendering import absolute_url
from inspir_events.mail.services import enqueue
from inspir_events.timeutil import utcnow


class ResetLinkInvalid(AccountError):
    status = 410

    def __init__(self):
        super().__init__(_l("This link no longer works: it has expired, or the password "
                            "already changed. Ask for a new one."))


def minutes_valid() -> int:
    return int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)


def reset_link(user: User) -> str:
    """The absolute reset link of ``user``'s current password."""
    token = tokens.sign(tokens.RESET, {"u": user.id,
                                       "p": tokens.password_stamp(user.password_hash)})
    return absolute_url("accounts.reset_password", token=token)


@use_case
def request_reset(email: str) -> None:
    """Send a reset link when an account uses ``email``; otherwise nothing (the caller
    answers the same way)."""
    begin_write()
    user = find_by_email(email)
    if user is not None:
        enqueue(user, mails.RECOVERY, link=reset_link(user), minutes=minutes_valid())
        audit.record(None, "account.password_reset_requested", "user", user.id)
    db.session.commit()


def account_for(token: str) -> User | None:
    """The account whose current password a genuine, unexpired link replaces, or None."""
    payload = tokens.read(tokens.RESET, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user_id, stamp = (payload or {}).get("u"), (payload or {}).get("p")
    if not isinstance(user_id, int) or not 0 < user_id <= ID_MAX or not isinstance(stamp, str):
        return None
    user = db.session.get(User, user_id)
    if user is None or tokens.password_stamp(user.password_hash) != stamp:
        return None
    return user


@use_case
def reset_password(token: str, new_password: str) -> User:
    """Set the new password through a reset link: every session of the account ends (and
    its sockets); the link then no longer works. Following it proved the address is the
    person's: an unconfirmed address becomes confirmed. Audited."""
    if account_for(token) is None:
        raise ResetLinkInvalid()
    password_hash = passwords().hash(new_password)  # before the write lock: it takes time
    begin_write()
    user = account_for(token)  # again, in the write transaction: used once, even in a race
    if user is None:
        raise ResetLinkInvalid()
    user.password_hash = password_hash
    if not user.email_verified:
        user.email_verified_at = utcnow()
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    audit.record(user, "account.password_reset", "user", user.id)
    db.session.commit()
    end_sockets(user.id)
    return user
