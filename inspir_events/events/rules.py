"""Rules of INS'pir events, as plain values (no Flask, no SQLAlchemy).

The deliberation: the Region may run INS'pir « animations/événements » itself
(« en propre ») or support local ones run by third parties, within a charter.
Only third-party events may ask for co-funding (see the aid rules).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

TITLE_MIN = 5
TITLE_MAX = 150
DESCRIPTION_MAX = 20_000
PER_PAGE = 20
# Issue 17 §3: registered people are reminded of an event this long before it starts.
REMINDER_BEFORE = timedelta(hours=48)


class EventKind(enum.StrEnum):
    HACKATHON = "hackathon"
    WORKSHOP = "atelier"
    WORKING_GROUP = "groupe_de_travail"
    MEETING = "rencontre"
    OTHER = "autre"


class RunBy(enum.StrEnum):
    """Who runs the event: the Region itself, or a third party (co-fundable)."""

    REGION = "region"
    THIRD_PARTY = "third_party"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"


# The most places an event may offer: far beyond any venue, and a number every database
# column holds (issue 18, 1.7: a capacity of 99999999999999999999 crashed).
CAPACITY_MAX = 100_000


@dataclass(frozen=True)
class Schedule:
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None


def schedule_problems(s: Schedule) -> list[tuple[str, str]]:
    """Every (field, code) the schedule breaks; empty when it is coherent."""
    problems = []
    if s.ends_at <= s.starts_at:
        problems.append(("ends_at", "end_before_start"))
    if s.capacity is not None and s.capacity < 1:
        problems.append(("capacity", "capacity_not_positive"))
    if s.capacity is not None and s.capacity > CAPACITY_MAX:
        problems.append(("capacity", "capacity_too_large"))
    if (s.registration_opens_at and s.registration_closes_at
            and s.registration_closes_at <= s.registration_opens_at):
        problems.append(("registration_closes_at", "window_inverted"))
    if s.registration_closes_at and s.registration_closes_at > s.ends_at:
        problems.append(("registration_closes_at", "window_after_end"))
    return problems


def registration_problem(status: EventStatus, now: datetime, s: Schedule) -> str | None:
    """Why registering is impossible now ("cancelled", "draft", "not_open", "closed"), or None.

    Without an explicit window, registration is open from publication until the end.
    """
    if status == EventStatus.CANCELLED:
        return "cancelled"
    if status != EventStatus.PUBLISHED:
        return "draft"
    if s.registration_opens_at and now < s.registration_opens_at:
        return "not_open"
    closes = s.registration_closes_at or s.ends_at
    if now >= closes:
        return "closed"
    return None


def new_registration_status(capacity: int | None, confirmed: int) -> RegistrationStatus:
    """First come, first served: confirmed while places remain, else waitlisted."""
    if capacity is None or confirmed < capacity:
        return RegistrationStatus.CONFIRMED
    return RegistrationStatus.WAITLISTED


def places_left(capacity: int | None, confirmed: int) -> int | None:
    """None when the event has no capacity limit."""
    if capacity is None:
        return None
    return max(0, capacity - confirmed)


def promotions(capacity: int | None, confirmed: int, waitlisted: int) -> int:
    """How many waitlisted people to confirm now that places may have opened."""
    if capacity is None:
        return waitlisted
    return max(0, min(waitlisted, capacity - confirmed))


@dataclass(frozen=True)
class Practicalities:
    """What a registered person must know to come: when and where."""

    starts_at: datetime
    ends_at: datetime
    venue_name: str
    venue_address: str
    venue_commune: str


def practical_changes(before: Practicalities, after: Practicalities) -> list[str]:
    """What changed for the people registered ("date", "venue"), in that order; empty when
    neither the times nor the venue changed (issue 17 §3: they are told of a change)."""
    changes = []
    if (before.starts_at, before.ends_at) != (after.starts_at, after.ends_at):
        changes.append("date")
    if (before.venue_name, before.venue_address, before.venue_commune) != \
            (after.venue_name, after.venue_address, after.venue_commune):
        changes.append("venue")
    return changes


def reminder_needed(starts_at: datetime, confirmed_at: datetime) -> bool:
    """Whether a registration confirmed at ``confirmed_at`` is still to be reminded: not
    when the event starts within ``REMINDER_BEFORE`` of its confirmation, which told the
    person everything a reminder would, a moment ago."""
    return starts_at - confirmed_at > REMINDER_BEFORE
