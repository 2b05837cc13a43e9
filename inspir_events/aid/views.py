"""The aid feature as the application registers it: the ``aid`` blueprint with the views
of every sub-package, the project described to labels as a subject of the label, the
co-funding application and the project described to recusal (who is party to them, who
may declare a conflict on them), the project described to follows (people follow a
project), the committee's weekly digest (digest.py), and aid's part of people's
accounts."""

from flask_babel import lazy_gettext as _l

from inspir_events.aid import (
                 digest,  # noqa: F401  (the committee's weekly digest)
                 personal,  # noqa: F401  (its part of people's accounts)
)
from inspir_events.aid.blueprint import bp
from inspir_events.aid.cofunding import (
                 decisions,
                 document_routes,  # noqa: F401
)
from inspir_events.aid.cofunding import routes as cofunding_routes  # noqa: F401
from inspir_events.aid.envelopes import routes as envelopes_routes  # noqa: F401
from inspir_events.aid.followup import routes as followup_routes  # noqa: F401
from inspir_events.aid.opendata import routes as opendata_routes  # noqa: F401
from inspir_events.aid.projects import following as project_following
from inspir_events.aid.projects import picture as project_picture
from inspir_events.aid.projects import queries as projects
from inspir_events.aid.projects import routes as projects_routes  # noqa: F401
from inspir_events.aid.projects.labelling import LABEL_SUBJECT
from inspir_events.aid.simulator import routes as simulator_routes  # noqa: F401
from inspir_events.aid.years import routes as years_routes  # noqa: F401
from inspir_events.follows.subjects import register as register_followed
from inspir_events.labels.charter import SubjectType
from inspir_events.labels.subjects import register as register_label_subject
from inspir_events.pictures.subjects import register as register_picture
from inspir_events.recusal.registry import register_parties

# A project's label request reads its members, title, page and eligibility from here.
register_label_subject(bp, SubjectType.PROJECT, LABEL_SUBJECT)
# « Déport »: nobody decides on an application or a project they are party to.
register_parties(bp, decisions.RECUSAL_SUBJECT, decisions.parties,
                 name=_l("this co-funding application"), may_declare=decisions.may_decide,
                 page=decisions.review_path)
register_parties(bp, projects.RECUSAL_SUBJECT, projects.parties, name=_l("this project"),
                 may_declare=projects.may_decide, page=projects.page)
# People follow a project (issue 17 §4).
register_followed(bp, project_following.SUBJECT_TYPE, project_following.FOLLOW_SUBJECT)
# A project carries a picture (issue 20 §4).
register_picture(bp, project_following.SUBJECT_TYPE, project_picture.PICTURE_SUBJECT)
