"""The aid blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

bp = Blueprint("aid", __name__)

# Registers the views on bp.
from inspir_events.aid.cofunding import routes as application_routes  # noqa: E402,F401
from inspir_events.aid.envelopes import routes as envelope_routes  # noqa: E402,F401
from inspir_events.aid.opendata import routes as opendata_routes  # noqa: E402,F401
from inspir_events.aid.projects import routes as project_routes  # noqa: E402,F401
from inspir_events.aid.simulator import routes as simulator_routes  # noqa: E402,F401
