"""Public statistics: needs, events, participants, ideas, projects and money, as charts."""

from flask import Blueprint

bp = Blueprint("stats", __name__)

from inspir_events.stats import routes  # noqa: E402,F401  (registers the views on bp)
