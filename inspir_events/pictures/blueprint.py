"""The pictures blueprint: ``bp``, with the picture's page (routes.py) and its part of
people's accounts (personal.py)."""

from flask import Blueprint

bp = Blueprint("pictures", __name__)

from inspir_events.pictures import personal, routes  # noqa: E402,F401  (register on bp)
