"""Aid: the co-funding and grant rules of the deliberation, and the public simulator."""

from flask import Blueprint

bp = Blueprint("aid", __name__)

from inspir_events.aid import routes  # noqa: E402,F401  (registers the views on bp)
