"""The aid blueprint: ``bp``, with the views of its sub-packages registered by importing
their route modules, and the project described to labels as a subject of the label."""

from flask import Blueprint

from inspir_events.aid.projects.labelling import LABEL_SUBJECT
from inspir_events.labels.charter import SubjectType
from inspir_events.labels.subjects import register as register_label_subject

bp = Blueprint("aid", __name__)

# A project's label request reads its members, title, page and eligibility from here.
register_label_subject(bp, SubjectType.PROJECT, LABEL_SUBJECT)

# Registers the views on bp.
from inspir_events.aid.cofunding import routes as cofunding_routes  # noqa: E402,F401
from inspir_events.aid.envelopes import routes as envelopes_routes  # noqa: E402,F401
from inspir_events.aid.opendata import routes as opendata_routes  # noqa: E402,F401
from inspir_events.aid.projects import routes as projects_routes  # noqa: E402,F401
from inspir_events.aid.simulator import routes as simulator_routes  # noqa: E402,F401
