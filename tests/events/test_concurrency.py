"""Registration under concurrent requests, on SQLite and PostgreSQL.

Each thread is one request: its own application context, hence its own database
session and connection; it loads its user and calls ``participation.register`` or
``participation.unregister`` as the routes do. A barrier releases them together.

Arrival order is the order in which the database hands out the event's lock
(SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE). It is recorded
exactly by wrapping the rules the services call while they hold that lock
(``rules.new_registration_status`` in ``register``, ``rules.promotions`` in
``unregister``). The order in which ``register`` returned (completion order) is
recorded too and shown, but not asserted: a thread may be scheduled out between
its COMMIT and its next Python line.

Run with ``pytest -s`` to see the figures (threads, attempts, confirmed,
waitlisted, seconds).
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.events import participation, rules
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import RegistrationStatus
from inspir_events.extensions import db as _db
from inspir_events.notifications.models import Notification
from tests.conftest import WORKER as _current  # the running worker's index
from tests.conftest import run_together

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
CONFIRMED, WAITLISTED, CANCELLED = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED,
                                    RegistrationStatus.CANCELLED)






@pytest.fixture
def arrivals(monkeypatch) -> list[tuple[str, int]]:
    """(kind, worker index) in the order the workers held the event's lock.

    ``register`` decides a new registration's status, and ``unregister`` counts the
    promotions, while holding that lock: recording there gives the exact order.
    """
    order: list[tuple[str, int]] = []
    decide, promotions = rules.new_registration_status, rules.promotions

    def recording_decide(capacity, confirmed):
        order.append(("register", getattr(_current, "index", -1)))
        return decide(capacity, confirmed)

    def recording_promotions(capacity, confirmed, waitlisted):
        order.append(("cancel", getattr(_current, "index", -1)))
        return promotions(capacity, confirmed, waitlisted)

    monkeypatch.setattr(rules, "new_registration_status", recording_decide)
    monkeypatch.setattr(rules, "promotions", recording_promotions)
    return order


def committed_rows(db, event_id: int) -> list[Registration]:
    """The event's registrations as committed, by position (read in a fresh transaction)."""
    db.session.rollback()
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event_id)
                                   .order_by(Registration.position)))


def confirmed_count(db, event_id: int) -> int:
    return db.session.scalar(select(Event.confirmed_count).where(Event.id == event_id))


def by_status(rows: list[Registration], status: RegistrationStatus) -> list[Registration]:
    return [r for r in rows if r.status == status]


def promoted_notes(db, event_id: int) -> dict[int, int]:
    """user id -> number of "registration.promoted" notifications about the event."""
    rows = db.session.execute(
        select(Notification.user_id, func.count()).where(
            Notification.kind == "registration.promoted",
            Notification.url == f"/events/{event_id}")
        .group_by(Notification.user_id))
    return dict(rows.all())


def in_place(order: list[int], expected: list[int]) -> int:
    return sum(a == b for a, b in zip(order, expected, strict=True))


def report(backend: str, case: str, **figures) -> None:
    shown = ", ".join(f"{k}={v}" for k, v in figures.items())
    print(f"\n[registration concurrency] {backend}: {case}: {shown}")


@BACKENDS
def test_fifty_people_racing_for_ten_places(app, db, backend, make_user, make_event, arrivals):
    event_id = make_event(capacity=10).id
    user_ids = [make_user().id for _ in range(50)]
    answers: dict[int, tuple[int, RegistrationStatus, bool]] = {}
    completions: list[int] = []
    done = threading.Lock()

    def register(index: int) -> None:
        user = _db.session.get(User, user_ids[index])
        registration, created = participation.register(user, event_id)
        with done:
            completions.append(index)
        answers[index] = (registration.position, registration.status, created)

    errors, elapsed = run_together(app, [register] * 50)
    arrived = [index for _, index in arrivals]
    rows = committed_rows(db, event_id)
    confirmed, waitlisted = by_status(rows, CONFIRMED), by_status(rows, WAITLISTED)
    position_order = [user_ids.index(r.user_id) for r in rows]  # worker index by position
    report(backend, "50 users, capacity 10", threads=50, attempts=50, rows=len(rows),
           confirmed=len(confirmed), waitlisted=len(waitlisted),
           confirmed_count=confirmed_count(db, event_id), errors=len(errors),
           seconds=f"{elapsed:.2f}",
           completion_order_in_place=f"{in_place(completions, position_order)}/50")

    assert errors == []  # no "database is locked", IntegrityError nor deadlock
    assert (len(rows), len(confirmed), len(waitlisted)) == (50, 10, 40)
    assert confirmed_count(db, event_id) == 10
    assert sorted(r.user_id for r in rows) == sorted(user_ids)
    assert [r.position for r in rows] == list(range(1, 51))
    # First come, first served: the confirmed are the first 10 arrivals, the waitlist
    # (by position) is exactly the 40 later ones, in their arrival order.
    assert max(r.position for r in confirmed) < min(r.position for r in waitlisted)
    assert sorted(arrived) == list(range(50))
    assert position_order == arrived
    assert [user_ids.index(r.user_id) for r in waitlisted] == arrived[10:]
    # Each thread was told its own row, as committed.
    assert {i: (pos, status) for i, (pos, status, _) in answers.items()} == {
        user_ids.index(r.user_id): (r.position, r.status) for r in rows}
    assert all(created for _, _, created in answers.values())
    assert sorted(completions) == list(range(50))


@BACKENDS
def test_one_person_registering_from_twenty_threads_gets_one_registration(
        app, db, backend, make_user, make_event):
    event_id = make_event(capacity=10).id
    user_id = make_user().id
    answers: list[tuple[int, int, bool]] = []

    def register(index: int) -> None:
        user = _db.session.get(User, user_id)
        registration, created = participation.register(user, event_id)
        answers.append((registration.id, registration.position, created))

    errors, elapsed = run_together(app, [register] * 20)
    rows = committed_rows(db, event_id)
    report(backend, "1 user, 20 simultaneous registrations", threads=20, attempts=20,
           rows=len(rows), confirmed=len(by_status(rows, CONFIRMED)),
           waitlisted=len(by_status(rows, WAITLISTED)),
           created=sum(created for *_, created in answers), errors=len(errors),
           seconds=f"{elapsed:.2f}")

    assert errors == []
    assert len(rows) == 1
    (row,) = rows
    assert (row.user_id, row.status, row.position) == (user_id, CONFIRMED, 1)
    assert confirmed_count(db, event_id) == 1
    # Idempotent: one thread created it, the 19 others were given that same row.
    assert sorted(created for *_, created in answers) == [False] * 19 + [True]
    assert {(reg_id, position) for reg_id, position, _ in answers} == {(row.id, 1)}


@BACKENDS
def test_cancellations_racing_new_registrations_promote_the_waitlist_in_order(
        app, db, backend, make_user, make_event, arrivals):
    event_id = make_event(capacity=10).id
    holders = [make_user().id for _ in range(10)]    # confirmed, positions 1-10
    waiting = [make_user().id for _ in range(10)]    # waitlisted, positions 11-20
    newcomers = [make_user().id for _ in range(10)]  # register during the race
    for user_id in holders + waiting:
        participation.register(db.session.get(User, user_id), event_id)
    before = committed_rows(db, event_id)
    assert [r.user_id for r in by_status(before, CONFIRMED)] == holders
    assert [r.user_id for r in by_status(before, WAITLISTED)] == waiting
    assert [r.position for r in before] == list(range(1, 21))
    arrivals.clear()

    samples: list[tuple[int, int]] = []

    def cancel(index: int) -> None:
        participation.unregister(_db.session.get(User, holders[index]), event_id)

    def register(index: int) -> None:
        participation.register(_db.session.get(User, newcomers[index - 10]), event_id)

    def observe(stop: threading.Event) -> None:
        """Read the committed state over and over while the race runs."""
        while not stop.is_set():
            _db.session.rollback()
            confirmed = _db.session.scalar(select(func.count()).select_from(Registration).where(
                Registration.event_id == event_id, Registration.status == CONFIRMED))
            samples.append((confirmed, confirmed_count(_db, event_id)))
            time.sleep(0.002)

    jobs = [cancel] * 10 + [register] * 10
    errors, elapsed = run_together(app, jobs, background=observe)
    rows = committed_rows(db, event_id)
    confirmed, waitlisted = by_status(rows, CONFIRMED), by_status(rows, WAITLISTED)
    cancelled = by_status(rows, CANCELLED)
    notes = promoted_notes(db, event_id)
    interleaving = "".join("C" if kind == "cancel" else "R" for kind, _ in arrivals)
    report(backend, "10 cancellations + 10 registrations on a full event", threads=20,
           attempts=20, rows=len(rows), confirmed=len(confirmed), waitlisted=len(waitlisted),
           cancelled=len(cancelled), promoted=sum(notes.values()),
           observed_max_confirmed=max(c for c, _ in samples), samples=len(samples),
           errors=len(errors), seconds=f"{elapsed:.2f}", lock_order=interleaving)

    assert errors == []
    assert sorted(arrivals) == sorted([("cancel", i) for i in range(10)]
                                      + [("register", i) for i in range(10, 20)])
    # The capacity holds at the end and in every committed state seen during the race.
    assert len(confirmed) == 10 == confirmed_count(db, event_id)
    assert samples and all(c <= 10 and n <= 10 for c, n in samples)
    # Rows add up: 10 + 10 before, 10 new; nobody counted twice.
    assert (len(rows), len(confirmed), len(waitlisted), len(cancelled)) == (30, 10, 10, 10)
    assert sorted(r.user_id for r in rows) == sorted(holders + waiting + newcomers)
    assert [r.position for r in rows] == list(range(1, 31))
    assert sorted(r.user_id for r in cancelled) == sorted(holders)
    # The promoted are the first 10 waitlisted by position, each told once; the
    # newcomers found the event full and queue behind them.
    assert [r.user_id for r in confirmed] == waiting
    assert notes == dict.fromkeys(waiting, 1)
    assert sorted(r.user_id for r in waitlisted) == sorted(newcomers)
    assert min(r.position for r in waitlisted) == 21
