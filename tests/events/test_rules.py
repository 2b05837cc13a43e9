"""The pure event rules (schedule, registration window, waitlist), without an application."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from inspir_events.events import rules
from inspir_events.events.rules import (
    EventKind,
    EventStatus,
    RegistrationStatus,
    RunBy,
    Schedule,
)

START = datetime(2027, 7, 14, 8, 0)
END = datetime(2027, 7, 14, 16, 0)


def test_the_kinds_and_who_runs_the_event():
    assert [k.value for k in EventKind] == [
        "hackathon", "atelier", "groupe_de_travail", "rencontre", "autre"]
    assert {r.value for r in RunBy} == {"region", "third_party"}
    assert [s.value for s in EventStatus] == ["draft", "published", "cancelled"]


# --- The schedule ---

def test_a_coherent_schedule_has_no_problem():
    assert rules.schedule_problems(Schedule(START, END)) == []
    assert rules.schedule_problems(Schedule(
        START, END, capacity=1, registration_opens_at=START - timedelta(days=30),
        registration_closes_at=END)) == []


@pytest.mark.parametrize("ends_at", [START, START - timedelta(minutes=1)])
def test_the_end_must_come_after_the_start(ends_at):
    assert rules.schedule_problems(Schedule(START, ends_at)) == [("ends_at", "end_before_start")]


@pytest.mark.parametrize("capacity", [0, -1, -50])
def test_a_capacity_must_be_positive(capacity):
    assert rules.schedule_problems(Schedule(START, END, capacity=capacity)) == [
        ("capacity", "capacity_not_positive")]


def test_no_capacity_means_no_limit():
    assert rules.schedule_problems(Schedule(START, END, capacity=None)) == []


@pytest.mark.parametrize("closes", [START - timedelta(days=2), START - timedelta(days=3)])
def test_the_registration_window_must_not_be_inverted(closes):
    schedule = Schedule(START, END, registration_opens_at=START - timedelta(days=2),
                        registration_closes_at=closes)
    assert rules.schedule_problems(schedule) == [("registration_closes_at", "window_inverted")]


def test_registration_must_close_by_the_end_of_the_event():
    at_end = Schedule(START, END, registration_closes_at=END)
    after_end = Schedule(START, END, registration_closes_at=END + timedelta(minutes=1))
    assert rules.schedule_problems(at_end) == []
    assert rules.schedule_problems(after_end) == [
        ("registration_closes_at", "window_after_end")]


def test_every_problem_is_reported_at_once():
    schedule = Schedule(START, START - timedelta(hours=1), capacity=0,
                        registration_opens_at=START, registration_closes_at=START)
    codes = {code for _, code in rules.schedule_problems(schedule)}
    assert codes == {"end_before_start", "capacity_not_positive", "window_inverted",
                     "window_after_end"}


# --- Registration ---

WINDOW = Schedule(START, END, registration_opens_at=datetime(2027, 6, 1, 8, 0),
                  registration_closes_at=datetime(2027, 7, 10, 22, 0))


@pytest.mark.parametrize(("now", "problem"), [
    (datetime(2027, 6, 1, 7, 59, 59), "not_open"),
    (datetime(2027, 6, 1, 8, 0), None),           # opens on the dot
    (datetime(2027, 7, 10, 21, 59, 59), None),
    (datetime(2027, 7, 10, 22, 0), "closed"),     # closes on the dot
    (datetime(2027, 7, 12, 0, 0), "closed"),
])
def test_the_registration_window_edges(now, problem):
    assert rules.registration_problem(EventStatus.PUBLISHED, now, WINDOW) == problem


@pytest.mark.parametrize(("now", "problem"), [
    (datetime(2020, 1, 1), None),
    (START, None),                        # still open while the event runs
    (END - timedelta(seconds=1), None),
    (END, "closed"),
])
def test_without_a_window_registration_is_open_until_the_end(now, problem):
    assert rules.registration_problem(EventStatus.PUBLISHED, now, Schedule(START, END)) == problem


def test_cancelled_events_and_drafts_take_no_registration():
    now = datetime(2027, 6, 15)
    assert rules.registration_problem(EventStatus.CANCELLED, now, WINDOW) == "cancelled"
    assert rules.registration_problem(EventStatus.DRAFT, now, WINDOW) == "draft"
    # cancelled wins over a closed window
    late = datetime(2027, 8, 1)
    assert rules.registration_problem(EventStatus.CANCELLED, late, WINDOW) == "cancelled"


@pytest.mark.parametrize(("capacity", "confirmed", "status"), [
    (None, 0, RegistrationStatus.CONFIRMED),
    (None, 10_000, RegistrationStatus.CONFIRMED),
    (10, 0, RegistrationStatus.CONFIRMED),
    (10, 9, RegistrationStatus.CONFIRMED),
    (10, 10, RegistrationStatus.WAITLISTED),
    (1, 1, RegistrationStatus.WAITLISTED),
])
def test_first_come_first_served(capacity, confirmed, status):
    assert rules.new_registration_status(capacity, confirmed) == status


@pytest.mark.parametrize(("capacity", "confirmed", "left"), [
    (None, 5, None), (10, 0, 10), (10, 7, 3), (10, 10, 0), (10, 12, 0),
])
def test_places_left(capacity, confirmed, left):
    assert rules.places_left(capacity, confirmed) == left


@pytest.mark.parametrize(("capacity", "confirmed", "waitlisted", "promoted"), [
    (10, 9, 3, 1),      # one place freed: the first in line
    (10, 10, 3, 0),     # full
    (10, 5, 3, 3),      # more places than people waiting
    (10, 5, 0, 0),      # nobody waiting
    (15, 10, 8, 5),     # a larger capacity
    (None, 10, 4, 4),   # the limit removed: everybody
    (5, 7, 2, 0),       # never negative
])
def test_promotions(capacity, confirmed, waitlisted, promoted):
    assert rules.promotions(capacity, confirmed, waitlisted) == promoted
