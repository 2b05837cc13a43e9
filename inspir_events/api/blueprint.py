"""The api blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from inspir_events.api import downloads, routes  # noqa: E402,F401  (registers the views on bp)
