"""The mail blueprint (``mail.*``): the one-click unsubscribe pages and, in development,
the mailbox of written messages; views registered by importing their module. The daily
digest's kind (mail/digest.py) is declared with it."""

from flask import Blueprint

from inspir_events.mail.digest import KIND as DIGEST_KIND
from inspir_events.mail.kinds import declare

bp = Blueprint("mail", __name__)

declare(bp, DIGEST_KIND)

from inspir_events.mail import routes  # noqa: E402,F401  (registers the views on bp)
