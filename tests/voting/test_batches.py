"""Votes written by group commit (voting/votes.py, voting/groupcommit.py), on SQLite and
PostgreSQL.

A batch is composed for certain, without timing: the test's own connection holds a lock
that the first batch needs (PostgreSQL: a voter's registration FOR UPDATE, or the round
FOR UPDATE as closing takes it; SQLite: the write lock, BEGIN IMMEDIATE), so that batch
waits in its transaction while the other votes queue behind it; once they all wait
(``GroupCommit.waiting``), the lock is released and the queued votes are written as one
batch, decided in the order they were queued.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select

from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db as _db
from inspir_events.voting import results as result_cases
from inspir_events.voting import rounds as round_cases
from inspir_events.voting import votes as vote_cases
from inspir_events.voting.access import VotingNotFound
from inspir_events.voting.models import Vote, VotingRound
from inspir_events.voting.rules import RoundStatus
from tests.conftest import wait_until

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


class Hold:
    """A connection of the test's own holding a lock until ``release()``."""

    def __init__(self, db, backend: str, statement: str | None = None, params=None):
        self.raw = db.engine.raw_connection()
        driver = self.raw.driver_connection
        if backend == "postgres":
            driver.execute(statement, params or {})
        else:
            driver.execute("BEGIN IMMEDIATE")  # every writer waits for it
        self.driver = driver

    def release(self, commit: bool = False) -> None:
        self.driver.commit() if commit else self.driver.rollback()
        self.raw.close()


class Voting:
    """Votes cast from threads (each in its own app context, as socket events are)."""

    def __init__(self, app):
        self.app = app
        self.answers: dict[int, object] = {}
        self.threads: list[threading.Thread] = []

    def cast(self, key: int, voter_id: int, round_id: int, idea_id: int) -> None:
        def run():
            with self.app.app_context():
                try:
                    self.answers[key] = vote_cases.cast_vote(voter_id, round_id, idea_id)
                except VotingNotFound as error:
                    self.answers[key] = error
                finally:
                    _db.session.remove()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append(thread)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(30)
        assert not any(thread.is_alive() for thread in self.threads)


def outcome(answer) -> str:
    return "not_found" if isinstance(answer, VotingNotFound) else answer.outcome


def stored_rows(db, round_id: int) -> list[tuple[int, int]]:
    db.session.rollback()
    return sorted((v.voter_id, v.idea_id) for v in db.session.scalars(
        select(Vote).where(Vote.round_id == round_id)))


@pytest.fixture
def ballot(make_voter, make_team, make_idea, make_round):
    """Five ideas, each its team's; four voters without a team; a member of the first
    idea's team; someone not registered; an open round (3 votes each) and a closed one."""

    def build():
        leads = [make_voter(name=f"Porteuse {n + 1}") for n in range(5)]
        teams = [make_team(lead) for lead in leads]
        ideas = [make_idea(lead, title=f"Idée n°{n + 1}").id for n, lead in enumerate(leads)]
        voters = [make_voter(name=f"Votant {n + 1}").id for n in range(4)]
        mate = make_voter(team=teams[0], name="Coéquipière").id
        stranger = make_voter(name="Pas inscrite", status=None).id
        closed = make_round()  # closed by the test
        voting_round = make_round()
        return voting_round.id, ideas, voters, mate, stranger, closed.id

    return build


def first_batch_blocked(db, backend, app, voting: Voting, blocker_id: int, round_id: int,
                        idea_id: int) -> Hold:
    """The first batch (one vote of ``blocker_id``) waits in its transaction on the
    test's lock; returns the hold (release it to let the batches go)."""
    hold = Hold(db, backend, "SELECT id FROM registration WHERE user_id = %(user)s FOR UPDATE",
                {"user": blocker_id})
    voting.cast(0, blocker_id, round_id, idea_id)
    queue = vote_cases.vote_queue(app)
    # A batch is under way and nothing waits: the blocker's vote is in it.
    wait_until(lambda: _leading(queue) and queue.waiting() == 0, what="the first batch")
    return hold


def _leading(queue) -> bool:
    return queue._leading  # a batch is under way


@BACKENDS
def test_one_batch_mixing_new_duplicate_over_quota_and_refused_votes(
        db, app, backend, ballot, organiser):
    round_id, ideas, (a, b, c, blocker), mate, stranger, closed_id = ballot()
    round_cases.close_round(organiser, closed_id)
    # b already voted for the first idea, in an earlier batch
    assert vote_cases.cast_vote(b, round_id, ideas[0]).outcome == "stored"
    queue = vote_cases.vote_queue(app)
    voting = Voting(app)
    hold = first_batch_blocked(db, backend, app, voting, blocker, round_id, ideas[4])
    plan = [  # (voter, round, idea) -> outcome, decided in this order within one batch
        ((a, round_id, ideas[0]), "stored"),
        ((a, round_id, ideas[0]), "duplicate"),  # the batch's own earlier vote
        ((a, round_id, ideas[1]), "stored"),
        ((a, round_id, ideas[2]), "stored"),
        ((a, round_id, ideas[3]), "quota"),  # a's 4th, after 3 stored in this batch
        ((b, round_id, ideas[0]), "duplicate"),  # stored by an earlier batch
        ((b, round_id, ideas[1]), "stored"),
        ((c, closed_id, ideas[0]), "closed"),
        ((mate, round_id, ideas[0]), "own_team"),
        ((mate, round_id, ideas[1]), "stored"),
        ((stranger, round_id, ideas[0]), "not_eligible"),
        ((c, round_id, 999_999), "unknown_idea"),
        ((c, 999_999, ideas[0]), "not_found"),  # an unknown round: VotingNotFound
    ]
    batches_before = queue.batches
    for key, (vote, _expected) in enumerate(plan, start=1):
        voting.cast(key, *vote)
        wait_until(lambda key=key: queue.waiting() == key, what=f"vote {key} queued")
    hold.release()
    voting.join()

    assert outcome(voting.answers[0]) == "stored"  # the blocked first batch
    assert queue.batches == batches_before + 2, "the queued votes were written as one batch"
    assert {key: outcome(voting.answers[key]) for key in range(1, len(plan) + 1)} == {
        key: expected for key, (_vote, expected) in enumerate(plan, start=1)}
    assert [voting.answers[key].votes_used for key in (1, 2, 3, 4, 5)] == [1, 1, 2, 3, 3]
    assert voting.answers[7].votes_used == 2
    wanted = sorted([(blocker, ideas[4]), (b, ideas[0]), (a, ideas[0]), (a, ideas[1]),
                     (a, ideas[2]), (b, ideas[1]), (mate, ideas[1])])
    assert stored_rows(db, round_id) == wanted
    assert stored_rows(db, closed_id) == []
    assert result_cases.tally(round_id) == dict(Counter(idea for _, idea in wanted))


@BACKENDS
def test_a_close_racing_a_batch_lets_no_vote_in_after_it(db, app, backend, ballot, organiser):
    """Closing takes the round FOR UPDATE (SQLite: the write lock): a batch under way
    finishes first and its votes count in the close's total; a batch after the close
    stores nothing."""
    round_id, ideas, (a, b, c, blocker), _mate, _stranger, _closed = ballot()
    queue = vote_cases.vote_queue(app)
    voting = Voting(app)
    hold = first_batch_blocked(db, backend, app, voting, blocker, round_id, ideas[4])
    # Votes queued behind it, then the organiser closes while they wait.
    for key, (voter, idea) in enumerate([(a, ideas[0]), (b, ideas[1]), (c, ideas[2])],
                                        start=1):
        voting.cast(key, voter, round_id, idea)
        wait_until(lambda key=key: queue.waiting() == key, what=f"vote {key} queued")
    closing: dict[str, object] = {}

    def close():
        with app.app_context():
            user = _db.session.get(type(organiser), organiser.id)
            closing["round"] = round_cases.close_round(user, round_id)
            closing["closed_at"] = closing["round"].closed_at
            _db.session.remove()

    closer = threading.Thread(target=close, daemon=True)
    if backend == "postgres":
        # The first batch holds the round FOR SHARE while it waits: the close waits on it.
        closer.start()
        wait_until(lambda: _waiting_on_locks(db) >= 2, what="the close to wait for the batch")
    hold.release()
    if backend == "sqlite":
        closer.start()
    closer.join(30)
    voting.join()
    after = vote_cases.cast_vote(a, round_id, ideas[3])

    rows = stored_rows(db, round_id)
    answers = {key: outcome(answer) for key, answer in voting.answers.items()}
    assert set(answers.values()) <= {"stored", "closed"}
    stored = sorted(key for key, value in answers.items() if value == "stored")
    assert len(rows) == len(stored)
    # A batch is on one side of the close, whole, and the batches keep their order: the
    # first batch (which the close waited for on PostgreSQL; on SQLite the close may take
    # the write lock first) then the queued one, each before the close or after it.
    assert stored in ([], [0], [0, 1, 2, 3])
    if backend == "postgres":
        assert 0 in stored
    assert after.outcome == "closed"
    db.session.rollback()
    voting_round = db.session.get(VotingRound, round_id)
    assert voting_round.status == RoundStatus.CLOSED
    assert all(vote.created_at <= voting_round.closed_at for vote in db.session.scalars(
        select(Vote).where(Vote.round_id == round_id)))
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "round.close", AuditEntry.object_id == str(round_id)))
    assert entry is not None and entry.details["votes"] == len(rows)
    assert sum(result_cases.tally(round_id).values()) == len(rows)


@BACKENDS
def test_a_batch_after_a_close_in_progress_stores_nothing(db, app, backend, ballot):
    """The close's lock taken first (as close_round holds it until its commit): the
    batch waits, then sees the round closed."""
    round_id, ideas, (a, b, c, _blocker), _mate, _stranger, _closed = ballot()
    hold = Hold(db, backend, "SELECT id FROM voting_round WHERE id = %(id)s FOR UPDATE",
                {"id": round_id})
    hold.driver.execute("UPDATE voting_round SET status = 'closed' WHERE id = "
                        + ("%(id)s" if backend == "postgres" else ":id"), {"id": round_id})
    queue = vote_cases.vote_queue(app)
    voting = Voting(app)
    for key, (voter, idea) in enumerate([(a, ideas[0]), (b, ideas[1]), (c, ideas[2])]):
        voting.cast(key, voter, round_id, idea)
    wait_until(lambda: _leading(queue), what="a batch to wait for the close's lock")
    hold.release(commit=True)
    voting.join()
    assert {outcome(answer) for answer in voting.answers.values()} == {"closed"}
    assert stored_rows(db, round_id) == []


def _waiting_on_locks(db) -> int:
    """PostgreSQL backends waiting for a lock (the first batch, the close)."""
    raw = db.engine.raw_connection()
    try:
        return raw.driver_connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()").fetchone()[0]
    finally:
        raw.driver_connection.rollback()
        raw.close()
