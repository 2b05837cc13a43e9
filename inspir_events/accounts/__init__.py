"""Accounts: sign-up, log-in and log-out, profile, roles granted by an admin."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from inspir_events.accounts import routes  # noqa: E402,F401  (registers the views on bp)
