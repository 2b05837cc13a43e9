"""The aid feature as the application registers it: the ``aid`` blueprint with the views
of every sub-package, the project described to labels as a subject of the label, the
co-funding application, the project and the application to a call for projects described
to recusal (who is party to them, who may declare a conflict on them), the call and a
session of co-funding applications described to the jury as juried subjects and the
call's periodic closing, the project described to follows (people follow a project), the
committee's weekly digest (digest.py), and aid's part of people's accounts."""

from flask_babel import lazy_gettext as _l

from inspir_events.aid import (
                 digest,  # noqa: F401  (the committee's weekly digest)
                 personal,  # noqa: F401  (its part of people's accounts)
)
from inspir_events.aid.blueprint import bp
from inspir_events.aid.calls import decisions as call_decisions
from inspir_events.aid.calls import routes as calls_routes  # noqa: F401
from inspir_events.aid.calls import services as calls
from inspir_events.aid.cofunding import (
    decisions,
    document_routes,  # noqa: F401
    documents,
)
from inspir_events.aid.cofunding import routes as cofunding_routes  # noqa: F401
from inspir_events.aid.cofunding import session_routes as cofunding_session_routes  # noqa: F401
from inspir_events.aid.cofunding import sessions as cofunding_sessions
from inspir_events.aid.envelopes import routes as envelopes_routes  # noqa: F401
from inspir_events.aid.followup import routes as followup_routes  # noqa: F401
from inspir_events.aid.jury import routes as jury_routes  # noqa: F401
from inspir_events.aid.jury.registry import register as register_juried
from inspir_events.aid.opendata import routes as opendata_routes  # noqa: F401
from inspir_events.aid.projects import following as project_following
from inspir_events.aid.projects import picture as project_picture
from inspir_events.aid.projects import queries as projects
from inspir_events.aid.projects import routes as projects_routes  # noqa: F401
from inspir_events.aid.projects.labelling import LABEL_SUBJECT
from inspir_events.aid.simulator import routes as simulator_routes  # noqa: F401
from inspir_events.aid.years import routes as years_routes  # noqa: F401
from inspir_events.discussions.subjects import register as register_commented
from inspir_events.follows.subjects import register as register_followed
from inspir_events.labels.charter import SubjectType
from inspir_events.labels.subjects import register as register_label_subject
from inspir_events.mail.tasks import paris_time, periodic
from inspir_events.pictures.subjects import register as register_picture
from inspir_events.recusal.registry import register_parties

# A project's label request reads its members, title, page and eligibility from here.
register_label_subject(bp, SubjectType.PROJECT, LABEL_SUBJECT)
# « Déport »: nobody decides on an application or a project they are party to.
# Its deciders and the jury of its session may declare a conflict on an application.
register_parties(bp, decisions.RECUSAL_SUBJECT, decisions.parties,
                 name=_l("this co-funding application"),
                 may_declare=cofunding_sessions.may_declare, page=decisions.review_path)
register_parties(bp, projects.RECUSAL_SUBJECT, projects.parties, name=_l("this project"),
                 may_declare=projects.may_decide, page=projects.page)
register_parties(bp, call_decisions.RECUSAL_SUBJECT, call_decisions.recusal_parties,
                 name=_l("this application to a call for projects"),
                 may_declare=call_decisions.may_decide, page=call_decisions.application_path)
# Calls for projects are judged by a jury (issue 19 §2); an overdue call closes itself.
register_juried(bp, calls.JURY_SUBJECT, call_decisions.JURIED_CALL)
periodic(bp, "aid.close_calls", paris_time(minute="*/15"), calls.close_overdue)
# Each session of co-funding applications is judged by a jury (issue 19 §2.1).
register_juried(bp, cofunding_sessions.JURY_SUBJECT, cofunding_sessions.JURIED_SESSION)
# The session's jury reads its applications' PDFs (issue 20 §4), a recused member excepted.
documents.add_reader(bp, cofunding_sessions.may_read_documents)
# People follow a project (issue 17 §4).
register_followed(bp, project_following.SUBJECT_TYPE, project_following.FOLLOW_SUBJECT)
# People comment on a project, in the pipeline and in the store (issue 20 §1).
register_commented(bp, project_following.SUBJECT_TYPE, project_following.COMMENT_SUBJECT)
# A project carries a picture (issue 20 §4).
register_picture(bp, project_following.SUBJECT_TYPE, project_picture.PICTURE_SUBJECT)
