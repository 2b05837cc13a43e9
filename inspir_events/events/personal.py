"""The events feature's part of a person's account (accounts/registry.py), registered with
the events blueprint: its personal data for the RGPD export and deletion, and the
profile page's section with the private calendar feed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select

from inspir_events.accounts.registry import (
    CUSTOM,
    DELETE,
    NULL,
    PersonalData,
    TableData,
    add_personal_data,
    add_profile_section,
)
from inspir_events.events import participation
from inspir_events.events.blueprint import bp
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import EventStatus, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.timeutil import utcnow


def cancel_registrations(user_id: int) -> None:
    """Cancel as unregistering does, under each event's lock: the waitlist moves up.

    Runs after the teams' step (order 20 after 10): a team's lock is taken before its
    members' registrations, as joining a team does, so the two never wait on each other.
    """
    registrations = list(db.session.scalars(select(Registration).where(
        Registration.user_id == user_id, Registration.status != RegistrationStatus.CANCELLED)))
    for registration in registrations:
        event = db.session.scalar(
            select(Event).where(Event.id == registration.event_id).with_for_update())
        if registration.status == RegistrationStatus.CONFIRMED:
            event.confirmed_count -= 1
        registration.status = RegistrationStatus.CANCELLED
        registration.updated_at = utcnow()
        db.session.flush()
        if event.status == EventStatus.PUBLISHED:
            participation.promote(event)


PERSONAL_DATA = PersonalData({
    "event": TableData({"created_by_id": NULL}, export="events_created"),
    "event_organiser": TableData({"user_id": DELETE}, export="events_organised"),
    "registration": TableData({"user_id": CUSTOM}, export="registrations"),  # cancelled
    "calendar_feed": TableData({"user_id": DELETE}, export="calendar_feed"),
}, erase=cancel_registrations, order=20)
add_personal_data(bp, PERSONAL_DATA)


def _calendar_section(user) -> dict:
    return {"feed": participation.calendar_feed(user), "feed_form": FlaskForm()}


add_profile_section(bp, "events/_profile_section.html", _calendar_section)
