"""The public JSON API (read-only, /api/v1) and its OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from inspir_events.api import routes  # noqa: E402,F401  (registers the views on bp)
