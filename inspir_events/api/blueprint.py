"""The api blueprint: ``bp``, with its views registered by importing their modules."""

from flask import Blueprint

from inspir_events import limits

bp = Blueprint("api", __name__)
# Every page of the API and the open-data downloads: costly reads (limits.costly_read).
limits.costly_read(bp)

from inspir_events.api import downloads, routes  # noqa: E402,F401  (registers the views on bp)
