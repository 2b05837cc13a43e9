"""The store blueprint: ``bp``, with its views registered by importing their modules, and the
support structure described to labels as a subject of the label."""

from flask import Blueprint

from inspir_events.labels.charter import SubjectType
from inspir_events.labels.subjects import register as register_label_subject
from inspir_events.store.structures import LABEL_SUBJECT

bp = Blueprint("store", __name__)

# A support structure's label request reads who it is and its page from here.
register_label_subject(bp, SubjectType.SUPPORT_STRUCTURE, LABEL_SUBJECT)

from inspir_events.store import routes, structure_routes  # noqa: E402,F401  (views on bp)
