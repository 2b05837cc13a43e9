"""Aid: the money rules, the simulator, envelopes, co-funding applications and the
committee, the maturation pipeline, granted aid and its SCDL export."""

from flask import Blueprint

bp = Blueprint("aid", __name__)

# Registers the views on bp.
from inspir_events.aid import (  # noqa: E402,F401
    application_routes,
    export_routes,
    project_routes,
    routes,
)
