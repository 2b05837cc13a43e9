"""The main blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from inspir_events.main import routes  # noqa: E402,F401  (registers the views on bp)
