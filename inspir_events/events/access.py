"""Who may see and change an event, and the errors the event use cases raise."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from inspir_events.accounts.models import Role, User
from inspir_events.domain import DomainError
from inspir_events.events import rules
from inspir_events.events.models import Event, EventOrganiser
from inspir_events.events.rules import EventStatus, Schedule
from inspir_events.extensions import db
from inspir_events.reference.models import Commune
from inspir_events.timeutil import utcnow

REGISTRATION_MESSAGES = {
    "cancelled": _l("This event is cancelled: registration is closed."),
    "draft": _l("This event is not published yet."),
    "not_open": _l("Registration is not open yet."),
    "closed": _l("Registration is closed."),
}


class EventError(DomainError):
    """An event use case refused (422 unless a subclass says otherwise)."""


class EventNotFound(EventError):
    status = 404

    def __init__(self):
        super().__init__(_l("This event does not exist or is not public."))


class EventForbidden(EventError):
    status = 403


class EventConflict(EventError):
    """The event's state forbids this now (registration closed, already cancelled...)."""

    status = 409


def is_organiser(user, event: Event) -> bool:
    return bool(user and user.is_authenticated and user.id in event.organiser_ids)


def parties(event_id: int) -> set[int]:
    """Who is party to the event (recusal, « déport »): its creator and its organisers,
    co-organisers included (read from the database, never from a stale row)."""
    people = set(db.session.scalars(select(EventOrganiser.user_id).where(
        EventOrganiser.event_id == event_id)))
    creator = db.session.scalar(select(Event.created_by_id).where(Event.id == event_id))
    return people | ({creator} if creator is not None else set())


def can_declare(user) -> bool:
    return bool(user and user.is_authenticated
                and (user.has_role(Role.ORGANISER) or user.has_role(Role.ADMIN)))


def schedule(event: Event) -> Schedule:
    return Schedule(event.starts_at, event.ends_at, event.capacity,
                    event.registration_opens_at, event.registration_closes_at)


def registration_problem(event: Event) -> str | None:
    """Why nobody can register right now, or None (see rules.registration_problem)."""
    return rules.registration_problem(event.status, utcnow(), schedule(event))


# An event with its department, commune and intercommunality (joined: its page names
# them) and its organisers with their accounts (one statement, whatever their number: each
# account was loaded on its own), by a statement built once.
EVENT_PAGE = (select(Event).where(Event.id == bindparam("event_id"))
              .options(joinedload(Event.department),
                       joinedload(Event.commune_row).joinedload(Commune.epci),
                       selectinload(Event.organiser_rows).joinedload(EventOrganiser.user)
                       .lazyload(User.role_rows)))


def get_for_viewer(event_id: int, viewer, *, page: bool = False) -> Event:
    """A published or cancelled event; a draft only for its organisers. ``page``: with
    its territory and organisers (EVENT_PAGE)."""
    if page:
        event = db.session.scalar(EVENT_PAGE, {"event_id": event_id})
    else:
        event = db.session.get(Event, event_id)
    if event is None:
        raise EventNotFound()
    if event.status == EventStatus.DRAFT and not is_organiser(viewer, event):
        raise EventNotFound()
    return event


def organised(user: User, event_id: int, lock: bool = False) -> Event:
    stmt = select(Event).where(Event.id == event_id)
    if lock:
        stmt = stmt.with_for_update()
    event = db.session.scalar(stmt)
    if event is None:
        raise EventNotFound()
    if not is_organiser(user, event):
        if event.status == EventStatus.DRAFT:
            raise EventNotFound()
        raise EventForbidden(_l("Only the event's organisers can change it."))
    return event


def locked_event(event_id: int) -> Event:
    event = db.session.scalar(select(Event).where(Event.id == event_id).with_for_update())
    if event is None or event.status == EventStatus.DRAFT:
        raise EventNotFound()
    return event
