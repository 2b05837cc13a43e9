"""The events blueprint: ``bp``, with its views and its part of people's accounts
(personal.py) registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from inspir_events.events import (  # noqa: E402,F401  (register on bp)
    calendar_routes,
    personal,
    registration_routes,
    routes,
)
