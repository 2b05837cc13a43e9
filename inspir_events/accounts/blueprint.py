"""The accounts blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from inspir_events.accounts import routes  # noqa: E402,F401  (registers the views on bp)
