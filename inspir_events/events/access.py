"""Who may see and change an event, and the errors the event use cases raise."""

from __future__ import annotations

from collections import namedtuple
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, select
from sqlalchemy import inspect as sa_inspect

from inspir_events.accounts.models import Role, User
from inspir_events.database import page_row, related_list, related_lists
from inspir_events.domain import DomainError
from inspir_events.events import rules
from inspir_events.events.following import SUBJECT_TYPE
from inspir_events.events.models import (
    Event,
    EventOrganiser,
    Registration,
    event_need,
    event_theme,
)
from inspir_events.events.rules import EventStatus, RegistrationStatus, Schedule
from inspir_events.extensions import db
from inspir_events.follows.models import Follow
from inspir_events.labels.charter import LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.needs.models import Need
from inspir_events.reference.models import Commune, Epci
from inspir_events.timeutil import utcnow
from inspir_events.uploads.models import Picture

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


# The needs the event addresses that are still on the public boards (a need hidden by
# moderation after the link stays linked, but is not shown), as the page shows them
# (LinkedNeed): three lists in their ids' order.
PUBLIC_NEEDS = related_lists(Need.id, Need.title, Need.supporters_count,
                             where=and_(event_need.c.event_id == Event.id,
                                        event_need.c.need_id == Need.id, Need.is_public),
                             order_by=Need.id, outer=Event)


# An event's columns, as its page reads them (an ``Event``'s attributes: EventShown).
EVENT_FIELDS = tuple(attribute.key for attribute in sa_inspect(Event).column_attrs)
EVENT_COLUMNS = tuple(attribute.columns[0] for attribute in sa_inspect(Event).column_attrs)

# Its organisers' accounts (ids, names), in the order they were added; the ids are a set
# (a tie of two additions' times may list the two lists' ties apart).
ORGANISERS = related_lists(EventOrganiser.user_id, User.display_name,
                           where=and_(EventOrganiser.event_id == Event.id,
                                      User.id == EventOrganiser.user_id),
                           order_by=EventOrganiser.added_at, outer=Event)

# An event with its organisers' names, its themes' codes, the viewer's registration, its
# latest label request's status and reason, its picture, whether the viewer follows it,
# its commune's intercommunality and its public needs (each was a statement of its own), by
# a statement built once; its department comes from the reference rows. Columns, no
# entity: as objects (the event, its organisers and their accounts joined, a row each; the
# registration and the picture), the ORM's work on the statement and its rows cost a fifth
# of a signed-in event page (issue 21 §6).
EVENT_PAGE = (
    select(*EVENT_COLUMNS, *ORGANISERS,
           related_list(event_theme.c.theme_code, where=event_theme.c.event_id == Event.id,
                        order_by=event_theme.c.theme_code, outer=Event),
           Registration.status, Registration.position, Registration.event_id,
           LabelRequest.status, LabelRequest.reason, Picture.renditions, Picture.alt,
           select(Follow.user_id).where(Follow.user_id == bindparam("viewer_id"),
                                        Follow.subject_type == SUBJECT_TYPE,
                                        Follow.subject_id == Event.id)
           .correlate(Event).exists(),
           Epci.siren, Epci.name,
           *PUBLIC_NEEDS)
    .select_from(Event)
    .outerjoin(Registration, and_(Registration.event_id == Event.id,
                                  Registration.user_id == bindparam("viewer_id")))
    # Its label's status: its latest request (labels.services.latest).
    .outerjoin(LabelRequest, LabelRequest.id == (
        select(LabelRequest.id).where(LabelRequest.subject_type == SubjectType.EVENT,
                                      LabelRequest.subject_id == Event.id)
        .order_by(LabelRequest.id.desc()).limit(1).correlate(Event).scalar_subquery()))
    .outerjoin(Picture, and_(Picture.subject_type == SUBJECT_TYPE,
                             Picture.subject_id == Event.id))
    .outerjoin(Commune, Commune.code == Event.venue_commune_code)
    .outerjoin(Epci, Epci.siren == Commune.epci_siren)
    .where(Event.id == bindparam("event_id")))


class EventShown(namedtuple("EventShown", (*EVENT_FIELDS, "organiser_names",
                                           "organiser_ids"))):
    """An event as its page shows it: an ``Event``'s column attributes, its organisers'
    names (in the order they were added) and ids (what ``is_organiser`` asks). Read-only;
    the use cases that change an event load the ``Event``."""

    __slots__ = ()


class RegistrationShown(NamedTuple):
    """What an event's page shows of the viewer's registration (``waitlist_position``)."""

    status: RegistrationStatus
    position: int
    event_id: int


class PictureShown(NamedTuple):
    """What a page shows of a picture (templates/pictures/_macros.html)."""

    renditions: list
    alt: str


class LabelShown(NamedTuple):
    """What an event's page shows of its latest label request."""

    status: LabelStatus
    reason: str | None


class Intercommunality(NamedTuple):
    siren: str
    name: str


class LinkedNeed(NamedTuple):
    """A need an event addresses, as its page shows it."""

    id: int
    title: str
    supporters_count: int


class EventPage(NamedTuple):
    event: EventShown
    registration: RegistrationShown | None  # the viewer's
    theme_codes: frozenset[str]
    label: LabelShown | None  # its latest label request
    picture: PictureShown | None
    following: bool  # whether the viewer follows it
    needs: tuple[LinkedNeed, ...]  # those still on the public boards, by id
    intercommunality: Intercommunality | None  # its commune's


def get_for_viewer(event_id: int, viewer) -> Event:
    """A published or cancelled event; a draft only for its organisers."""
    return _shown_to(viewer, db.session.get(Event, event_id))


def event_page(event_id: int, viewer) -> EventPage:
    """What an event's page shows of it, read at once (EVENT_PAGE); as ``get_for_viewer``,
    a draft only for its organisers."""
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
    row = page_row(EVENT_PAGE, {"event_id": event_id, "viewer_id": viewer_id})
    if row is None:
        raise EventNotFound()
    fields = len(EVENT_FIELDS)
    (organiser_ids, organiser_names, codes, registration_status, position, registered_to,
     label_status, label_reason, renditions, alt, following, siren, epci_name, ids, titles,
     supporters) = row[fields:]
    event = EventShown(*row[:fields], tuple(organiser_names or ()),
                       frozenset(organiser_ids or ()))
    needs = tuple(LinkedNeed(*need) for need in zip(ids or (), titles or (), supporters or (),
                                                     strict=True))
    return EventPage(
        _shown_to(viewer, event),
        RegistrationShown(registration_status, position, registered_to)
        if registration_status else None,
        frozenset(codes or ()),
        LabelShown(label_status, label_reason) if label_status else None,
        PictureShown(renditions, alt) if renditions is not None else None,
        bool(following), needs,
        Intercommunality(siren, epci_name) if siren else None)


def _shown_to(viewer, event):
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
