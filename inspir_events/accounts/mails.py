"""The messages accounts send (issue 17 §2), declared with the accounts blueprint.

All are essential (always sent, no unsubscribe link): they are about the account itself.
Their bodies are templates/mail/<name with underscores>.txt and .html.

Also provided here, for the in-app notifications' e-mails (mail/recipients.py): the
accounts a notice goes to, by id. Only confirmed addresses: an address nobody proved is
theirs receives nothing but the messages about the account itself.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.accounts.blueprint import bp
from inspir_events.accounts.models import User
from inspir_events.extensions import db
from inspir_events.mail import recipients
from inspir_events.mail.kinds import MailKind, declare

VERIFY = "account.verify"
EMAIL_CHANGE = "account.email_change"
EMAIL_CHANGED = "account.email_changed"
ADDRESS_IN_USE = "account.address_in_use"
RECOVERY = "account.password_reset"

ACCOUNT = _l("Your account")  # their group on « Mes notifications »

declare(
    bp,
    MailKind(VERIFY, title=_l("Confirming your address at sign-up"),
             subject=_l("Confirm your e-mail address"), group=ACCOUNT),
    MailKind(EMAIL_CHANGE, title=_l("Confirming a new address"),
             subject=_l("Confirm your new e-mail address"), group=ACCOUNT),
    MailKind(EMAIL_CHANGED, title=_l("Address changed"),
             subject=_l("Your e-mail address was changed"), group=ACCOUNT),
    MailKind(ADDRESS_IN_USE, title=_l("Address already in use"),
             subject=_l("You already have an account with this address"), group=ACCOUNT),
    MailKind(RECOVERY, title=_l("Password reset"),
             subject=_l("Reset your password"), group=ACCOUNT),
)


def notice_recipients(user_ids: list[int]) -> list[User]:
    """The accounts among ``user_ids`` whose address is confirmed, by id."""
    return list(db.session.scalars(select(User).where(
        User.id.in_(user_ids), User.email_verified_at.is_not(None)).order_by(User.id)))


recipients.provide(bp, notice_recipients)
