"""The stats blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("stats", __name__)

from inspir_events.stats import routes  # noqa: E402,F401  (registers the views on bp)
