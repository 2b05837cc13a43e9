"""Registration with capacity and waitlist, check-in, and each person's private calendar.

Registrations change under the event's lock (SQLite: BEGIN IMMEDIATE; PostgreSQL:
SELECT ... FOR UPDATE), so the capacity is never exceeded and the waitlist keeps
the arrival order. Each change is told to the person by e-mail in the same transaction
(events/mails.py, issue 17 §3): confirmed (with the calendar file and the ticket),
waitlisted, promoted, cancelled by the organisers.
"""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from inspir_events.accounts.models import User
from inspir_events.accounts.services import token_hash
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, retrying, use_case
from inspir_events.events import mails, rules
from inspir_events.events.access import (
    REGISTRATION_MESSAGES,
    EventConflict,
    EventNotFound,
    locked_event,
    organised,
    registration_problem,
)
from inspir_events.events.models import CalendarFeed, Event, Registration
from inspir_events.events.rules import Attendance, EventStatus, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.notifications import services as notifications
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for


def my_ticket(user: User, event_id: int) -> Registration:
    """``user``'s confirmed registration to the event, whose ticket they show at the door
    (none for a waitlisted or cancelled registration: 404)."""
    registration = db.session.scalar(select(Registration).where(
        Registration.event_id == event_id, Registration.user_id == user.id,
        Registration.status == RegistrationStatus.CONFIRMED))
    if registration is None:
        raise EventNotFound()
    return registration


def registrations_of_user(user: User) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).join(Event)
        .where(Registration.user_id == user.id,
               Registration.status != RegistrationStatus.CANCELLED)
        .options(selectinload(Registration.event)).order_by(Event.starts_at)))


_LIST_ORDER = case({RegistrationStatus.CONFIRMED.value: 0,
                    RegistrationStatus.WAITLISTED.value: 1}, value=Registration.status, else_=2)


def registrations(user: User, event_id: int) -> tuple[Event, list[Registration]]:
    """The registration list, for the event's organisers only: confirmed, waitlist, cancelled,
    each in arrival order."""
    event = organised(user, event_id)
    rows = list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(selectinload(Registration.user))
        .order_by(_LIST_ORDER, Registration.position)))
    return event, rows


def waitlist_position(registration: Registration) -> int | None:
    """1-based rank on the waitlist, or None when not waitlisted."""
    if registration is None or registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == registration.event_id,
        Registration.status == RegistrationStatus.WAITLISTED,
        Registration.position < registration.position))
    return ahead + 1


@retrying
def register(user: User, event_id: int) -> tuple[Registration, bool]:
    """Register ``user``: confirmed while places remain, else on the waitlist (arrival order).

    Runs under the event's lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR
    UPDATE), so the capacity is never exceeded even when people register at the same
    moment. Registering twice is idempotent: returns (registration, created?).
    """
    begin_write()
    event = locked_event(event_id)
    existing = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id))
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        db.session.commit()  # nothing to change: the event's lock is released
        return existing, False
    problem = registration_problem(event)
    if problem:
        raise EventConflict(REGISTRATION_MESSAGES[problem])
    last = db.session.scalar(select(func.max(Registration.position))
                             .where(Registration.event_id == event.id)) or 0
    status = rules.new_registration_status(event.capacity, event.confirmed_count)
    registration = existing or Registration(event_id=event.id, user_id=user.id)
    registration.status, registration.position = status, last + 1
    registration.updated_at = utcnow()
    registration.attendance, registration.checked_in_at = None, None
    registration.reminded_at = None
    db.session.add(registration)
    db.session.flush()
    if status == RegistrationStatus.CONFIRMED:
        event.confirmed_count += 1
        confirm(registration, event)
        mails.confirmed(registration)
    else:
        mails.waitlisted(registration, waitlist_position(registration))
    db.session.commit()
    return registration, True


def confirm(registration: Registration, event: Event) -> None:
    """A registration becomes confirmed now: it is reminded of the event two days before,
    unless the event starts sooner (the confirmation says it all: rules.reminder_needed)."""
    now = utcnow()
    registration.reminded_at = None if rules.reminder_needed(event.starts_at, now) else now


@retrying
def unregister(user: User, event_id: int) -> Registration:
    """Cancel one's registration; the first waitlisted people take the freed places."""
    begin_write()
    event = locked_event(event_id)
    registration = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id))
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise EventConflict(_l("You are not registered to this event."))
    if registration.status == RegistrationStatus.CONFIRMED:
        event.confirmed_count -= 1
    registration.status = RegistrationStatus.CANCELLED
    registration.updated_at = utcnow()
    if event.status == EventStatus.PUBLISHED:
        promote(event)
    db.session.commit()
    return registration


def promote(event: Event) -> None:
    """Confirm waitlisted people, first come first served, while places remain; tell them."""
    waiting = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED))
    count = rules.promotions(event.capacity, event.confirmed_count, waiting)
    if not count:
        return
    promoted = list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.position).limit(count)))
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.updated_at = utcnow()
        confirm(registration, event)
        mails.promoted(registration)
    event.confirmed_count += len(promoted)
    notifications.notify([r.user_id for r in promoted], "registration.promoted",
                         url=path_for("events.detail", event_id=event.id), event=event.title)


@retrying
def cancel_registration(user: User, event_id: int, registration_id: int) -> Registration:
    """The organisers cancel someone's registration (a duplicate, a person who said they
    cannot come): the person is told, in-app and by e-mail; the first waitlisted people
    take the freed place, as when a person unregisters."""
    begin_write()
    event = organised(user, event_id, lock=True)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise EventNotFound()
    if registration.status == RegistrationStatus.CANCELLED:
        raise EventConflict(_l("This registration is already cancelled."))
    if registration.status == RegistrationStatus.CONFIRMED:
        event.confirmed_count -= 1
    registration.status = RegistrationStatus.CANCELLED
    registration.updated_at = utcnow()
    audit.record(user, "registration.cancel", "registration", registration.id,
                 event_id=event.id, user_id=registration.user_id)
    notifications.notify([registration.user_id], "registration.cancelled",
                         url=path_for("events.detail", event_id=event.id), event=event.title)
    mails.registration_cancelled(registration)
    if event.status == EventStatus.PUBLISHED:
        promote(event)
    db.session.commit()
    return registration


@use_case
def set_attendance(user: User, event_id: int, registration_id: int,
                   attendance: Attendance | None) -> Registration:
    """The organisers check people in at the door (present / absent)."""
    begin_write()
    event = organised(user, event_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise EventNotFound()
    if registration.status != RegistrationStatus.CONFIRMED:
        raise EventConflict(_l("Only confirmed participants are checked in."))
    registration.attendance = attendance
    registration.checked_in_at = utcnow() if attendance == Attendance.PRESENT else None
    db.session.commit()
    return registration


def calendar_feed(user: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


@use_case
def renew_calendar_token(user: User) -> str:
    """A new unguessable token for the user's private feed (the old URL stops working).

    Returns the token, to be shown this once: only its SHA-256 is stored, as for sessions
    (issue 18, 1.8), so nobody reading the database, a backup or a page can rebuild the
    address; a person who lost it makes a new one.
    """
    begin_write()
    token = secrets.token_urlsafe(32)
    feed = db.session.get(CalendarFeed, user.id) or CalendarFeed(user_id=user.id)
    feed.token_hash = token_hash(token)
    feed.created_at = utcnow()
    db.session.add(feed)
    db.session.commit()
    return token


@use_case
def revoke_calendar_token(user: User) -> None:
    begin_write()
    feed = db.session.get(CalendarFeed, user.id)
    if feed is not None:
        db.session.delete(feed)
    db.session.commit()


def events_of_feed(token: str) -> tuple[User, list[Event]]:
    """The events a feed's owner is registered to (confirmed or waitlisted)."""
    feed = db.session.scalar(select(CalendarFeed).where(
        CalendarFeed.token_hash == token_hash(token)))
    if feed is None:
        raise EventNotFound()
    rows = db.session.scalars(
        select(Event).join(Registration).where(
            Registration.user_id == feed.user_id,
            Registration.status != RegistrationStatus.CANCELLED,
            Event.status != EventStatus.DRAFT)
        .order_by(Event.starts_at))
    return feed.user_id, list(rows)
