"""The voting blueprint: ``bp``, with its views, socket handlers and its part of people's
accounts (personal.py) registered by importing their modules, and the idea described
to discussions."""

from flask import Blueprint

from inspir_events.discussions.subjects import register as register_commented
from inspir_events.search.registry import register as register_searched
from inspir_events.voting.commenting import COMMENT_SUBJECT, SUBJECT_TYPE
from inspir_events.voting.search import SEARCH_SOURCE, SOURCE

bp = Blueprint("voting", __name__)
# People comment on an idea its event's pages show (issue 20 §1).
register_commented(bp, SUBJECT_TYPE, COMMENT_SUBJECT)

# The site's search finds the ideas of closed rounds (issue 20 §2).
register_searched(bp, SOURCE, SEARCH_SOURCE)

from inspir_events.voting import events, personal, routes  # noqa: E402,F401  (register on bp)
