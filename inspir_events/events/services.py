"""Event use cases. Each owns its transaction: load (locked), check the rules, change, commit."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import defer, lazyload, selectinload

from inspir_events import markdown
from inspir_events.accounts.models import User
from inspir_events.accounts.services import find_by_email
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.events import following, mails, participation, rules
from inspir_events.events.access import REGISTRATION_MESSAGES as REGISTRATION_MESSAGES
from inspir_events.events.access import EventConflict as EventConflict
from inspir_events.events.access import EventError as EventError
from inspir_events.events.access import EventForbidden as EventForbidden
from inspir_events.events.access import EventNotFound as EventNotFound
from inspir_events.events.access import can_declare as can_declare
from inspir_events.events.access import event_page as event_page
from inspir_events.events.access import get_for_viewer as get_for_viewer
from inspir_events.events.access import is_organiser as is_organiser
from inspir_events.events.access import organised
from inspir_events.events.access import registration_problem as registration_problem
from inspir_events.events.models import (
    Event,
    EventOrganiser,
    Registration,
    event_need,
    event_theme,
)
from inspir_events.events.participation import promote
from inspir_events.events.rules import (
    EventKind,
    EventStatus,
    RegistrationStatus,
    RunBy,
    Schedule,
)
from inspir_events.extensions import db
from inspir_events.labels import services as labels
from inspir_events.labels.charter import SubjectType
from inspir_events.needs import services as needs
from inspir_events.needs.models import Need
from inspir_events.needs.rules import clamp_page
from inspir_events.notifications import services as notifications
from inspir_events.reference import services as reference
from inspir_events.reference.models import Commune, Department, Theme
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for

PROBLEM_MESSAGES = {
    "end_before_start": _l("The end must come after the start."),
    "capacity_not_positive": _l("The capacity must be at least 1 (leave it empty for no limit)."),
    "capacity_too_large": _l("The capacity is at most %(max)d places.", max=rules.CAPACITY_MAX),
    "window_inverted": _l("Registration must close after it opens."),
    "window_after_end": _l("Registration must close before the event ends."),
}


@dataclass
class EventInput:
    title: str
    kind: EventKind
    description: str
    starts_at: datetime  # naive UTC
    ends_at: datetime
    venue_name: str
    venue_address: str
    venue_commune: str
    department_code: str
    run_by: RunBy
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    need_ids: list[int] = field(default_factory=list)
    theme_codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EventFilters:
    when: str = "upcoming"  # "upcoming", "past" or "all"
    department: str | None = None
    kind: EventKind | None = None
    theme: str | None = None
    labelled_only: bool = False
    epci: str | None = None  # an intercommunality's SIREN: events in its communes


def listing_statement(filters: EventFilters, now: datetime):
    stmt = select(Event).where(Event.status != EventStatus.DRAFT)
    if filters.when == "upcoming":
        stmt = stmt.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    elif filters.when == "past":
        stmt = stmt.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        stmt = stmt.order_by(Event.starts_at, Event.id)
    if filters.department:
        stmt = stmt.where(Event.department_code == filters.department)
    if filters.epci:
        stmt = stmt.where(Event.venue_commune_code.in_(
            select(Commune.code).where(Commune.epci_siren == filters.epci)))
    if filters.kind:
        stmt = stmt.where(Event.kind == filters.kind)
    if filters.theme:
        stmt = stmt.where(Event.id.in_(select(event_theme.c.event_id)
                                       .where(event_theme.c.theme_code == filters.theme)))
    if filters.labelled_only:
        stmt = stmt.where(Event.id.in_(labels.granted_subject_ids(SubjectType.EVENT)))
    return stmt


@dataclass
class EventPage:
    events: list[Event]
    total: int
    page: int
    per_page: int
    labelled: set[int]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def listing(filters: EventFilters, page: int = 1, per_page: int = rules.PER_PAGE) -> EventPage:
    """One page of events, with the labelled ones, in a constant number of queries.

    A page past the last one shows the last one (an offset beyond the database's
    integers would otherwise fail).
    """
    stmt = listing_statement(filters, utcnow())
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = clamp_page(page, total, per_page)
    events = list(db.session.scalars(
        stmt.options(selectinload(Event.themes), selectinload(Event.department))
        .limit(per_page).offset((page - 1) * per_page)))
    return EventPage(events, total, page, per_page, labelled_ids([e.id for e in events]))


def counts_per_department(filters: EventFilters) -> dict[str, int]:
    """The listed events (these filters, any department) per department: the map's figures."""
    everywhere = replace(filters, department=None, epci=None)
    listed = listing_statement(everywhere, utcnow()).order_by(None).subquery()
    return dict(db.session.execute(
        select(listed.c.department_code, func.count()).group_by(listed.c.department_code)).all())


def public_counts(by: str = "department") -> dict[str, int]:
    """Events not in draft per department or per intercommunality (``by="epci"``, the events
    whose commune is known): the statistics' figures."""
    if by == "epci":
        stmt = (select(Commune.epci_siren, func.count())
                .join(Event, Event.venue_commune_code == Commune.code)
                .where(Event.status != EventStatus.DRAFT).group_by(Commune.epci_siren))
    else:
        stmt = (select(Event.department_code, func.count())
                .where(Event.status != EventStatus.DRAFT).group_by(Event.department_code))
    return {key: count for key, count in db.session.execute(stmt).all() if key}


def feed_events(filters: EventFilters) -> list[Event]:
    """Events for a public calendar feed: upcoming ones and those of the last 30 days.

    The organisers (loaded with every event otherwise) are in no calendar: loaded only if
    read, which halves the cost of a feed of a few hundred events (bench/events_feed.py).
    """
    stmt = listing_statement(EventFilters(**{**filters.__dict__, "when": "all"}), utcnow())
    stmt = stmt.where(Event.ends_at >= utcnow() - timedelta(days=30))
    stmt = stmt.options(lazyload(Event.organiser_rows))
    return list(db.session.scalars(stmt.limit(1000)))


def labelled_ids(event_ids: list[int]) -> set[int]:
    if not event_ids:
        return set()
    return set(db.session.scalars(
        labels.granted_subject_ids(SubjectType.EVENT)
        .where(labels.LabelRequest.subject_id.in_(event_ids))))


def label_request(event: Event):
    return labels.latest(SubjectType.EVENT, event.id)


def organised_by(user: User) -> list[Event]:
    return list(db.session.scalars(
        select(Event).join(EventOrganiser).where(EventOrganiser.user_id == user.id)
        .order_by(Event.starts_at.desc())))


def public_needs(event: Event) -> list[Need]:
    """The needs the event addresses that are still on the public boards (a need hidden
    by moderation after the link stays linked, but is not shown)."""
    return list(db.session.scalars(PUBLIC_NEEDS_OF_EVENT, {"event_id": event.id}))


def themes_named(codes: frozenset[str]) -> list[reference.Named]:
    """The themes of these codes, in the themes' order (the reference rows kept per
    process)."""
    return [theme for theme in reference.themes() if theme.code in codes]


# Built once (an event's page asks them): its public needs (their long texts left in the
# database). Loaded as the event's relationship, they took a statement built for each page.
PUBLIC_NEEDS_OF_EVENT = (
    select(Need).join(event_need, event_need.c.need_id == Need.id)
    .where(event_need.c.event_id == bindparam("event_id"), Need.is_public)
    .options(defer(Need.description), defer(Need.description_html), defer(Need.search_text))
    .order_by(Need.id))


def linkable_needs(event: Event | None, limit: int = 100) -> list[Need]:
    """Needs an organiser may pick: the most supported public ones, plus those already linked."""
    picked = list(db.session.scalars(
        select(Need).where(Need.is_public)
        .order_by(Need.supporters_count.desc(), Need.id.desc()).limit(limit)))
    if event is not None:
        known = {n.id for n in picked}
        picked += [n for n in event.needs if n.id not in known]
    return picked


def _check(data: EventInput) -> None:
    for field_name, code in rules.schedule_problems(Schedule(
            data.starts_at, data.ends_at, data.capacity,
            data.registration_opens_at, data.registration_closes_at)):
        raise EventError(PROBLEM_MESSAGES[code], field=field_name)
    if db.session.get(Department, data.department_code) is None:
        raise EventError(_l("Choose a department of Hauts-de-France."), field="department")


def fill(event: Event, data: EventInput) -> None:
    """Copy checked input onto ``event`` (references checked, HTML rendered); no commit."""
    themes = list(db.session.scalars(select(Theme).where(Theme.code.in_(data.theme_codes))))
    if len(themes) != len(set(data.theme_codes)):
        raise EventError(_l("Unknown theme."), field="themes")
    if any(not 0 < need_id <= ID_MAX for need_id in data.need_ids):
        raise EventError(_l("Pick needs from the public boards."), field="needs")
    chosen = list(db.session.scalars(select(Need).where(Need.id.in_(data.need_ids))))
    already = {n.id for n in event.needs}
    if any(not n.is_public and n.id not in already for n in chosen) or \
            len(chosen) != len(set(data.need_ids)):
        raise EventError(_l("Pick needs from the public boards."), field="needs")
    # The venue's commune is one of the reference list, in the event's department (§3).
    commune = reference.find_commune(data.venue_commune, data.department_code,
                                     field="venue_commune")
    if commune is None:
        raise EventError(_l("Give the commune."), field="venue_commune")
    event.title = data.title.strip()
    event.kind = data.kind
    event.description = data.description
    event.description_html = markdown.render(data.description)
    event.starts_at, event.ends_at = data.starts_at, data.ends_at
    event.venue_name = data.venue_name.strip()
    event.venue_address = data.venue_address.strip()
    event.venue_commune = commune.name
    event.venue_commune_code = commune.code
    event.department_code = data.department_code
    event.capacity = data.capacity
    event.registration_opens_at = data.registration_opens_at
    event.registration_closes_at = data.registration_closes_at
    event.run_by = data.run_by
    event.themes = themes
    event.needs = chosen
    event.updated_at = utcnow()


@use_case
def declare(user: User, data: EventInput) -> Event:
    """An organiser declares an event (a draft); they become its first organiser."""
    if not can_declare(user):
        raise EventForbidden(_l("Only organisers declare events."))
    begin_write()
    _check(data)
    event = Event(created_by_id=user.id, status=EventStatus.DRAFT, sequence=0,
                  confirmed_count=0)
    fill(event, data)
    event.organiser_rows = [EventOrganiser(user_id=user.id)]
    db.session.add(event)
    db.session.commit()
    return event


def _touch(event: Event) -> None:
    """A change subscribers should see: iCalendar SEQUENCE goes up."""
    event.updated_at = utcnow()
    if event.status != EventStatus.DRAFT:
        event.sequence += 1


def editable(user: User, event_id: int, lock: bool = False) -> Event:
    """The event, if ``user`` may edit it now: one of its organisers, and not cancelled."""
    event = organised(user, event_id, lock=lock)
    if event.status == EventStatus.CANCELLED:
        raise EventConflict(_l("A cancelled event can no longer be edited."))
    return event


def practicalities(event: Event) -> rules.Practicalities:
    return rules.Practicalities(event.starts_at, event.ends_at, event.venue_name,
                                event.venue_address, event.venue_commune)


def registered(event: Event) -> list[Registration]:
    """The event's confirmed and waitlisted registrations, with their people."""
    return list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status != RegistrationStatus.CANCELLED)
        .options(selectinload(Registration.user)).order_by(Registration.position)))


@use_case
def update(user: User, event_id: int, data: EventInput) -> Event:
    """The organisers edit the event; a larger capacity confirms waitlisted people.

    When its date, time or venue changed, the people registered (confirmed or waiting)
    are told, in-app and by e-mail with the updated calendar file (issue 17 §3), and
    those confirmed are reminded again two days before the new date."""
    begin_write()
    event = editable(user, event_id, lock=True)
    _check(data)
    if data.capacity is not None and data.capacity < event.confirmed_count:
        raise EventError(_l("%(count)d people are already confirmed: the capacity cannot be "
                            "lower.", count=event.confirmed_count), field="capacity")
    before = practicalities(event)
    named_before = {n.id for n in event.needs}
    fill(event, data)
    _touch(event)
    changes = rules.practical_changes(before, practicalities(event))
    promote(event)  # first: those confirmed by a larger capacity read the change as such
    if event.status == EventStatus.PUBLISHED:
        needs.mark_addressed(n.id for n in event.needs)
        if changes:
            _tell_change(event, changes, date_changed=before.starts_at != event.starts_at)
        following.tell_need_followers(
            user, event, [n for n in event.needs if n.id not in named_before])
    db.session.commit()
    return event


def _tell_change(event: Event, changes: list[str], date_changed: bool) -> None:
    people = registered(event)
    if date_changed:
        for registration in people:
            if registration.status == RegistrationStatus.CONFIRMED:
                participation.confirm(registration, event)  # the reminder, for the new date
    notifications.notify([r.user_id for r in people], "event.changed",
                         url=path_for("events.detail", event_id=event.id), event=event.title)
    mails.changed(event, people, changes)


@use_case
def publish(user: User, event_id: int) -> Event:
    """Publish a draft: it appears in listings and feeds; its needs become "addressed"."""
    begin_write()
    event = organised(user, event_id, lock=True)
    if event.status != EventStatus.DRAFT:
        raise EventConflict(_l("Only a draft can be published."))
    event.status = EventStatus.PUBLISHED
    event.updated_at = utcnow()
    needs.mark_addressed(n.id for n in event.needs)
    following.tell_need_followers(user, event, event.needs)
    db.session.commit()
    return event


@use_case
def cancel(user: User, event_id: int) -> Event:
    """Cancel a published event: registered people are told in-app and by e-mail (with the
    calendar file saying it is cancelled); registrations stay.

    A draft cannot be cancelled: cancelled events are public (listings and feeds
    show them as cancelled), and a draft was never announced.
    """
    begin_write()
    event = organised(user, event_id, lock=True)
    if event.status == EventStatus.CANCELLED:
        raise EventConflict(_l("This event is already cancelled."))
    if event.status != EventStatus.PUBLISHED:
        raise EventConflict(_l("Only a published event can be cancelled."))
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    _touch(event)
    people = registered(event)
    notifications.notify([r.user_id for r in people], "event.cancelled",
                         url=path_for("events.detail", event_id=event.id), event=event.title)
    mails.cancelled(event, people)
    db.session.commit()
    return event


@use_case
def add_organiser(user: User, event_id: int, email: str) -> User:
    """The event's creator adds a co-organiser by their account's email address."""
    begin_write()
    event = organised(user, event_id, lock=True)
    if event.created_by_id != user.id:
        raise EventForbidden(_l("Only the event's creator adds co-organisers."))
    other = find_by_email(email)
    if other is None:
        raise EventError(_l("No account uses this email address."), field="email")
    if other.id in event.organiser_ids:
        raise EventConflict(_l("%(name)s already organises this event.",
                               name=other.display_name), field="email")
    event.organiser_rows.append(EventOrganiser(user_id=other.id))
    notifications.notify([other.id], "organiser.added",
                         url=path_for("events.detail", event_id=event.id), event=event.title)
    db.session.commit()
    return other


@use_case
def request_label(user: User, event_id: int, answers: dict[str, str], url: str):
    """The organisers answer the charter and ask the committee for the INS'pir label."""
    begin_write()
    event = organised(user, event_id, lock=True)  # one pending request per event
    if event.status == EventStatus.CANCELLED:
        raise EventConflict(_l("A cancelled event cannot ask for the label."))
    request = labels.submit(user, SubjectType.EVENT, event.id, event.title, url, answers)
    db.session.commit()
    return request
