"""Check-in at the door (issue 17 §5): an organiser's phone opens a ticket's QR code, or
finds the person by name, and one tap marks them present.

Who may: the event's organisers only (403 with the reason). What is refused, clearly: a
forged, altered or too old ticket; a ticket of another event (its token names event A,
the address event B); a cancelled registration, or one still on the waitlist; a
cancelled event. Marking present is idempotent (a second tap changes nothing) and
recorded: ``checked_in_at``, and the audit log names who checked whom in.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from inspir_events.accounts.models import User
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.events import tickets
from inspir_events.events.access import (
    EventConflict,
    EventForbidden,
    EventNotFound,
    is_organiser,
)
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import Attendance, EventStatus, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.timeutil import utcnow

SEARCH_MAX = 80  # characters of a name searched
RESULTS_MAX = 100


class TicketInvalid(EventConflict):
    """A token that is not a ticket of the platform, or no longer one."""

    status = 422

    def __init__(self):
        super().__init__(_l("This ticket is not valid: it was altered, or it is too old. "
                            "Find the person by name on the check-in page."))


def door(user: User, event_id: int) -> Event:
    """The event, if ``user`` is one of its organisers (403 with the reason otherwise)."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise EventNotFound()
    if not is_organiser(user, event):
        if event.status == EventStatus.DRAFT:
            raise EventNotFound()
        raise EventForbidden(_l("Only the organisers of “%(event)s” check its participants "
                                "in, and you are not one of them.", event=event.title))
    return event


def ticket_registration(user: User, event_id: int, token: str) -> Registration:
    """The registration a ticket names, checked: an organiser of the event at the
    address, a genuine ticket of that event, a confirmed registration, an event on."""
    event = door(user, event_id)
    ticket = tickets.read(token)
    if ticket is None:
        raise TicketInvalid()
    registration = db.session.get(Registration, ticket.registration_id)
    if ticket.event_id != event.id or (registration is not None
                                       and registration.event_id != event.id):
        other = db.session.get(Event, ticket.event_id)
        raise EventConflict(_l("This ticket is for another event: “%(other)s”, not "
                               "“%(event)s”.", other=other.title if other else "?",
                               event=event.title))
    if registration is None:
        raise EventNotFound()
    if event.status == EventStatus.CANCELLED:
        raise EventConflict(_l("“%(event)s” is cancelled: nobody is checked in.",
                               event=event.title))
    if registration.status == RegistrationStatus.CANCELLED:
        raise EventConflict(_l("The registration of %(name)s was cancelled: this ticket no "
                               "longer lets them in.", name=registration.user.display_name))
    if registration.status == RegistrationStatus.WAITLISTED:
        raise EventConflict(_l("%(name)s is on the waitlist, not confirmed: this ticket does "
                               "not let them in.", name=registration.user.display_name))
    return registration


@use_case
def check_in(user: User, event_id: int, token: str) -> tuple[Registration, bool]:
    """Mark the ticket's holder present (the checks of :func:`ticket_registration`).
    Returns the registration and whether this tap checked them in (False: they already
    were; nothing changes). Audited ("registration.check_in")."""
    begin_write()
    registration = ticket_registration(user, event_id, token)
    now = utcnow()
    marked = db.session.execute(
        update(Registration).where(Registration.id == registration.id,
                                   Registration.checked_in_at.is_(None))
        .values(checked_in_at=now, attendance=Attendance.PRESENT)
        .execution_options(synchronize_session=False)).rowcount == 1
    if marked:
        audit.record(user, "registration.check_in", "registration", registration.id,
                     event_id=registration.event_id, user_id=registration.user_id)
    db.session.commit()
    db.session.refresh(registration)
    return registration, marked


def search(user: User, event_id: int, query: str) -> tuple[Event, list[Registration]]:
    """The event's confirmed participants whose name contains ``query`` (any case; all
    of them when it is empty), by name, for its organisers."""
    event = door(user, event_id)
    statement = (select(Registration).join(User, User.id == Registration.user_id)
                 .where(Registration.event_id == event.id,
                        Registration.status == RegistrationStatus.CONFIRMED)
                 .options(selectinload(Registration.user))
                 .order_by(User.display_name, Registration.id).limit(RESULTS_MAX))
    query = " ".join(query.split())[:SEARCH_MAX]
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(User.display_name.ilike(f"%{escaped}%", escape="\\"))
    return event, list(db.session.scalars(statement))
