"""The aid blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("aid", __name__)

# Registers the views on bp.
from inspir_events.aid import (  # noqa: E402,F401
    application_routes,
    export_routes,
    project_routes,
    routes,
)
