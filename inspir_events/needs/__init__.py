"""Need boards: citizens submit, support and follow needs by territory and theme."""

from flask import Blueprint

bp = Blueprint("needs", __name__)

from inspir_events.needs import routes  # noqa: E402,F401  (registers the views on bp)
