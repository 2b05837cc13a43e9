"""The labels blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("labels", __name__)

from inspir_events.labels import routes  # noqa: E402,F401  (registers the views on bp)
