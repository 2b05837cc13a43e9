"""The needs blueprint: ``bp``, with its views, its part of people's accounts (personal.py)
and the messages its followers receive (mails.py) registered by importing their modules,
and the need described to follows (people follow a need; supporting it follows it)."""

from flask import Blueprint

from inspir_events.discussions.subjects import register as register_commented
from inspir_events.follows.subjects import register as register_followed
from inspir_events.needs.following import COMMENT_SUBJECT, FOLLOW_SUBJECT, SUBJECT_TYPE
from inspir_events.needs.search import SEARCH_SOURCE, SOURCE
from inspir_events.search.registry import register as register_searched

bp = Blueprint("needs", __name__)

register_followed(bp, SUBJECT_TYPE, FOLLOW_SUBJECT)
register_commented(bp, SUBJECT_TYPE, COMMENT_SUBJECT)
# The site's search finds public needs (issue 20 §2).
register_searched(bp, SOURCE, SEARCH_SOURCE)

from inspir_events.needs import mails, personal, routes  # noqa: E402,F401  (register on bp)
