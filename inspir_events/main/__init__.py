"""Home page, language switch and health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from inspir_events.main import routes  # noqa: E402,F401  (registers the views on bp)
