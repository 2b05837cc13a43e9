"""The INS'pir label: charter-based requests and the committee's decisions."""

from flask import Blueprint

bp = Blueprint("labels", __name__)

from inspir_events.labels import routes  # noqa: E402,F401  (registers the views on bp)
