"""The labels blueprint: ``bp``, with its views and its part of people's accounts
(personal.py) registered by importing their modules, and the label request described to
recusal (its requester and the labelled subject's parties are party to it)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from inspir_events.labels import services
from inspir_events.recusal.registry import register_parties

bp = Blueprint("labels", __name__)

register_parties(bp, services.RECUSAL_SUBJECT, services.request_parties,
                 name=_l("this label request"), related=services.labelled_subject,
                 may_declare=services.may_decide, page=services.queue_page)

from inspir_events.labels import personal, routes  # noqa: E402,F401  (register on bp)
