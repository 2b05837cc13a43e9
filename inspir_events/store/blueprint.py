"""The store blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("store", __name__)

from inspir_events.store import routes, structure_routes  # noqa: E402,F401  (views on bp)
