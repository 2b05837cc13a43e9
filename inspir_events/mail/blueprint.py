"""The mail blueprint (``mail.*``): the one-click unsubscribe pages and, in development,
the mailbox of written messages; views registered by importing their module."""

from flask import Blueprint

bp = Blueprint("mail", __name__)

from inspir_events.mail import routes  # noqa: E402,F401  (registers the views on bp)
