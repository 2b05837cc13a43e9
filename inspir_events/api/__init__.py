"""The public JSON API (read-only, /api/v1), its OpenAPI document, and the open data
downloads page (/open-data) with the downloads it adds (events, store)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from inspir_events.api import downloads, routes  # noqa: E402,F401  (registers the views on bp)
