"""The voting blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("voting", __name__)

from inspir_events.voting import events, routes  # noqa: E402,F401  (views and socket handlers)
