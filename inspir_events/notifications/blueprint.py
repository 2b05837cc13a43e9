"""The notifications blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from inspir_events.notifications import routes  # noqa: E402,F401  (registers the views on bp)
