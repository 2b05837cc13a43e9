"""The territories blueprint: ``bp``, with the communes' suggestions the forms' combobox
reads (routes.py)."""

from flask import Blueprint

bp = Blueprint("territories", __name__)

from inspir_events.reference import routes  # noqa: E402,F401  (register on bp)
