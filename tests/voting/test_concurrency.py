"""Votes under concurrent requests, on SQLite and PostgreSQL.

Each thread is one socket event or form post: its own application context, hence its
own database session and connection; it calls ``vote_cases.cast_vote`` (or
``close_round``) as the handlers and routes do. A barrier releases them together.

Votes are written in batches (group commit, voting/votes.py): a batch holds its rounds'
rows FOR SHARE and its voters' registrations FOR UPDATE (SQLite: BEGIN IMMEDIATE) and
inserts with ON CONFLICT DO NOTHING on the unique (round, voter, idea); closing holds the
round FOR UPDATE. Concurrent threads' votes share batches here. Whatever the
interleaving: one row per (voter, idea), duplicates answered as duplicates, nobody over
the quota, no vote stored after the close, and the tally equals the stored rows.

Run with ``pytest -s`` to see the figures (threads, attempts, rows, outcomes, seconds).
"""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.extensions import db as _db
from inspir_events.voting import results as result_cases
from inspir_events.voting import rounds as round_cases
from inspir_events.voting import votes as vote_cases
from inspir_events.voting.models import Vote, VotingRound
from inspir_events.voting.rules import RoundStatus
from tests.conftest import run_together

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)




def committed_votes(db, round_id: int) -> list[Vote]:
    """The round's votes as committed (read in a fresh transaction)."""
    db.session.rollback()
    return list(db.session.scalars(select(Vote).where(Vote.round_id == round_id)
                                   .order_by(Vote.id)))


def report(backend: str, case: str, **figures) -> None:
    shown = ", ".join(f"{k}={v}" for k, v in figures.items())
    print(f"\n[voting concurrency] {backend}: {case}: {shown}")


@pytest.fixture
def ballot_box(make_voter, make_team, make_idea, make_round):
    """``ballot_box(ideas, voters)``: ``ideas`` ideas (one per team, posted by its lead)
    and ``voters`` participants without a team, all confirmed; an open round (3 votes
    each, the default). Returns (round id, idea ids, voter ids)."""

    def build(ideas: int, voters: int, **round_overrides):
        idea_ids = []
        for n in range(ideas):
            lead = make_voter(name=f"Porteuse {n + 1}")
            make_team(lead)
            idea_ids.append(make_idea(lead, title=f"Idée n°{n + 1}").id)
        voter_ids = [make_voter(name=f"Votant {n + 1}").id for n in range(voters)]
        voting_round = make_round(**round_overrides)
        assert sorted(i.id for i in voting_round.ideas) == sorted(idea_ids)
        return voting_round.id, idea_ids, voter_ids

    return build


@BACKENDS
def test_fifty_threads_casting_the_same_vote_leave_one_row(db, app, backend, ballot_box):
    round_id, idea_ids, (voter_id,) = ballot_box(ideas=2, voters=1)
    outcomes: list[str] = []

    def vote(index: int) -> None:
        outcomes.append(vote_cases.cast_vote(voter_id, round_id, idea_ids[0]).outcome)

    errors, elapsed = run_together(app, [vote] * 50)
    rows = committed_votes(db, round_id)
    counted = Counter(outcomes)
    report(backend, "1 voter, 1 idea, 50 simultaneous votes", threads=50, attempts=50,
           rows=len(rows), stored=counted["stored"], duplicate=counted["duplicate"],
           other=len(outcomes) - counted["stored"] - counted["duplicate"],
           errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []  # no "database is locked", IntegrityError nor deadlock
    assert counted == {"stored": 1, "duplicate": 49}
    assert [(r.voter_id, r.idea_id) for r in rows] == [(voter_id, idea_ids[0])]
    assert result_cases.tally(round_id) == {idea_ids[0]: 1}
    assert vote_cases.votes_used(voter_id, round_id) == 1


@BACKENDS
def test_forty_voters_voting_at_once_leave_rows_equal_to_the_tally(db, app, backend,
                                                                   ballot_box):
    round_id, idea_ids, voter_ids = ballot_box(ideas=6, voters=40)
    quota = db.session.get(VotingRound, round_id).votes_per_participant
    assert quota == 3
    rng = random.Random(6)
    # Each voter sends 3 votes at once, each for a random idea of the 6: repeats
    # (duplicates) happen, and a voter's own 3 votes race each other on the quota.
    jobs_plan = [(voter_id, rng.choice(idea_ids)) for voter_id in voter_ids for _ in range(3)]
    rng.shuffle(jobs_plan)
    answers: list[tuple[int, int, str]] = []

    def vote(index: int) -> None:
        voter_id, idea_id = jobs_plan[index]
        result = vote_cases.cast_vote(voter_id, round_id, idea_id)
        answers.append((voter_id, idea_id, result.outcome))

    errors, elapsed = run_together(app, [vote] * len(jobs_plan))
    rows = committed_votes(db, round_id)
    tally = result_cases.tally(round_id)
    pairs = {(r.voter_id, r.idea_id) for r in rows}
    wanted_pairs = set(jobs_plan)
    per_voter = Counter(r.voter_id for r in rows)
    counted = Counter(outcome for *_, outcome in answers)
    report(backend, "40 voters x 3 votes on 6 ideas, all at once", threads=len(jobs_plan),
           attempts=len(jobs_plan), rows=len(rows), tally_sum=sum(tally.values()),
           distinct_pairs=len(pairs), wanted_pairs=len(wanted_pairs),
           stored=counted["stored"], duplicate=counted["duplicate"],
           quota=counted["quota"], max_per_voter=max(per_voter.values()),
           errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert len(answers) == len(jobs_plan)
    # rows = tally = distinct (voter, idea) pairs, each stored exactly once
    assert len(rows) == sum(tally.values()) == len(pairs)
    assert Counter(r.idea_id for r in rows) == Counter(tally)  # per idea too
    assert pairs == wanted_pairs  # 3 requests each: the quota is never what refuses
    assert counted["stored"] == len(rows)
    assert counted["stored"] + counted["duplicate"] == len(jobs_plan)
    assert max(per_voter.values()) <= quota
    # every "stored" answer is a row of its own, every "duplicate" one has its row too
    stored_pairs = [(v, i) for v, i, outcome in answers if outcome == "stored"]
    assert sorted(stored_pairs) == sorted(pairs)
    assert vote_cases.total_votes(round_id) == len(rows)
    assert result_cases.snapshot(db.session.get(VotingRound, round_id))["version"] == rows[-1].id


@BACKENDS
def test_voters_over_their_quota_at_once_never_exceed_it(db, app, backend, ballot_box):
    round_id, idea_ids, voter_ids = ballot_box(ideas=6, voters=10)
    # Each voter tries all 6 ideas at once: exactly 3 get in, 3 are refused for the quota.
    plan = [(voter_id, idea_id) for voter_id in voter_ids for idea_id in idea_ids]
    random.Random(7).shuffle(plan)
    outcomes: list[str] = []

    def vote(index: int) -> None:
        voter_id, idea_id = plan[index]
        outcomes.append(vote_cases.cast_vote(voter_id, round_id, idea_id).outcome)

    errors, elapsed = run_together(app, [vote] * len(plan))
    rows = committed_votes(db, round_id)
    per_voter = Counter(r.voter_id for r in rows)
    counted = Counter(outcomes)
    report(backend, "10 voters x 6 ideas (quota 3), all at once", threads=len(plan),
           attempts=len(plan), rows=len(rows), stored=counted["stored"],
           quota=counted["quota"], errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert per_voter == dict.fromkeys(voter_ids, 3)
    assert counted == {"stored": 30, "quota": 30}
    assert sum(result_cases.tally(round_id).values()) == len(rows) == 30


@BACKENDS
def test_closing_while_thirty_voters_vote_accepts_nothing_after_the_close(
        db, app, backend, ballot_box, organiser):
    round_id, idea_ids, voter_ids = ballot_box(ideas=6, voters=30)
    organiser_id = organiser.id
    rng = random.Random(8)
    # 30 voters, 3 votes each on distinct ideas, sent in waves; the close arrives
    # in the middle of them.
    plans = {voter_id: rng.sample(idea_ids, 3) for voter_id in voter_ids}
    answers: list[tuple[int, int, str, float]] = []  # voter, idea, outcome, sent at
    closed: dict[str, object] = {}

    def vote(index: int) -> None:
        voter_id = voter_ids[index]
        for idea_id in plans[voter_id]:
            sent = time.perf_counter()
            outcome = vote_cases.cast_vote(voter_id, round_id, idea_id).outcome
            answers.append((voter_id, idea_id, outcome, sent))
            time.sleep(rng.random() * 0.01)

    def close(index: int) -> None:
        time.sleep(0.02)  # let some votes in first
        voting_round = round_cases.close_round(_db.session.get(User, organiser_id), round_id)
        closed["at"] = voting_round.closed_at
        closed["returned"] = time.perf_counter()

    errors, elapsed = run_together(app, [vote] * len(voter_ids) + [close])
    rows = committed_votes(db, round_id)
    voting_round = db.session.get(VotingRound, round_id)
    tally = result_cases.tally(round_id)
    counted = Counter(outcome for _, _, outcome, _ in answers)
    sent_after_close = [a for a in answers if a[3] > closed["returned"]]
    report(backend, "close during 30 voters x 3 votes", threads=len(voter_ids) + 1,
           attempts=len(answers), rows=len(rows), tally_sum=sum(tally.values()),
           stored=counted["stored"], closed=counted["closed"],
           other=len(answers) - counted["stored"] - counted["closed"],
           sent_after_close=len(sent_after_close), errors=len(errors), seconds=f"{elapsed:.2f}")

    assert errors == []
    assert voting_round.status == RoundStatus.CLOSED
    assert voting_round.closed_at == closed["at"]
    assert len(answers) == 90
    # every vote was either stored before the close, or refused because it was closed
    assert set(counted) <= {"stored", "closed"}
    assert counted["stored"] == len(rows)
    stored_pairs = sorted((v, i) for v, i, outcome, _ in answers if outcome == "stored")
    assert sorted((r.voter_id, r.idea_id) for r in rows) == stored_pairs
    assert all(r.created_at <= voting_round.closed_at for r in rows)
    # once a voter was told "closed", none of their later votes got in
    for voter_id in voter_ids:
        mine = [outcome for v, _, outcome, _ in answers if v == voter_id]
        if "closed" in mine:
            assert "stored" not in mine[mine.index("closed"):]
    # a vote sent once the close had returned was refused
    assert all(outcome == "closed" for _, _, outcome, _ in sent_after_close)
    # the final tally is the stored rows, and a vote now is refused
    assert sum(tally.values()) == len(rows)
    assert Counter(r.idea_id for r in rows) == Counter(tally)
    assert vote_cases.cast_vote(voter_ids[0], round_id, idea_ids[0]).outcome == "closed"
    assert vote_cases.total_votes(round_id) == len(rows)


@BACKENDS
def test_every_snapshot_taken_while_people_vote_adds_up(db, app, backend, ballot_box):
    """The broadcast's snapshot reads counts, total and version in one statement: on
    PostgreSQL, separate queries could each see a different set of committed votes."""
    round_id, idea_ids, voter_ids = ballot_box(ideas=4, voters=30)
    seen: list[dict] = []

    def vote(index: int) -> None:
        for idea_id in idea_ids[:3]:
            vote_cases.cast_vote(voter_ids[index], round_id, idea_id)

    def observe(stop) -> None:
        while not stop.is_set():
            _db.session.rollback()  # a fresh transaction each time, as each tick has
            seen.append(result_cases.snapshot(_db.session.get(VotingRound, round_id)))

    errors, elapsed = run_together(app, [vote] * len(voter_ids), background=observe)
    report(backend, "snapshots while 30 voters vote", snapshots=len(seen), errors=len(errors),
           seconds=f"{elapsed:.2f}")
    assert errors == []
    assert seen, "the observer took no snapshot"
    for snap in seen:
        assert sum(snap["tally"].values()) == snap["total"], snap
    db.session.rollback()  # end the test's own read transaction: see what the threads committed
    final = result_cases.snapshot(db.session.get(VotingRound, round_id))
    assert final["total"] == 90 == sum(final["tally"].values())
    assert final["version"] == max(v.id for v in committed_votes(db, round_id))
