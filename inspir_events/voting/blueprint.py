"""The voting blueprint: ``bp``, with its views, socket handlers and its part of people's
accounts (personal.py) registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("voting", __name__)

from inspir_events.voting import events, personal, routes  # noqa: E402,F401  (register on bp)
