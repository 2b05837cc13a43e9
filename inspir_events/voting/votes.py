"""Casting a vote, and counting a voter's and a round's votes.

A vote is one conflict-safe INSERT on the unique (round, voter, idea): a repeat is
answered as a duplicate, never counted twice. Voting and closing serialise on the
round's row (SQLite: BEGIN IMMEDIATE; PostgreSQL: FOR SHARE against FOR UPDATE),
so no vote is accepted after the close and the final tally equals the stored votes.
The rules a vote must pass are voting/rules.py's (``may_vote``, ``vote_problem``); the
socket's session is checked with the accounts' rule (``accounts.rules.session_alive``).
The page's form post and the socket handler call the same ``cast_vote``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, func, select

from inspir_events.accounts.services import sessions_cutoffs
from inspir_events.database import retrying
from inspir_events.events.rules import Attendance, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.timeutil import utcnow
from inspir_events.voting import rules
from inspir_events.voting.access import VotingNotFound, confirmed_registration
from inspir_events.voting.models import Vote, VotingRound
from inspir_events.voting.rules import Ballot, RoundStatus

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


# The vote's statements, written once for both databases (":name" parameters; PostgreSQL's
# driver gets "%(name)s"). They run on the driver's cursor of a connection of the app's
# pool, in a transaction of their own: a vote is the hot path of live voting (hundreds a
# second), and the ORM's session and per-statement work cost several times the statements
# themselves (profiled under load: see bench/README.md).
# PostgreSQL locks the round FOR SHARE (closing takes it FOR UPDATE) and the voter's
# registration FOR UPDATE (the voter's concurrent votes queue up: the quota holds);
# SQLite's BEGIN IMMEDIATE serialises every writer already.
# The socket's session, alive by the accounts' rule (accounts.rules.session_alive: the
# cutoffs of accounts.services.sessions_cutoffs are bound): "alive_session", and
# "fresh_session" for a session that must also not be due to be touched.
_SESSION_ROW = ("FROM user_session WHERE token_hash = :token_hash "
                "AND last_seen_at >= :{seen} AND created_at >= :born_after")
_VOTE_SQL = {
    "session": "SELECT user_id {fresh_session}",
    # The round, the voter's confirmed registration ('' when attendance is not recorded,
    # NULL when there is none) and the socket's session, in one round trip.
    "head": "SELECT status, votes_per_participant, allow_own_team, require_check_in, event_id, "
            "(SELECT coalesce(attendance, '') FROM registration "
            "WHERE event_id = voting_round.event_id AND user_id = :user_id "
            "AND status = :confirmed{update}), "
            "(SELECT user_id {alive_session}), "
            "(SELECT count(*) FROM user_session WHERE token_hash = :token_hash "
            "AND last_seen_at < :touch_before) "
            "FROM voting_round WHERE id = :round_id{share}",
    # A live session due to be touched (as ``load_session`` does), in the vote's transaction.
    "touch": "UPDATE user_session SET last_seen_at = :now WHERE token_hash = :token_hash",
    "facts": "SELECT (SELECT count(*) FROM round_idea WHERE round_id = :round_id "
             "AND idea_id = :idea_id), "
             "(SELECT team_id FROM idea WHERE id = :idea_id), "
             "(SELECT team_id FROM team_member WHERE event_id = :event_id "
             "AND user_id = :user_id LIMIT 1), "
             "(SELECT count(*) FROM vote WHERE round_id = :round_id AND voter_id = :user_id), "
             "(SELECT count(*) FROM vote WHERE round_id = :round_id AND voter_id = :user_id "
             "AND idea_id = :idea_id)",
    "insert": "INSERT INTO vote (round_id, voter_id, idea_id, created_at) "
              "VALUES (:round_id, :user_id, :idea_id, :created_at) "
              "ON CONFLICT DO NOTHING RETURNING id",
}
_compiled_vote_sql: dict[str, tuple[dict[str, str], object]] = {}


def _vote_sql(dialect) -> tuple[dict[str, str], object]:
    """The statements in the dialect's parameter style, and its datetime bind converter."""
    found = _compiled_vote_sql.get(dialect.name)
    if found is None:
        postgres = dialect.name == "postgresql"
        sql = {name: text.format(share=" FOR SHARE OF voting_round" if postgres else "",
                                 update=" FOR UPDATE" if postgres else "",
                                 alive_session=_SESSION_ROW.format(seen="alive_after"),
                                 fresh_session=_SESSION_ROW.format(seen="fresh_after"))
               for name, text in _VOTE_SQL.items()}
        if postgres:
            sql = {name: re.sub(r":(\w+)", r"%(\1)s", text) for name, text in sql.items()}
        to_db = DateTime().dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)
        found = _compiled_vote_sql[dialect.name] = (sql, to_db)
    return found


@retrying
def cast_vote(user_id: int, round_id: int, idea_id: int,
              session_token_hash: str | None = None, connection=None) -> VoteResult:
    """Store one vote at once, or say why not. Duplicates are answered, never counted twice.

    With ``session_token_hash`` (a socket's session), the session is checked in the same
    transaction first: outcome "signed_out" when it ended, idled out or grew too old (the
    caller then takes the full path, ``load_session``, which deletes it); a live session due
    to be touched is touched in the vote's transaction, as ``load_session`` would.

    ``connection``: a DBAPI connection of the app's pool that the caller keeps between
    votes (the socket handler's, on SQLite under gevent: a vote's transaction never yields,
    so votes cannot interleave on it); by default one is checked out for the vote.
    """
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()  # end what the session read (as begin_write does)
    # A connection of the app's pool, used through its driver: the transaction is ours.
    engine = db.engine
    raw = engine.raw_connection() if connection is None else connection
    try:
        driver = raw.driver_connection
        sql, to_db = _vote_sql(engine.dialect)
        cursor = driver.cursor()
        try:
            if engine.dialect.name == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")  # waits for the write lock (busy_timeout)
            result, touched = _cast_vote(cursor, sql, to_db, user_id, round_id, idea_id,
                                         session_token_hash)
        except BaseException:
            cursor.close()
            driver.rollback()
            raise
        cursor.close()
        if result.outcome == "stored" or touched:
            driver.commit()
        else:
            driver.rollback()
    finally:
        if connection is None:
            raw.close()  # back to the pool
    return result


def _cast_vote(cursor, sql, to_db, user_id: int, round_id: int, idea_id: int,
               session_token_hash: str | None) -> tuple[VoteResult, bool]:
    """The vote's statements; returns its result and whether the session was touched (the
    transaction must then be committed whatever the outcome)."""
    now = utcnow()
    session = sessions_cutoffs(now)  # the accounts' session rule, as a query compares it
    params = {"round_id": round_id, "idea_id": idea_id, "user_id": user_id,
              "confirmed": RegistrationStatus.CONFIRMED.value,
              "token_hash": session_token_hash,
              "fresh_after": to_db(session.fresh_after),
              "alive_after": to_db(session.alive_after),
              "touch_before": to_db(session.touch_before),
              "born_after": to_db(session.born_after)}
    # The round's row FOR SHARE and the voter's registration FOR UPDATE (PostgreSQL):
    # their concurrent votes queue up, so the quota holds there too.
    cursor.execute(sql["head"], params)
    found = cursor.fetchone()
    if found is None:
        if session_token_hash is not None:  # signed out comes before "not found"
            cursor.execute(sql["session"], params)
            session = cursor.fetchone()
            if session is None or session[0] != user_id:
                return VoteResult("signed_out", 0, 0), False
        raise VotingNotFound()
    (status, allowed, own_team_allowed, require_check_in, event_id, attendance, session,
     due) = found
    if session_token_hash is not None and session != user_id:
        return VoteResult("signed_out", 0, 0), False
    # A vote is activity: a live session is touched here as a page's ``load_session`` would
    # (not by the full path: a room's sessions, signed in together, fall due together).
    touched = session_token_hash is not None and due > 0
    if touched:
        cursor.execute(sql["touch"], {"now": to_db(now), "token_hash": session_token_hash})
    params["event_id"] = event_id
    # attendance: NULL without a confirmed registration, '' when not recorded.
    is_eligible = rules.may_vote(confirmed=attendance is not None,
                                 present=attendance == Attendance.PRESENT.value,
                                 require_check_in=bool(require_check_in))
    # A statement of its own (a fresh snapshot on PostgreSQL, after the locks).
    cursor.execute(sql["facts"], params)
    in_round, idea_team, my_team, used, already = cursor.fetchone()
    problem = rules.vote_problem(Ballot(
        round_status=RoundStatus(status), eligible=is_eligible, idea_in_round=in_round > 0,
        own_team_idea=bool(idea_team and my_team == idea_team),
        own_team_allowed=bool(own_team_allowed), already_voted_this_idea=already > 0,
        votes_used=used, votes_allowed=allowed))
    if problem:
        return VoteResult(problem, used, allowed), touched
    cursor.execute(sql["insert"], {**params, "created_at": to_db(now)})
    stored = 1 if cursor.fetchone() is not None else 0
    return VoteResult("stored" if stored else "duplicate", used + stored, allowed), touched
