"""The messages of events and registrations (issue 17 §3), declared with the events
blueprint (``KINDS``), and the functions the use cases call to write them (in their transaction).

Essential (always sent): what a person must know about a registration they made (it is
confirmed, with the event's calendar file and the ticket's QR code; waitlisted; promoted
from the waitlist, with both; cancelled by the organisers) and about the event itself
(its date, time or venue changed, with the updated calendar file whose SEQUENCE rose;
cancelled). The 48-hour reminder may be switched off. Bodies: templates/mail/<name with
underscores>.txt and .html.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from inspir_events.events import ical, tickets
from inspir_events.mail.kinds import MailKind
from inspir_events.mail.rendering import absolute_url
from inspir_events.mail.services import Attachment, enqueue

CONFIRMED = "registration.confirmed"
WAITLISTED = "registration.waitlisted"
PROMOTED = "registration.promoted"
REGISTRATION_CANCELLED = "registration.cancelled"
CHANGED = "event.changed"
CANCELLED = "event.cancelled"
REMINDER = "event.reminder"
TICKET_ID = "ticket"  # the QR code's Content-ID: the HTML shows <img src="cid:ticket">

# Declared with the events blueprint (blueprint.py).
KINDS = (
    MailKind(CONFIRMED, title=_l("Registration confirmed"),
             subject=_l("You are registered: %(event)s")),
    MailKind(WAITLISTED, title=_l("Registration on the waitlist"),
             subject=_l("On the waitlist: %(event)s")),
    MailKind(PROMOTED, title=_l("A place opened up on the waitlist"),
             subject=_l("A place opened up: you are registered to %(event)s")),
    MailKind(REGISTRATION_CANCELLED, title=_l("Registration cancelled by the organisers"),
             subject=_l("Your registration is cancelled: %(event)s")),
    MailKind(CHANGED, title=_l("An event I am registered to changed"),
             subject=_l("Changed: %(event)s")),
    MailKind(CANCELLED, title=_l("An event I am registered to is cancelled"),
             subject=_l("Cancelled: %(event)s")),
    MailKind(REMINDER, title=_l("Reminders two days before my events"),
             subject=_l("In two days: %(event)s"), essential=False),
)


def event_values(event) -> dict:
    """What every event message shows: its title, times, venue and page."""
    return {"event": event.title, "starts_at": event.starts_at, "ends_at": event.ends_at,
            "venue": ", ".join(p for p in (event.venue_name, event.venue_address,
                                           event.venue_commune) if p),
            "link": absolute_url("events.detail", event_id=event.id),
            "mine_url": absolute_url("events.mine")}


def calendar_file(event) -> Attachment:
    """The event's iCalendar file, as its page offers it (same UID, current SEQUENCE)."""
    body = ical.calendar([event], event.title,
                         lambda e: absolute_url("events.detail", event_id=e.id),
                         ical.domain(current_app.config))
    return Attachment(f"inspir-event-{event.id}.ics", body, "text/calendar")


def ticket_file(registration) -> Attachment:
    """The ticket's QR code (PNG, drawn by the worker when it sends the message), attached
    and shown in the HTML body."""
    return Attachment("ticket-inspir.png", mimetype="image/png", inline_id=TICKET_ID,
                      qr=tickets.check_in_url(registration))


def confirmed(registration) -> None:
    """The person is registered: the calendar file and the ticket."""
    event = registration.event
    enqueue(registration.user, CONFIRMED, ticket_id=TICKET_ID, **event_values(event),
            attachments=[calendar_file(event), ticket_file(registration)])


def waitlisted(registration, position: int) -> None:
    """The event is full: the person is on the waitlist, at ``position``."""
    enqueue(registration.user, WAITLISTED, position=position,
            **event_values(registration.event))


def promoted(registration) -> None:
    """A place opened up: the waitlisted person is registered (calendar file, ticket)."""
    event = registration.event
    enqueue(registration.user, PROMOTED, ticket_id=TICKET_ID, **event_values(event),
            attachments=[calendar_file(event), ticket_file(registration)])


def registration_cancelled(registration) -> None:
    """The organisers cancelled the person's registration."""
    enqueue(registration.user, REGISTRATION_CANCELLED, **event_values(registration.event))


def changed(event, registrations, changes: list[str]) -> None:
    """The event's date, time or venue changed: each registered person gets the new
    calendar file (its SEQUENCE rose, so calendars replace the event)."""
    attachment = calendar_file(event)
    for registration in registrations:
        enqueue(registration.user, CHANGED, changes=changes,
                waitlisted=registration.status.value == "waitlisted",
                attachments=[attachment], **event_values(event))


def cancelled(event, registrations) -> None:
    """The event is cancelled: the calendar file says so (STATUS:CANCELLED)."""
    attachment = calendar_file(event)
    for registration in registrations:
        enqueue(registration.user, CANCELLED, attachments=[attachment], **event_values(event))


def reminder(registration) -> None:
    """The event starts within two days: when, where, and the ticket."""
    enqueue(registration.user, REMINDER, ticket_id=TICKET_ID,
            **event_values(registration.event), attachments=[ticket_file(registration)])
