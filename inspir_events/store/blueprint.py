"""The store blueprint: ``bp``, with its views registered by importing their modules, and the
support structure described to labels as a subject of the label, to recusal (its
people are party to it) and to follows (people follow a structure), and a need's lineage
composed for the need page."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from inspir_events.follows.subjects import register as register_followed
from inspir_events.labels.charter import SubjectType
from inspir_events.labels.subjects import register as register_label_subject
from inspir_events.needs import lineage as need_lineage
from inspir_events.pictures.subjects import register as register_picture
from inspir_events.recusal.registry import register_parties
from inspir_events.search.registry import register as register_searched
from inspir_events.store import search
from inspir_events.store.need_lineage import compose as compose_need_lineage
from inspir_events.store.structures import (
    FOLLOW_SUBJECT,
    LABEL_SUBJECT,
    PICTURE_SUBJECT,
    structure_people,
)

bp = Blueprint("store", __name__)

# A support structure's label request reads who it is and its page from here.
register_label_subject(bp, SubjectType.SUPPORT_STRUCTURE, LABEL_SUBJECT)
# Nobody decides on their own structure (its label): « déport ».
register_parties(bp, SubjectType.SUPPORT_STRUCTURE.value, structure_people,
                 name=_l("this support structure"))
# People follow a support structure (issue 17 §4).
register_followed(bp, SubjectType.SUPPORT_STRUCTURE.value, FOLLOW_SUBJECT)
# A structure's page carries its picture (issue 20 §4).
register_picture(bp, SubjectType.SUPPORT_STRUCTURE.value, PICTURE_SUBJECT)
# The need page's lineage (events, ideas, projects) is composed here, above them all.
need_lineage.provide(bp, compose_need_lineage)
# The site's search finds listed projects, store entries and support structures (issue 20 §2).
register_searched(bp, search.PROJECT_SOURCE, search.PROJECT_SEARCH)
register_searched(bp, search.STRUCTURE_SOURCE, search.STRUCTURE_SEARCH)

from inspir_events.store import (  # noqa: E402,F401  (register on bp)
    personal,
    routes,
    structure_routes,
)
