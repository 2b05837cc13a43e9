"""The search blueprint: ``bp``, with the search page registered by importing its module,
and the index's upkeep (index.py: a listener on every session's flush) switched on."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from inspir_events.search import index, routes  # noqa: E402,F401  (register on bp; listen)
