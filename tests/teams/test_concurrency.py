"""Joining and leaving teams under concurrent requests, on SQLite and PostgreSQL.

Each thread is one request: its own application context, hence its own database
session and connection; it loads its user and calls ``services.join`` or
``services.leave`` as the routes do. A barrier releases them together.

A join runs under the team's row lock (SQLite: BEGIN IMMEDIATE; PostgreSQL:
SELECT ... FOR UPDATE); the database also refuses a team over its maximum size
(CHECK member_count <= max_size) and a second team per person per event (UNIQUE
event_id, user_id). Whatever the interleaving, a team never exceeds its maximum
size, its counter equals its member rows, and a refused person gets a clear
``TeamConflict``, never "database is locked" nor an IntegrityError.

Run with ``pytest -s`` to see the figures (threads, attempts, members, refusals,
seconds).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.events import participation
from inspir_events.extensions import db as _db
from inspir_events.teams import services
from inspir_events.teams.models import Team, TeamMember
from tests.conftest import run_together

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)




@pytest.fixture
def confirmed(db, make_user, team_event):
    """``confirmed(n)``: the ids of ``n`` new users, each a confirmed participant."""

    def factory(n: int) -> list[int]:
        ids = []
        for _ in range(n):
            user = make_user()
            registration, _ = participation.register(user, team_event.id)
            assert registration.status.value == "confirmed"
            ids.append(user.id)
        return ids

    return factory


def user(user_id: int) -> User:
    return _db.session.get(User, user_id)


def snapshot(team_id: int) -> tuple[int, int, int]:
    """(member_count, member rows, max_size) of a team, read in one statement.

    One statement sees one committed state on both databases, so the counter and
    the rows can be compared even while other transactions commit.
    """
    rows = (select(func.count()).select_from(TeamMember)
            .where(TeamMember.team_id == Team.id).scalar_subquery())
    return tuple(_db.session.execute(
        select(Team.member_count, rows, Team.max_size).where(Team.id == team_id)).one())


def committed(db, team_id: int) -> tuple[int, int, int]:
    db.session.rollback()  # a fresh transaction: see what the threads committed
    return snapshot(team_id)


def memberships(db, event_id: int, user_id: int) -> list[int]:
    db.session.rollback()
    return list(db.session.scalars(select(TeamMember.team_id).where(
        TeamMember.event_id == event_id, TeamMember.user_id == user_id)))


def report(backend: str, case: str, **figures) -> None:
    shown = ", ".join(f"{k}={v}" for k, v in figures.items())
    print(f"\n[team concurrency] {backend}: {case}: {shown}")


@BACKENDS
def test_thirty_people_racing_for_the_four_places_of_a_team(app, db, backend, team_event,
                                                            confirmed, make_team):
    lead_id, *racers = confirmed(31)
    team_id = make_team(user(lead_id), name="Bus du dimanche", max_size=5).id
    assert committed(db, team_id) == (1, 1, 5)
    full = str(_l("This team is full."))
    joined: list[int] = []
    refused: list[tuple[int, str, int]] = []

    def join(index: int) -> None:
        try:
            outcome = services.join(user(racers[index]), team_id)
        except services.TeamConflict as exc:
            refused.append((index, str(exc.message), exc.status))
        else:
            assert outcome == "joined"
            joined.append(racers[index])

    errors, elapsed = run_together(app, [join] * len(racers))
    count, rows, max_size = committed(db, team_id)
    report(backend, "30 users, 1 open team of 5 (lead in)", threads=30, attempts=30,
           joined=len(joined), refused=len(refused), members=rows, member_count=count,
           errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []  # no "database is locked", IntegrityError nor deadlock
    assert (count, rows, max_size) == (5, 5, 5)
    assert len(joined) == 4
    assert len(refused) == 26
    assert {(message, status) for _, message, status in refused} == {(full, 409)}
    members = set(db.session.scalars(select(TeamMember.user_id)
                                     .where(TeamMember.team_id == team_id)))
    assert members == {lead_id, *joined}


@BACKENDS
def test_one_person_joining_ten_teams_at_once_ends_up_in_one(app, db, backend, team_event,
                                                             confirmed, make_team):
    *lead_ids, joiner_id = confirmed(11)
    team_ids = [make_team(user(lead_id)).id for lead_id in lead_ids]
    already = str(_l("You are already in a team at this event."))
    joined: list[int] = []
    refused: list[tuple[str, int]] = []

    def join(index: int) -> None:
        try:
            assert services.join(user(joiner_id), team_ids[index]) == "joined"
        except services.TeamConflict as exc:
            refused.append((str(exc.message), exc.status))
        else:
            joined.append(team_ids[index])

    errors, elapsed = run_together(app, [join] * len(team_ids))
    teams_in = memberships(db, team_event.id, joiner_id)
    states = {team_id: committed(db, team_id) for team_id in team_ids}
    report(backend, "1 user joining 10 open teams at once", threads=10, attempts=10,
           joined=len(joined), refused=len(refused), memberships=len(teams_in),
           errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert len(teams_in) == 1
    assert joined == teams_in
    assert refused == [(already, 409)] * 9
    for team_id, (count, rows, _) in states.items():
        expected = 2 if team_id in teams_in else 1
        assert (count, rows) == (expected, expected), team_id


@BACKENDS
def test_leaves_racing_joins_never_overfill_and_keep_the_counters(app, db, backend,
                                                                   team_event, confirmed,
                                                                   make_team):
    # Three open teams of 4, each with its lead (who stays) and two members; 14 more
    # people without a team. 20 threads (the 6 members and the 14) each take 8 steps:
    # leave their team if in one, else join one of the three at random.
    lead_ids = confirmed(3)
    member_ids = confirmed(6)
    free_ids = confirmed(14)
    team_ids = [make_team(user(lead), max_size=4,
                          members=[user(m) for m in member_ids[2 * i:2 * i + 2]]).id
                for i, lead in enumerate(lead_ids)]
    assert [committed(db, t) for t in team_ids] == [(3, 3, 4)] * 3
    workers = member_ids + free_ids
    start_in = {m: team_ids[i // 2] for i, m in enumerate(member_ids)}
    steps = 8
    full = str(_l("This team is full."))
    tally = Counter()  # (kind, team_id) -> count
    tally_lock = threading.Lock()
    bad_snapshots: list[tuple[int, tuple[int, int, int]]] = []
    polls = []

    def act(index: int) -> None:
        rng = random.Random(500 + index)  # reproducible, different in each thread
        me = workers[index]
        mine = start_in.get(me)
        for _ in range(steps):
            if mine is not None:
                services.leave(user(me), mine)
                with tally_lock:
                    tally["left", mine] += 1
                mine = None
                continue
            target = rng.choice(team_ids)
            try:
                assert services.join(user(me), target) == "joined"
            except services.TeamConflict as exc:
                assert str(exc.message) == full  # the only refusal expected here
                with tally_lock:
                    tally["full", target] += 1
            else:
                with tally_lock:
                    tally["joined", target] += 1
                mine = target

    def observe(stop: threading.Event) -> None:
        while not stop.is_set():
            for team_id in team_ids:
                _db.session.rollback()
                state = snapshot(team_id)
                polls.append(state)
                count, rows, max_size = state
                if not (count == rows <= max_size):
                    bad_snapshots.append((team_id, state))
            time.sleep(0.001)

    errors, elapsed = run_together(app, [act] * len(workers), background=observe)
    finals = {t: committed(db, t) for t in team_ids}
    totals = Counter()
    for (kind, _), n in tally.items():
        totals[kind] += n
    report(backend, "20 users leaving and joining 3 teams of 4", threads=20,
           attempts=totals["joined"] + totals["full"] + totals["left"],
           joins=totals["joined"], full_refusals=totals["full"], leaves=totals["left"],
           members=[finals[t][1] for t in team_ids], observer_polls=len(polls),
           errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert bad_snapshots == []
    assert totals["joined"] + totals["full"] + totals["left"] == len(workers) * steps
    assert totals["full"] > 0  # the teams did fill up during the race
    for team_id in team_ids:
        count, rows, max_size = finals[team_id]
        assert count == rows <= max_size == 4
        assert rows == 3 + tally["joined", team_id] - tally["left", team_id]
    db.session.rollback()
    per_person = db.session.execute(
        select(TeamMember.user_id, func.count()).where(TeamMember.event_id == team_event.id)
        .group_by(TeamMember.user_id)).all()
    assert all(n == 1 for _, n in per_person)
