"""The notifications blueprint: ``bp``, with its views and the e-mails of its kinds
(mails.py) registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from inspir_events.notifications import mails, routes  # noqa: E402,F401  (register on bp)

mails.email_notices(bp, *mails.NOTICES.values())
