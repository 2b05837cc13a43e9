"""The accounts blueprints, with their views registered by importing their modules.

- ``bp`` (``accounts.*``): sign-up, log-in, profile, personal data, the users' admin
  page; confirming and changing one's address (email_routes.py), password reset
  (recovery_routes.py), the outbox's admin page (mail_routes.py), « Mes notifications »
  (preferences.py) and the daily digest's task (digest.py); accounts' own personal data
  (personal.py) and the messages they send (mails.py) are declared with it;
- ``audit_bp`` (``audit.*``): the audit log's admin page (``/admin/audit``). Reading the
  log names its actors and needs the admin role, so it lives here, above the audit
  package (which only writes entries); its own blueprint keeps its endpoint ``audit.log``.
"""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
audit_bp = Blueprint("audit", __name__)

from inspir_events.accounts import (  # noqa: E402,F401  (register on the blueprints)
    audit_routes,
    digest,
    email_routes,
    mail_routes,
    mails,
    personal,
    preferences,
    recovery_routes,
    routes,
)
