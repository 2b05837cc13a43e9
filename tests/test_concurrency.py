"""The consolidated concurrency suite, on SQLite and PostgreSQL (issue 10).

Each race sends many threads (each its own application context, database session and
connection, as concurrent requests are) through the real use case, released together
by ``run_together``: votes, supports, registrations at capacity, team joins at the
maximum size, envelope commitments and reproduction requests. After each race:

- no thread failed with "database is locked", an unhandled IntegrityError or a
  deadlock (``errors == []``: only the use case's own refusals are expected);
- the invariants hold: no double row, never over the capacity, size, quota or budget,
  and every counter equals its rows.

On PostgreSQL a serialization failure or a deadlock is retried by
``database.retrying`` a bounded number of times; the retries seen are printed, and
the retry itself is shown by forcing a real serialization failure (two REPEATABLE
READ transactions) and by a unit test with a fake error carrying SQLSTATE 40001.

Run with ``pytest -s`` to see each race's figures (threads, attempts, rows, retries).
"""

# The fixtures re-exported below are taken as arguments by the tests (F811 by design).
# ruff: noqa: F811

from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from inspir_events import database
from inspir_events.accounts.models import User
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.models import Commitment, Envelope
from inspir_events.aid.projects.models import Project
from inspir_events.aid.rules import Section
from inspir_events.aid.years import services as aid_years
from inspir_events.events import participation
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import RegistrationStatus
from inspir_events.extensions import db as _db
from inspir_events.needs import services as needs
from inspir_events.needs.models import Need, NeedSupport
from inspir_events.store import services as store
from inspir_events.store.models import ReproductionRequest
from inspir_events.teams import services as teams
from inspir_events.teams.models import Team, TeamMember
from inspir_events.voting import results as voting_results
from inspir_events.voting import votes as voting_votes
from inspir_events.voting.models import Vote
from tests.conftest import run_together
from tests.events.conftest import make_event, organiser  # noqa: F401  (fixtures, re-exported)
from tests.store.conftest import make_project  # noqa: F401  (a fixture, re-exported)
from tests.teams.conftest import make_participant, make_team, team_event  # noqa: F401
from tests.voting.conftest import make_idea, make_round, voting_event  # noqa: F401

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
THREADS = 30


class Retries(logging.Handler):
    """Counts the retries ``database.retrying`` logs (every thread's)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0
        self.lock = threading.Lock()

    def emit(self, record):
        if record.getMessage().startswith("retrying "):
            with self.lock:
                self.count += 1


@pytest.fixture
def retries():
    handler = Retries()
    database.log.addHandler(handler)
    yield handler
    database.log.removeHandler(handler)


def report(backend: str, case: str, **figures) -> None:
    shown = ", ".join(f"{k}={v}" for k, v in figures.items())
    print(f"\n[concurrency] {backend}: {case}: {shown}")


def fresh(db):
    """End the test's transaction: the next read sees what the threads committed."""
    db.session.rollback()
    return db.session


def user(user_id: int) -> User:
    return _db.session.get(User, user_id)


def refused_as(kinds, function):
    """Run ``function``; a domain refusal of ``kinds`` is an answer, returned as text."""
    try:
        return function()
    except kinds as exc:
        return f"refused: {exc.status}"


@BACKENDS
def test_votes_one_row_per_idea_and_never_over_the_quota(app, db, backend, retries,
                                                         make_participant, make_idea,
                                                         make_team, make_round, voting_event):
    """10 voters x 4 ideas each (quota 3) + 10 repeated votes: 50 threads."""
    ideas = []
    for n in range(4):
        lead = make_participant(voting_event)
        make_team(lead)
        ideas.append(make_idea(lead, title=f"Idée {n}").id)
    voters = [make_participant(voting_event).id for _ in range(10)]
    round_id = make_round().id
    jobs = [(voters[i % 10], ideas[i // 10]) for i in range(40)]
    jobs += [(voters[i], ideas[0]) for i in range(10)]  # the same vote sent twice
    outcomes = []

    def vote(index: int) -> None:
        voter, idea = jobs[index]
        outcomes.append(voting_votes.cast_vote(voter, round_id, idea).outcome)

    errors, elapsed = run_together(app, [vote] * len(jobs))
    rows = fresh(db).execute(select(Vote.voter_id, Vote.idea_id)
                             .where(Vote.round_id == round_id)).all()
    per_voter = {v: sum(1 for voter, _ in rows if voter == v) for v in voters}
    tally = voting_results.tally(round_id)
    report(backend, "votes: 10 voters, quota 3, 4 ideas each + 10 repeats",
           threads=len(jobs), attempts=len(jobs), rows=len(rows),
           stored=outcomes.count("stored"), refused=len(outcomes) - outcomes.count("stored"),
           retries=retries.count, errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert len(rows) == len(set(rows)) == 30  # no double row
    assert set(per_voter.values()) == {3}  # never over the quota, and the quota reached
    assert outcomes.count("stored") == 30
    assert sum(tally.values()) == len(rows)  # the tally is the rows


@BACKENDS
def test_supports_counter_equals_rows(app, db, backend, retries, make_user):
    author = make_user()
    need_id = needs.submit(author, needs.NeedInput(
        title="Un bus le dimanche entre Abbeville et Amiens",
        description="Le dimanche, aucun bus ne relie nos villages à la gare.",
        department_code="80", theme_code="transports", tags=["bus"])).id
    people = [make_user().id for _ in range(20)]
    jobs = people + people[:10]  # ten people click twice at once

    def support(index: int) -> None:
        needs.set_support(user(jobs[index]), need_id, True)

    errors, elapsed = run_together(app, [support] * len(jobs))
    session = fresh(db)
    rows = session.scalar(select(func.count()).select_from(NeedSupport)
                          .where(NeedSupport.need_id == need_id))
    counter = session.scalar(select(Need.supporters_count).where(Need.id == need_id))
    report(backend, "supports: 20 people, 10 of them twice", threads=len(jobs),
           attempts=len(jobs), rows=rows, counter=counter, retries=retries.count,
           errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert rows == counter == 20


@BACKENDS
def test_registrations_never_over_capacity(app, db, backend, retries, make_user, make_event):
    event_id = make_event(capacity=10).id
    people = [make_user().id for _ in range(THREADS)]

    def register(index: int) -> None:
        participation.register(user(people[index]), event_id)

    errors, elapsed = run_together(app, [register] * THREADS)
    session = fresh(db)
    statuses = list(session.scalars(select(Registration.status)
                                    .where(Registration.event_id == event_id)))
    counter = session.scalar(select(Event.confirmed_count).where(Event.id == event_id))
    confirmed = statuses.count(RegistrationStatus.CONFIRMED)
    report(backend, "registrations: 30 people, capacity 10", threads=THREADS,
           attempts=THREADS, rows=len(statuses), confirmed=confirmed,
           waitlisted=statuses.count(RegistrationStatus.WAITLISTED), counter=counter,
           retries=retries.count, errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert len(statuses) == THREADS  # one row each
    assert confirmed == counter == 10


@BACKENDS
def test_team_joins_never_over_the_maximum_size(app, db, backend, retries, team_event,
                                                make_participant, make_team):
    lead = make_participant(team_event)
    team_id = make_team(lead, name="Bus du dimanche", max_size=5).id
    racers = [make_participant(team_event).id for _ in range(THREADS)]
    answers = []

    def join(index: int) -> None:
        answers.append(refused_as(teams.TeamConflict,
                                  lambda: teams.join(user(racers[index]), team_id)))

    errors, elapsed = run_together(app, [join] * THREADS)
    session = fresh(db)
    rows = session.scalar(select(func.count()).select_from(TeamMember)
                          .where(TeamMember.team_id == team_id))
    counter = session.scalar(select(Team.member_count).where(Team.id == team_id))
    report(backend, "team joins: 30 people, a team of 5 (lead in)", threads=THREADS,
           attempts=THREADS, rows=rows, counter=counter, joined=answers.count("joined"),
           refused=answers.count("refused: 409"), retries=retries.count,
           errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert rows == counter == 5
    assert answers.count("joined") == 4 and answers.count("refused: 409") == 26


@BACKENDS
def test_envelope_commitments_never_over_budget(app, db, backend, retries, make_user):
    aid_years.load_envelopes(2016)
    envelope = aid_envelopes.envelope_for("59", Section.INVESTMENT, 2016)
    envelope_id, amount = envelope.id, envelope.amount_cents  # 150,000 €
    members = [make_user(roles=("committee",)).id for _ in range(THREADS)]
    answers = []

    def decide(index: int) -> None:
        answers.append(refused_as(aid_envelopes.EnvelopeExceeded, lambda: aid_envelopes.commit(
            user(members[index]), envelope_id, 1_000_000, "event", index, "Décision")
            and "committed"))

    errors, elapsed = run_together(app, [decide] * THREADS)
    session = fresh(db)
    committed = session.scalar(select(Envelope.committed_cents).where(Envelope.id == envelope_id))
    rows, total = session.execute(
        select(func.count(), func.coalesce(func.sum(Commitment.amount_cents), 0))
        .where(Commitment.envelope_id == envelope_id)).one()
    report(backend, "envelope: 30 decisions of 10,000 € on 150,000 €", threads=THREADS,
           attempts=THREADS, rows=rows, committed_cents=committed,
           accepted=answers.count("committed"), refused=THREADS - answers.count("committed"),
           retries=retries.count, errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert rows == 15 == answers.count("committed")
    assert committed == total == amount  # exactly full, never over


@BACKENDS
def test_reproduction_requests_counted_once_each(app, db, backend, retries, make_user,
                                                 make_project):
    project_id = make_project().id
    people = [make_user().id for _ in range(20)]
    jobs = people + people[:10]
    answers = []

    def reproduce(index: int) -> None:
        answers.append(refused_as(store.AlreadyDeclared, lambda: store.reproduce(
            user(jobs[index]), project_id, "Chez nous aussi") and "declared"))

    errors, elapsed = run_together(app, [reproduce] * len(jobs))
    session = fresh(db)
    rows = session.scalar(select(func.count()).select_from(ReproductionRequest)
                          .where(ReproductionRequest.project_id == project_id))
    counter = session.scalar(select(Project.reproductions_count)
                             .where(Project.id == project_id))
    report(backend, "reproductions: 20 people, 10 of them twice", threads=len(jobs),
           attempts=len(jobs), rows=rows, counter=counter,
           declared=answers.count("declared"), refused=len(jobs) - answers.count("declared"),
           retries=retries.count, errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert rows == counter == answers.count("declared") == 20


# ---- the bounded retry ---------------------------------------------------------------------

class FakeDriverError(Exception):
    def __init__(self, sqlstate):
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def serialization_failure(code="40001") -> OperationalError:
    return OperationalError("UPDATE ...", {}, FakeDriverError(code))


def test_retrying_runs_a_serialization_failure_again_a_bounded_number_of_times(db):
    calls = []

    @database.retrying(attempts=3, pause=0)
    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise serialization_failure("40001" if len(calls) == 1 else "40P01")
        return "done"

    assert flaky() == "done"
    assert len(calls) == 3

    calls.clear()

    @database.retrying(attempts=3, pause=0)
    def always_failing():
        calls.append(1)
        raise serialization_failure()

    with pytest.raises(OperationalError):
        always_failing()
    assert len(calls) == 3  # bounded: the third failure is raised

    calls.clear()

    @database.retrying(attempts=3, pause=0)
    def locked():
        calls.append(1)
        raise OperationalError("BEGIN", {}, Exception("database is locked"))

    with pytest.raises(OperationalError):
        locked()
    assert len(calls) == 1  # other errors are not retried (nor hidden)


def test_retryable_errors_are_recognised_raw_and_wrapped():
    assert database.is_retryable(serialization_failure())
    assert database.is_retryable(FakeDriverError("40P01"))  # the vote's raw driver error
    assert not database.is_retryable(serialization_failure("23505"))  # unique violation
    assert not database.is_retryable(ValueError("nope"))


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_real_serialization_failure_is_retried(app, db, backend, make_user):
    """Two REPEATABLE READ transactions update one row: PostgreSQL aborts the later
    one (SQLSTATE 40001); ``retrying`` runs it again and it succeeds."""
    author = make_user()
    need_id = needs.submit(author, needs.NeedInput(
        title="Un bus le dimanche", description="Aucun bus le dimanche.",
        department_code="80", theme_code="transports", tags=[])).id
    attempts = []

    @database.retrying
    def bump() -> None:
        attempts.append(1)
        session = _db.session
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        session.scalar(select(Need.supporters_count).where(Need.id == need_id))  # snapshot
        if len(attempts) == 1:  # another request commits on the row meanwhile
            with _db.engine.connect() as other:
                other.execute(update(Need).where(Need.id == need_id)
                              .values(supporters_count=Need.supporters_count + 100))
                other.commit()
        session.execute(update(Need).where(Need.id == need_id)
                        .values(supporters_count=Need.supporters_count + 1))
        session.commit()

    db.session.commit()
    bump()
    count = fresh(db).scalar(select(Need.supporters_count).where(Need.id == need_id))
    report(backend, "forced serialization failure", attempts=len(attempts), count=count)
    assert len(attempts) == 2
    assert count == 101
