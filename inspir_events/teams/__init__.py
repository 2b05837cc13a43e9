"""Teams: forming multidisciplinary teams at an event, joining, matching people and teams."""

from flask import Blueprint

bp = Blueprint("teams", __name__)

from inspir_events.teams import routes  # noqa: E402,F401  (registers the views on bp)
