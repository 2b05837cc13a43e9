"""Following and events: the event as a subject people follow (follows/subjects.py), and
telling a need's followers that an event addresses it.

Issue 17 §3: les soutiens et abonnés d'un besoin are told when an event addresses
it: when an event naming the need is published, or when a published event is changed
to name it (a need it named already is not news again). Supporting a need follows it
(needs/services.py), so followers include its supporters, except those who chose to
stop following it. The person whose action it is hears nothing of it. Each is told in
the app, in the caller's transaction (notifications.notify; by e-mail too, per the
person's choice for the kind "need.addressed").
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus
from inspir_events.extensions import db
from inspir_events.follows import services as follows
from inspir_events.follows.subjects import FollowSubject
from inspir_events.notifications import services as notifications
from inspir_events.urls import path_for

SUBJECT_TYPE = "event"


def public_event(event_id: int) -> Event | None:
    """The event if a visitor sees it (published or cancelled; not a draft), else None."""
    event = db.session.get(Event, event_id)
    return event if event is not None and event.status != EventStatus.DRAFT else None


FOLLOW_SUBJECT = FollowSubject(
    load=public_event, title=lambda event: event.title,
    url=lambda event: path_for("events.detail", event_id=event.id),
    name=_l("Event"), gone=_l("An event that is no longer public"))


def tell_need_followers(actor, event: Event, needs: Iterable) -> int:
    """Tell the followers of each of ``needs`` that ``event`` addresses it ("need.addressed"),
    in the caller's transaction; returns how many notifications were written."""
    url = path_for("events.detail", event_id=event.id)
    told = 0
    for need in needs:
        people = [uid for uid in follows.followers("need", need.id) if uid != actor.id]
        told += notifications.notify(people, "need.addressed", url=url, need=need.title,
                                     event=event.title)
    return told
