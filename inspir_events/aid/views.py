"""The aid feature as the application registers it: the ``aid`` blueprint with the views
of every sub-package, the project described to labels as a subject of the label, and aid's
part of people's accounts."""

from inspir_events.aid import personal  # noqa: F401  (its part of people's accounts)
from inspir_events.aid.blueprint import bp
from inspir_events.aid.cofunding import routes as cofunding_routes  # noqa: F401
from inspir_events.aid.envelopes import routes as envelopes_routes  # noqa: F401
from inspir_events.aid.opendata import routes as opendata_routes  # noqa: F401
from inspir_events.aid.projects import routes as projects_routes  # noqa: F401
from inspir_events.aid.projects.labelling import LABEL_SUBJECT
from inspir_events.aid.simulator import routes as simulator_routes  # noqa: F401
from inspir_events.aid.years import routes as years_routes  # noqa: F401
from inspir_events.labels.charter import SubjectType
from inspir_events.labels.subjects import register as register_label_subject

# A project's label request reads its members, title, page and eligibility from here.
register_label_subject(bp, SubjectType.PROJECT, LABEL_SUBJECT)
