"""The labels blueprint: ``bp``, with its views and its part of people's accounts
(personal.py) registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("labels", __name__)

from inspir_events.labels import personal, routes  # noqa: E402,F401  (register on bp)
