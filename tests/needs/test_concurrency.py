"""Supports ("moi aussi") under concurrent clicks, on SQLite and PostgreSQL.

Each thread is one request: its own application context, hence its own
database session and connection, loading its user and calling
``services.set_support`` as the route does. A barrier releases them together.
Whatever the interleaving, the counter equals the number of support rows and
no thread sees "database is locked" nor an IntegrityError.

Run with ``pytest -s`` to see the figures (threads, attempts, rows, counter).
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.extensions import db as _db
from inspir_events.needs import services
from inspir_events.needs.models import Need, NeedSupport
from tests.conftest import run_together

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def publish_need(author: User) -> int:
    """A public need posted through the real use case; returns its id."""
    need = services.submit(author, services.NeedInput(
        title="Un bus le dimanche entre Abbeville et Amiens",
        description="Le dimanche, **aucun bus** ne relie nos villages à la gare.",
        department_code="80", theme_code="transports", tags=["bus", "dimanche"],
    ))
    return need.id




def state(db, need_id: int) -> tuple[int, int]:
    """(support rows, supporters_count) as committed, read in a fresh transaction."""
    db.session.rollback()
    rows = db.session.scalar(select(func.count()).select_from(NeedSupport)
                             .where(NeedSupport.need_id == need_id))
    counter = db.session.scalar(select(Need.supporters_count).where(Need.id == need_id))
    return rows, counter


def report(backend: str, case: str, **figures) -> None:
    shown = ", ".join(f"{k}={v}" for k, v in figures.items())
    print(f"\n[support concurrency] {backend}: {case}: {shown}")


@BACKENDS
def test_thirty_people_support_the_same_need_at_once(app, db, backend, make_user):
    author = make_user()
    need_id = publish_need(author)
    user_ids = [make_user().id for _ in range(30)]
    answers: dict[int, tuple[bool, int]] = {}

    def support(index: int) -> None:
        user = _db.session.get(User, user_ids[index])
        answers[index] = services.set_support(user, need_id, True)

    errors, elapsed = run_together(app, [support] * len(user_ids))
    rows, counter = state(db, need_id)
    report(backend, "30 users, 1 support each", threads=30, attempts=30, rows=rows,
           counter=counter, errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert (rows, counter) == (30, 30)
    assert len(answers) == 30
    # Each answer is the committed counter just after that thread's own support.
    assert all(supported and 1 <= count <= 30 for supported, count in answers.values())
    assert max(count for _, count in answers.values()) == 30


@BACKENDS
def test_one_person_toggling_from_fifty_threads_keeps_the_counter_exact(app, db, backend,
                                                                       make_user):
    need_id = publish_need(make_user())
    user_id = make_user().id
    toggles_per_thread = 4
    switched_on = []

    def toggle(index: int) -> None:
        rng = random.Random(1000 + index)  # reproducible, different in each thread
        user = _db.session.get(User, user_id)
        for _ in range(toggles_per_thread):
            on = rng.random() < 0.5
            switched_on.append(on)
            services.set_support(user, need_id, on)

    errors, elapsed = run_together(app, [toggle] * 50)
    rows, counter = state(db, need_id)
    report(backend, "1 user toggling", threads=50, attempts=len(switched_on),
           on=sum(switched_on), off=len(switched_on) - sum(switched_on), rows=rows,
           counter=counter, errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert len(switched_on) == 50 * toggles_per_thread
    assert rows in (0, 1)
    assert counter == rows


@BACKENDS
def test_fifty_simultaneous_supports_by_one_person_count_once(app, db, backend, make_user):
    need_id = publish_need(make_user())
    user_id = make_user().id
    answers = []

    def support(index: int) -> None:
        user = _db.session.get(User, user_id)
        answers.append(services.set_support(user, need_id, True))

    errors, elapsed = run_together(app, [support] * 50)
    rows, counter = state(db, need_id)
    report(backend, "1 user, 50 simultaneous supports", threads=50, attempts=50, rows=rows,
           counter=counter, errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert (rows, counter) == (1, 1)
    assert answers == [(True, 1)] * 50
