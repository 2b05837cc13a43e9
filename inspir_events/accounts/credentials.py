"""Password change: the current password is asked for and the user's other sessions end.

Issue 10 (Sessions) and ASVS 2.1.6 / 3.3.2: changing a password requires the
current one, and a stolen session cookie must not outlive the password it was
opened with. Every server-side session of the account is deleted and this
browser gets a new one (a new token); the account's live-voting sockets are
disconnected (they reconnect with the new session).
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import user_logged_out
from sqlalchemy import delete

from inspir_events.accounts.models import User, UserSession
from inspir_events.accounts.services import AccountError, new_session, passwords
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db

log = logging.getLogger(__name__)


class WrongPassword(AccountError):
    def __init__(self):
        super().__init__(_l("This is not your current password."), field="current_password")


def check_password(user: User, password: str) -> None:
    """WrongPassword unless ``password`` is the account's current password."""
    if not passwords().verify(user.password_hash, password):
        raise WrongPassword()


def end_sockets(user_id: int) -> None:
    """Disconnect the user's sockets (after the commit); never fails the use case.

    Sent as Flask-Login's ``user_logged_out`` signal, which live voting already
    answers by disconnecting every socket of that user (voting/events.py): their
    sessions did end. A signal, not an import: accounts load before voting.
    """
    user = db.session.get(User, user_id)
    if user is None:
        return
    try:
        user_logged_out.send(current_app._get_current_object(), user=user)
    except Exception:  # noqa: BLE001 - the sessions are already ended in the database
        log.exception("could not disconnect the sockets of user %s", user_id)


@use_case
def change_password(user: User, current_password: str, new_password: str) -> str:
    """Set a new password; end every session of the account; return this browser's new token.

    The length rules are the sign-up's (accounts/rules.py, checked by the form).
    """
    check_password(user, current_password)
    begin_write()
    user = db.session.get(User, user.id)
    user.password_hash = passwords().hash(new_password)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    token = new_session(user)
    audit.record(user, "account.password", "user", user.id)
    db.session.commit()
    user.session_token = token
    end_sockets(user.id)
    return token
