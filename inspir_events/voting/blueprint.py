"""The voting blueprint: ``bp``, with its views, socket handlers and its part of people's
accounts (personal.py) registered by importing their modules."""

from flask import Blueprint

from inspir_events.search.registry import register as register_searched
from inspir_events.voting.search import SEARCH_SOURCE, SOURCE

bp = Blueprint("voting", __name__)

# The site's search finds the ideas of closed rounds (issue 20 §2).
register_searched(bp, SOURCE, SEARCH_SOURCE)

from inspir_events.voting import events, personal, routes  # noqa: E402,F401  (register on bp)
