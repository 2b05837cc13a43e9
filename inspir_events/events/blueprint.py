"""The events blueprint: ``bp``, with its views, its part of people's accounts
(personal.py), its messages (mails.py) and its periodic reminders (reminders.py)
registered by importing their modules, and the event described to recusal (its
organisers are party to it) and to follows (people follow an event)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from inspir_events.events.access import parties
from inspir_events.events.following import FOLLOW_SUBJECT, SUBJECT_TYPE
from inspir_events.events.picture import PICTURE_SUBJECT
from inspir_events.events.search import SEARCH_SOURCE, SOURCE
from inspir_events.follows.subjects import register as register_followed
from inspir_events.pictures.subjects import register as register_picture
from inspir_events.recusal.registry import register_parties
from inspir_events.search.registry import register as register_searched

bp = Blueprint("events", __name__)

# Nobody decides on an event they organise (its label, its co-funding): « déport ».
register_parties(bp, "event", parties, name=_l("this event"))
# People follow an event (issue 17 §4).
register_followed(bp, SUBJECT_TYPE, FOLLOW_SUBJECT)
# An event carries a picture (issue 20 §4).
register_picture(bp, SUBJECT_TYPE, PICTURE_SUBJECT)
# The site's search finds published events (issue 20 §2).
register_searched(bp, SOURCE, SEARCH_SOURCE)

from inspir_events.events import (  # noqa: E402,F401  (register on bp)
    calendar_routes,
    checkin_routes,
    mails,
    personal,
    registration_routes,
    reminders,
    routes,
)
from inspir_events.mail.kinds import declare  # noqa: E402

declare(bp, *mails.KINDS)
