"""The uploads blueprint: ``bp``, serving the pictures' renditions (routes.py)."""

from flask import Blueprint

bp = Blueprint("uploads", __name__)

from inspir_events.uploads import routes  # noqa: E402,F401  (register on bp)
