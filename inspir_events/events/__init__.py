"""Events: declare INS'pir events, the label, registration with waitlist, check-in, calendars."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from inspir_events.events import routes  # noqa: E402,F401  (registers the views on bp)
