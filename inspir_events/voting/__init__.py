"""Ideas and live voting: posting ideas, voting rounds, live tallies over Socket.IO, winners."""

from flask import Blueprint

bp = Blueprint("voting", __name__)

from inspir_events.voting import events, routes  # noqa: E402,F401  (views and socket handlers)
