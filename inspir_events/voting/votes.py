"""Casting a vote, and counting a voter's and a round's votes.

Votes are written by **group commit** (issue 21 §2): ``cast_vote`` queues the vote in
the process's queue (``voting.groupcommit``) and returns once the batch holding it has
committed; a batch is one transaction with set-based statements, whatever its size:

1. the batch's rounds, FOR SHARE on PostgreSQL (closing takes the round FOR UPDATE, so
   a close waits for the batches under way and every later batch sees it closed);
2. its voters' confirmed registrations, FOR UPDATE in (event, user) order (a voter's
   votes sent to two processes at once queue up: the quota holds across processes);
3. in one statement, read after those locks: the batch's ideas in their rounds and
   their teams, its voters' teams and their votes in these rounds, its sockets' sessions;
4. each vote decided in queue order by ``rules.vote_problem`` (the same rule as ever,
   a vote seeing the batch's earlier votes: a repeat is "duplicate", one past the quota
   "quota"); the due sessions touched; the stored votes in one multi-row
   ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (the unique (round, voter, idea)
   still decides duplicates); one commit.

SQLite's BEGIN IMMEDIATE serialises every writer already. No row is written by every
vote (no hot row); a process writes its votes on one connection. The page's form post
and the socket handler call the same ``cast_vote``; the socket's session is checked
with the accounts' rule (``accounts.rules.session_alive``) in the batch's transaction.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, func, select

from inspir_events.accounts.services import sessions_cutoffs
from inspir_events.database import RETRY_ATTEMPTS, is_retryable
from inspir_events.events.rules import Attendance, RegistrationStatus
from inspir_events.extensions import db, socketio
from inspir_events.timeutil import utcnow
from inspir_events.voting import rules
from inspir_events.voting.access import VotingNotFound, confirmed_registration
from inspir_events.voting.groupcommit import GroupCommit, Item
from inspir_events.voting.models import Vote, VotingRound
from inspir_events.voting.rules import Ballot, RoundStatus

log = logging.getLogger(__name__)

VOTE_MESSAGES = {
    "stored": _l("Your vote is recorded."),
    "duplicate": _l("You already voted for this idea: it counts once."),
    "closed": _l("This round is closed: votes are no longer accepted."),
    "not_open": _l("This round is not open yet."),
    "not_eligible": _l("Only the event's confirmed participants vote (checked in, if the "
                       "organisers require it)."),
    "unknown_idea": _l("This idea is not part of the round."),
    "own_team": _l("You cannot vote for your own team's idea in this round."),
    "quota": _l("You have used all your votes in this round."),
    "rate": _l("Too many votes in a short time. Please wait a moment."),
    "unverified": _l("Confirm your e-mail address to vote: follow the link we sent you "
                     "(your profile sends it again)."),
}


@dataclass(frozen=True)
class VoteResult:
    outcome: str  # "stored", or a rules.vote_problem code
    votes_used: int
    votes_allowed: int

    @property
    def accepted(self) -> bool:
        return self.outcome in ("stored", "duplicate")

    @property
    def message(self):
        return VOTE_MESSAGES[self.outcome]


def vote_messages() -> dict[str, str]:
    """The texts of the vote's outcomes ("not_found" too), in the current language."""
    return {**{k: str(v) for k, v in VOTE_MESSAGES.items()},
            "not_found": str(VotingNotFound().message)}


def eligible(user_id: int, voting_round: VotingRound) -> bool:
    """rules.may_vote for this user in this round (the round page's question)."""
    registration = confirmed_registration(user_id, voting_round.event_id)
    return rules.may_vote(confirmed=registration is not None,
                          present=registration is not None
                          and registration.attendance == Attendance.PRESENT,
                          require_check_in=voting_round.require_check_in)


def votes_used(user_id: int, round_id: int) -> int:
    """How many votes the user cast in the round."""
    return db.session.scalar(select(func.count()).select_from(Vote).where(
        Vote.round_id == round_id, Vote.voter_id == user_id))


def total_votes(round_id: int) -> int:
    """How many votes the round holds."""
    return db.session.scalar(select(func.count()).select_from(Vote)
                             .where(Vote.round_id == round_id))


# The batch's statements, written once for both databases (":name" parameters;
# PostgreSQL's driver gets "%(name)s"), run on the driver's cursor of a connection of
# the app's pool: a vote is the hot path of live voting, and the ORM's session and
# per-statement work cost several times the statements themselves (bench/README.md).
# "{ids}"-style holes are the conditions on the batch's lists of values: "= ANY(:list)"
# with one array parameter on PostgreSQL (the statements' texts never change: psycopg
# parses each once and prepares it on the server), "IN (:list0, :list1, ...)" on SQLite.
_BATCH_SQL = {
    "rounds": "SELECT id, status, votes_per_participant, allow_own_team, require_check_in, "
              "event_id FROM voting_round WHERE id {rounds} ORDER BY id{share}",
    "registrations": "SELECT event_id, user_id, coalesce(attendance, '') FROM registration "
                     "WHERE status = :confirmed AND event_id {events} "
                     "AND user_id {voters} ORDER BY event_id, user_id{update}",
    # kind, a, b, c, token: an idea in a round (round, idea, its team); a voter's team
    # (event, voter, team); a vote (round, voter, idea); a session (its user, alive,
    # fresh, due to be touched; its token hash).
    "facts": "SELECT 'idea', round_idea.round_id, round_idea.idea_id, idea.team_id, NULL "
             "FROM round_idea JOIN idea ON idea.id = round_idea.idea_id "
             "WHERE round_idea.round_id {rounds} AND round_idea.idea_id {ideas} "
             "UNION ALL SELECT 'team', event_id, user_id, team_id, NULL FROM team_member "
             "WHERE event_id {events} AND user_id {voters} "
             "UNION ALL SELECT 'vote', round_id, voter_id, idea_id, NULL FROM vote "
             "WHERE round_id {rounds} AND voter_id {voters}",
    "sessions": " UNION ALL SELECT 'session', user_id, "
                "CASE WHEN last_seen_at >= :alive_after AND created_at >= :born_after "
                "THEN 1 ELSE 0 END, "
                "CASE WHEN last_seen_at >= :fresh_after AND created_at >= :born_after "
                "THEN 1 ELSE 0 END + CASE WHEN last_seen_at < :touch_before THEN 2 ELSE 0 END, "
                "token_hash FROM user_session WHERE token_hash {tokens}",
    # Live sessions due to be touched (as ``load_session`` does), in the batch's transaction.
    "touch": "UPDATE user_session SET last_seen_at = :now WHERE token_hash {touched}",
    "insert": "INSERT INTO vote (round_id, voter_id, idea_id, created_at) {rows} "
              "ON CONFLICT DO NOTHING RETURNING round_id, voter_id, idea_id",
}
_EVENTS = "IN (SELECT event_id FROM voting_round WHERE id {rounds})"
# The stored votes as arrays (PostgreSQL), or as VALUES rows (SQLite).
_UNNEST = ("SELECT r, u, i, :now FROM unnest(CAST(:vr AS integer[]), CAST(:vu AS integer[]), "
           "CAST(:vi AS integer[])) AS t(r, u, i)")
_PARAM = re.compile(r":(\w+)")
_to_db_of: dict[str, object] = {}


@dataclass(frozen=True)
class _Vote:
    user_id: int
    round_id: int
    idea_id: int
    token_hash: str | None


class _Statements:
    """A batch's statements in the connection's dialect, their lists bound one by one."""

    def __init__(self, dialect):
        self.postgres = dialect.name == "postgresql"
        to_db = _to_db_of.get(dialect.name)
        if to_db is None:
            to_db = DateTime().dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)
            _to_db_of[dialect.name] = to_db
        self.to_db = to_db
        self.params: dict[str, object] = {}

    def among(self, name: str, values: list) -> str:
        """The condition "is one of ``values``" (bound in ``params``)."""
        if self.postgres:
            self.params[name] = values
            return f"= ANY(:{name})"
        holes = []
        for n, value in enumerate(values):
            self.params[f"{name}{n}"] = value
            holes.append(f":{name}{n}")
        return f"IN ({', '.join(holes) or 'NULL'})"

    def rows(self, rows: list[tuple[int, int, int]]) -> str:
        """The stored votes' (round, voter, idea), bound for the INSERT."""
        if self.postgres:
            self.params.update({"vr": [r[0] for r in rows], "vu": [r[1] for r in rows],
                                "vi": [r[2] for r in rows]})
            return _UNNEST
        for n, (round_id, user_id, idea_id) in enumerate(rows):
            self.params.update({f"vr{n}": round_id, f"vu{n}": user_id, f"vi{n}": idea_id})
        return "VALUES " + ", ".join(f"(:vr{n}, :vu{n}, :vi{n}, :now)" for n in range(len(rows)))

    def text(self, template: str, **holes: str) -> str:
        if not self.postgres:
            return template.format(share="", update="", **holes)
        key = (template, *sorted(holes.items()))
        sql = _pg_texts.get(key)
        if sql is None:
            sql = _pg_texts[key] = _PARAM.sub(r"%(\1)s", template.format(
                share=" FOR SHARE", update=" FOR UPDATE", **holes))
        return sql


_pg_texts: dict[tuple, str] = {}  # a handful of texts: the holes are fixed on PostgreSQL


# How long a batch waits for more votes when VOTE_BATCH_LINGER_S is not set, by database.
# A batch costs its transaction whatever its size. PostgreSQL: two round trips and a WAL
# flush; waiting 8 ms lets more votes share them (2 processes, 1,000 votes/s: CPU per vote
# event 1.05 → 0.63 ms, acknowledgements p99 37 → 45 ms). SQLite: BEGIN IMMEDIATE, three reads, the
# insert and the commit, about 70 µs of CPU, then about 20 µs a vote; nothing yields while
# a batch is written, so without a wait a batch holds 1.3-1.5 votes; 5 ms gathers about 8
# (1 process, 1,000 votes/s: CPU per delivered message 1.6 → 1.2-1.3 × the relay's;
# bench/README.md, "Issue 21 §5, second round").
LINGER_BY_DATABASE = {"postgresql": 0.008, "sqlite": 0.005}


def batch_linger(setting: float | None, database: str) -> float:
    """Seconds a batch waits for more votes: the setting, else the database's default."""
    return setting if setting is not None else LINGER_BY_DATABASE.get(database, 0.0)


def vote_queue(app) -> GroupCommit:
    """The application's vote queue in this process (created at first use)."""
    queue = app.extensions.get("vote_queue")
    if queue is None:
        linger = batch_linger(app.config.get("VOTE_BATCH_LINGER_S"), db.engine.dialect.name)
        queue = app.extensions.setdefault("vote_queue", GroupCommit(
            functools.partial(_write_batch, app), linger=linger))
    return queue


def batch_figures(app=None) -> tuple[int, int]:
    """How many batches this process wrote, and the votes in them (the bench reads them)."""
    queue = vote_queue(app or current_app._get_current_object())
    return queue.batches, queue.items


def cast_vote(user_id: int, round_id: int, idea_id: int,
              session_token_hash: str | None = None) -> VoteResult:
    """Store one vote, or say why not, once its batch has committed (``rules.vote_problem``
    decides; duplicates are answered, never counted twice).

    With ``session_token_hash`` (a socket's session), the session is checked in the
    batch's transaction: outcome "signed_out" when it ended, idled out or grew too old
    (the caller then takes the full path, ``load_session``, which deletes it); a live
    session due to be touched is touched in the batch's transaction, as ``load_session``
    would. An unknown round raises VotingNotFound.
    """
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()  # end what the session read (as begin_write does)
    result = vote_queue(current_app._get_current_object()).submit(
        _Vote(user_id, round_id, idea_id, session_token_hash))
    return result


def _write_batch(app, items: list[Item]) -> None:
    """Run the batch's transaction on a connection of the app's pool (again, up to
    RETRY_ATTEMPTS times in all, after a serialization failure or a deadlock). Runs in
    the leading caller's application context (the queue is the app's).

    Under gevent the queue keeps its connection between batches (no checkout, ping and
    reset per batch: one batch at a time runs on it); a connection that failed is
    invalidated and the next batch checks out a new one. With threads (the tests), each
    batch checks one out and gives it back.
    """
    queue = vote_queue(app)
    engine = db.engine
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        raw = queue.connection or engine.raw_connection()
        queue.connection = None
        try:
            driver = raw.driver_connection
            trips = _RoundTrips(driver, engine.dialect.name)
            try:
                _decide_batch(trips, _Statements(engine.dialect), items)
                trips.close()
            except BaseException as error:
                for item in items:  # nothing of this attempt was written
                    item.result = item.error = None
                try:
                    trips.close()
                    driver.rollback()
                except Exception:  # noqa: BLE001 - a broken connection: dropped below
                    raw.invalidate()
                if not is_retryable(error):
                    raw.invalidate()  # whatever broke, the next batch starts afresh
                if attempt < RETRY_ATTEMPTS and is_retryable(error):
                    log.warning("retrying a batch of %d votes after %s (attempt %d of %d)",
                                len(items), type(error).__name__, attempt, RETRY_ATTEMPTS)
                    continue
                raise
            if socketio.async_mode == "gevent":
                queue.connection, raw = raw, None
            return
        finally:
            if raw is not None:
                raw.close()  # back to the pool (or discarded, when invalidated)


class _RoundTrips:
    """Statements sent together: on PostgreSQL in one round trip (psycopg's pipeline
    mode: the server runs them in order, each READ COMMITTED statement with a snapshot
    taken after the locks of the ones before); on SQLite one after the other (in the
    process: no round trip), after BEGIN IMMEDIATE.

    On PostgreSQL the transaction's BEGIN and COMMIT are statements of the pipeline (the
    connection in autocommit mode for the batch: psycopg would otherwise sync its own
    BEGIN, one more round trip); ``close`` puts the connection back as the pool expects it.
    """

    def __init__(self, driver, dialect_name: str):
        self.driver = driver
        self.pipelined = dialect_name == "postgresql"
        self.begin = ""
        if self.pipelined:
            driver.autocommit = True
            self.begin = "BEGIN"
        else:
            driver.execute("BEGIN IMMEDIATE")  # waits for the write lock (busy_timeout)

    def run(self, statements: list[tuple[str, dict]], end: str | None = None) -> list[list]:
        """The statements' rows (a list per statement), then ``end``: "commit",
        "rollback" or None (the transaction goes on)."""
        driver = self.driver
        if not self.pipelined:
            found = []
            for sql, params in statements:
                cursor = driver.execute(sql, params)
                found.append(cursor.fetchall())
            if end:
                getattr(driver, end)()
            return found
        cursors = []
        with driver.pipeline():
            if self.begin:
                driver.execute(self.begin)
                self.begin = ""
            for sql, params in statements:
                cursor = driver.cursor()
                cursor.execute(sql, params)
                cursors.append(cursor)
            if end:
                driver.execute(end.upper())
        return [cursor.fetchall() if cursor.description else [] for cursor in cursors]

    def close(self) -> None:
        """After the batch, failed or not: no transaction left open, autocommit off."""
        if self.pipelined:
            if self.driver.info.transaction_status != 0:  # not idle: a failed batch
                self.driver.execute("ROLLBACK")
            self.driver.autocommit = False


def _decide_batch(trips: _RoundTrips, st: _Statements, items: list[Item]) -> None:
    """The batch's transaction in two round trips (the reads under their locks, then the
    writes and the commit) and its decisions: each item gets its result or its error."""
    votes: list[_Vote] = [item.work for item in items]
    now = utcnow()
    cutoffs = sessions_cutoffs(now)  # the accounts' session rule, as a query compares it
    st.params.update({"confirmed": RegistrationStatus.CONFIRMED.value,
                      "fresh_after": st.to_db(cutoffs.fresh_after),
                      "alive_after": st.to_db(cutoffs.alive_after),
                      "touch_before": st.to_db(cutoffs.touch_before),
                      "born_after": st.to_db(cutoffs.born_after),
                      "now": st.to_db(now)})
    rounds_in = st.among("r", sorted({v.round_id for v in votes}))
    voters = st.among("u", sorted({v.user_id for v in votes}))
    events = _EVENTS.format(rounds=rounds_in)
    tokens = sorted({v.token_hash for v in votes if v.token_hash is not None})
    facts = _BATCH_SQL["facts"] + (_BATCH_SQL["sessions"] if tokens else "")
    found_rounds, registrations, found_facts = trips.run([
        (st.text(_BATCH_SQL["rounds"], rounds=rounds_in), st.params),
        (st.text(_BATCH_SQL["registrations"], events=events, voters=voters), st.params),
        (st.text(facts, rounds=rounds_in, events=events, voters=voters,
                 ideas=st.among("i", sorted({v.idea_id for v in votes})),
                 tokens=st.among("t", tokens)), st.params)])
    rounds = {row[0]: row for row in found_rounds}
    attendance = {(event_id, user_id): present for event_id, user_id, present
                  in registrations}
    idea_team, voter_team, used, already, sessions = {}, {}, Counter(), set(), {}
    for kind, a, b, c, token in found_facts:
        if kind == "idea":
            idea_team[(a, b)] = c
        elif kind == "team":
            voter_team[(a, b)] = c
        elif kind == "vote":
            used[(a, b)] += 1
            already.add((a, b, c))
        else:  # a session: (user, alive, fresh + 2 x due)
            sessions[token] = (a, bool(b), bool(c & 1), bool(c & 2))
    touched, rows = set(), []
    for item, vote in zip(items, votes, strict=True):
        item.result = _decide(vote, rounds.get(vote.round_id), sessions, attendance,
                              idea_team, voter_team, used, already, touched, rows)
        if item.result is None:
            item.error = VotingNotFound()
    writes = []
    if touched:
        writes.append((st.text(_BATCH_SQL["touch"], touched=st.among("h", sorted(touched))),
                       st.params))
    if rows:
        writes.append((st.text(_BATCH_SQL["insert"], rows=st.rows(rows)), st.params))
    # Nothing written: the rollback still ends the transaction and its locks.
    written = trips.run(writes, end="commit" if writes else "rollback")
    if rows:
        inserted = {tuple(row) for row in written[-1]}
        _answer_conflicts(items, votes, set(rows) - inserted)


def _decide(vote: _Vote, voting_round, sessions, attendance, idea_team, voter_team, used,
            already, touched, rows) -> VoteResult | None:
    """One vote of the batch, after the batch's earlier ones (None: its round is unknown)."""
    session = sessions.get(vote.token_hash) if vote.token_hash is not None else None
    if voting_round is None:
        # signed out comes before "not found": a session that is not fresh (alive and not
        # due to be touched) takes the full path first
        if vote.token_hash is not None and (
                session is None or session[0] != vote.user_id or not session[2]):
            return VoteResult("signed_out", 0, 0)
        return None
    _id, status, allowed, own_team_allowed, require_check_in, event_id = voting_round
    if vote.token_hash is not None:
        if session is None or session[0] != vote.user_id or not session[1]:
            return VoteResult("signed_out", 0, 0)
        if session[3]:
            touched.add(vote.token_hash)  # a vote is activity, as a page's load_session
    present = attendance.get((event_id, vote.user_id))  # None: no confirmed registration
    idea_in_round = (vote.round_id, vote.idea_id) in idea_team
    idea_of_team = idea_team.get((vote.round_id, vote.idea_id))
    my_team = voter_team.get((event_id, vote.user_id))
    key = (vote.round_id, vote.user_id)
    problem = rules.vote_problem(Ballot(
        round_status=RoundStatus(status),
        eligible=rules.may_vote(confirmed=present is not None,
                                present=present == Attendance.PRESENT.value,
                                require_check_in=bool(require_check_in)),
        idea_in_round=idea_in_round, own_team_idea=bool(idea_of_team and my_team == idea_of_team),
        own_team_allowed=bool(own_team_allowed),
        already_voted_this_idea=(vote.round_id, vote.user_id, vote.idea_id) in already,
        votes_used=used[key], votes_allowed=allowed))
    if problem:
        return VoteResult(problem, used[key], allowed)
    used[key] += 1
    already.add((vote.round_id, vote.user_id, vote.idea_id))
    rows.append((vote.round_id, vote.user_id, vote.idea_id))
    return VoteResult("stored", used[key], allowed)


def _answer_conflicts(items: list[Item], votes: list[_Vote], conflicts: set) -> None:
    """A row the unique key refused (stored meanwhile without the voter's lock: never
    expected) is a duplicate, and the voter's later answers count one vote less."""
    if not conflicts:
        return
    less = Counter()
    for item, vote in zip(items, votes, strict=True):
        pair = (vote.round_id, vote.user_id)
        result = item.result
        if result is None:
            continue
        if result.outcome == "stored" and (pair + (vote.idea_id,)) in conflicts:
            less[pair] += 1
            item.result = VoteResult("duplicate", result.votes_used - less[pair],
                                     result.votes_allowed)
        elif less[pair]:
            item.result = VoteResult(result.outcome, result.votes_used - less[pair],
                                     result.votes_allowed)
