"""Idea and voting use cases. Each owns its transaction; socket handlers and pages call them.

A vote is one conflict-safe INSERT on the unique (round, voter, idea): a repeat is
answered as a duplicate, never counted twice. Voting and closing serialise on the
round's row (SQLite: BEGIN IMMEDIATE; PostgreSQL: FOR SHARE against FOR UPDATE),
so no vote is accepted after the close and the final tally equals the stored votes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, func, select

from inspir_events import markdown
from inspir_events.accounts.models import User
from inspir_events.accounts.services import sessions_cutoffs
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, retrying, use_case
from inspir_events.domain import DomainError
from inspir_events.events.access import is_organiser
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import Attendance, EventStatus, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.needs.models import Need
from inspir_events.teams.models import TeamMember
from inspir_events.timeutil import utcnow
from inspir_events.voting import rules
from inspir_events.voting.models import Idea, RoundWinner, Vote, VotingRound, round_idea
from inspir_events.voting.rules import Ballot, RoundStatus, TallyVisibility

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
}


class VotingError(DomainError):
    """An idea or voting use case refused (422 unless a subclass says otherwise)."""


class VotingNotFound(VotingError):
    status = 404

    def __init__(self):
        super().__init__(_l("This idea or round does not exist."))


class VotingForbidden(VotingError):
    status = 403


class VotingConflict(VotingError):
    status = 409


@dataclass
class IdeaInput:
    title: str
    summary: str
    need_id: int | None = None


@dataclass
class RoundInput:
    title: str
    votes_per_participant: int = rules.VOTES_DEFAULT
    allow_own_team: bool = False
    require_check_in: bool = False
    visibility: TallyVisibility = TallyVisibility.LIVE
    opens_at: datetime | None = None
    closes_at: datetime | None = None


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


# ---- ideas -----------------------------------------------------------------------------

def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or event.status == EventStatus.DRAFT:
        raise VotingNotFound()
    return event


def _registration(user_id: int, event_id: int, lock: bool = False) -> Registration | None:
    stmt = select(Registration).where(Registration.event_id == event_id,
                                      Registration.user_id == user_id,
                                      Registration.status == RegistrationStatus.CONFIRMED)
    if lock:
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


def _team_id(user_id: int, event_id: int) -> int | None:
    return db.session.scalar(select(TeamMember.team_id).where(
        TeamMember.event_id == event_id, TeamMember.user_id == user_id))


def _frozen_idea_ids(event_id: int) -> set[int]:
    """Ideas already in a round that opened: they can no longer change."""
    return set(db.session.scalars(
        select(round_idea.c.idea_id).join(VotingRound, VotingRound.id == round_idea.c.round_id)
        .where(VotingRound.event_id == event_id, VotingRound.status != RoundStatus.DRAFT)))


def _fill_idea(idea: Idea, data: IdeaInput) -> None:
    if data.need_id is not None:
        need = db.session.get(Need, data.need_id)
        if need is None or not need.is_public:
            raise VotingError(_l("Pick a public need."), field="need")
    idea.title = " ".join(data.title.split())
    idea.summary = data.summary
    idea.summary_html = markdown.render(data.summary)
    idea.need_id = data.need_id
    idea.updated_at = utcnow()


def check_participant(user: User, event: Event) -> None:
    """Only the event's confirmed participants post ideas (asked before the form too)."""
    if event.status != EventStatus.PUBLISHED or _registration(user.id, event.id) is None:
        raise VotingForbidden(_l("Only the event's confirmed participants post ideas."))


@use_case
def post_idea(user: User, event_id: int, data: IdeaInput) -> Idea:
    """A team (or, if the organisers allow it, a participant alone) posts an idea."""
    begin_write()
    event = _event(event_id)
    check_participant(user, event)
    team_id = _team_id(user.id, event.id)
    if team_id is None and not event.solo_ideas_allowed:
        raise VotingForbidden(_l("Ideas are posted by teams at this event: join or create a "
                                 "team first."))
    idea = Idea(event_id=event.id, team_id=team_id, author_id=user.id)
    _fill_idea(idea, data)
    db.session.add(idea)
    db.session.commit()
    return idea


def is_idea_team(user, idea: Idea) -> bool:
    """Its team (or its author, for a solo idea): the only people who may edit it."""
    if not (user and user.is_authenticated):
        return False
    if idea.team_id is not None:
        return _team_id(user.id, idea.event_id) == idea.team_id
    return idea.author_id == user.id


def can_edit_idea(user, idea: Idea) -> bool:
    """Its team (or its author, for a solo idea) edits it until a round including it opens."""
    return is_idea_team(user, idea) and idea.id not in _frozen_idea_ids(idea.event_id)


@use_case
def edit_idea(user: User, idea_id: int, data: IdeaInput) -> Idea:
    begin_write()
    idea = db.session.get(Idea, idea_id)
    if idea is None:
        raise VotingNotFound()
    if not can_edit_idea(user, idea):
        if idea.id in _frozen_idea_ids(idea.event_id):
            raise VotingConflict(_l("A voting round including this idea is open: it can no "
                                    "longer be edited."))
        raise VotingForbidden(_l("Only the idea's team can edit it."))
    _fill_idea(idea, data)
    db.session.commit()
    return idea


def event_ideas(event_id: int) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(Idea.event_id == event_id)
                                   .order_by(Idea.id)))


def get_idea(idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.event.status == EventStatus.DRAFT:
        raise VotingNotFound()
    return idea


# ---- rounds ----------------------------------------------------------------------------

def _organised_round(user: User, round_id: int, lock: bool = False) -> VotingRound:
    stmt = select(VotingRound).where(VotingRound.id == round_id)
    if lock:
        stmt = stmt.with_for_update()
    voting_round = db.session.scalar(stmt)
    if voting_round is None:
        raise VotingNotFound()
    if not is_organiser(user, voting_round.event):
        raise VotingForbidden(_l("Only the event's organisers run its voting rounds."))
    return voting_round


def _check_round(data: RoundInput) -> None:
    if not 1 <= data.votes_per_participant <= rules.VOTES_MAX:
        raise VotingError(_l("Between 1 and %(max)d votes per participant.",
                             max=rules.VOTES_MAX), field="votes_per_participant")
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        raise VotingError(_l("The round must close after it opens."), field="closes_at")


@use_case
def create_round(user: User, event_id: int, data: RoundInput) -> VotingRound:
    begin_write()
    event = _event(event_id)
    if not is_organiser(user, event):
        raise VotingForbidden(_l("Only the event's organisers run its voting rounds."))
    _check_round(data)
    voting_round = VotingRound(event_id=event.id, status=RoundStatus.DRAFT, title=data.title,
                               votes_per_participant=data.votes_per_participant,
                               allow_own_team=data.allow_own_team,
                               require_check_in=data.require_check_in,
                               visibility=data.visibility, opens_at=data.opens_at,
                               closes_at=data.closes_at)
    db.session.add(voting_round)
    db.session.commit()
    return voting_round


def _open(voting_round: VotingRound) -> None:
    """Open: the round's ideas are fixed now (every idea of the event)."""
    voting_round.ideas = event_ideas(voting_round.event_id)
    voting_round.status = RoundStatus.OPEN
    voting_round.opened_at = utcnow()


def _close(voting_round: VotingRound) -> None:
    voting_round.status = RoundStatus.CLOSED
    voting_round.closed_at = utcnow()


@use_case
def open_round(user: User, round_id: int) -> VotingRound:
    begin_write()
    voting_round = _organised_round(user, round_id, lock=True)
    if voting_round.status != RoundStatus.DRAFT:
        raise VotingConflict(_l("Only a round in preparation can be opened."))
    if not event_ideas(voting_round.event_id):
        raise VotingConflict(_l("There is no idea to vote on yet."))
    _open(voting_round)
    audit.record(user, "round.open", "voting_round", voting_round.id)
    db.session.commit()
    return voting_round


@use_case
def close_round(user: User, round_id: int) -> VotingRound:
    """Close atomically: after this commit no vote is accepted (votes wait on the lock)."""
    begin_write()
    voting_round = _organised_round(user, round_id, lock=True)
    if voting_round.status != RoundStatus.OPEN:
        raise VotingConflict(_l("Only an open round can be closed."))
    _close(voting_round)
    audit.record(user, "round.close", "voting_round", voting_round.id,
                 votes=total_votes(voting_round.id))
    db.session.commit()
    return voting_round


@use_case
def apply_schedule(now: datetime | None = None) -> list[int]:
    """Open and close the rounds whose scheduled times have come; returns their ids."""
    now = now or utcnow()
    begin_write()
    moved = []
    due = db.session.scalars(select(VotingRound).where(
        ((VotingRound.status == RoundStatus.DRAFT) & (VotingRound.opens_at <= now))
        | ((VotingRound.status == RoundStatus.OPEN) & (VotingRound.closes_at <= now)))
        .with_for_update())
    for voting_round in due:
        if voting_round.status == RoundStatus.DRAFT:
            if not event_ideas(voting_round.event_id):
                continue
            _open(voting_round)
        else:
            _close(voting_round)
        moved.append(voting_round.id)
    db.session.commit()
    return moved


def get_round(round_id: int) -> VotingRound:
    voting_round = db.session.get(VotingRound, round_id)
    if voting_round is None or voting_round.event.status == EventStatus.DRAFT:
        raise VotingNotFound()
    return voting_round


def event_rounds(event_id: int) -> list[VotingRound]:
    return list(db.session.scalars(select(VotingRound).where(VotingRound.event_id == event_id)
                                   .order_by(VotingRound.id)))


def open_rounds_of_event(event_id: int) -> list[VotingRound]:
    return list(db.session.scalars(select(VotingRound).where(
        VotingRound.event_id == event_id, VotingRound.status == RoundStatus.OPEN)))


# ---- voting ----------------------------------------------------------------------------

def eligible(user_id: int, voting_round: VotingRound, lock: bool = False) -> bool:
    registration = _registration(user_id, voting_round.event_id, lock=lock)
    if registration is None:
        return False
    return not voting_round.require_check_in or registration.attendance == Attendance.PRESENT


def votes_used(user_id: int, round_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote).where(
        Vote.round_id == round_id, Vote.voter_id == user_id))


# The vote's statements, written once for both databases (":name" parameters; PostgreSQL's
# driver gets "%(name)s"). They run on the driver's cursor of a connection of the app's
# pool, in a transaction of their own: a vote is the hot path of live voting (hundreds a
# second), and the ORM's session and per-statement work cost several times the statements
# themselves (profiled under load: see bench/README.md).
# PostgreSQL locks the round FOR SHARE (closing takes it FOR UPDATE) and the voter's
# registration FOR UPDATE (the voter's concurrent votes queue up: the quota holds);
# SQLite's BEGIN IMMEDIATE serialises every writer already.
_VOTE_SQL = {
    "session": "SELECT user_id FROM user_session WHERE token_hash = :token_hash "
               "AND last_seen_at >= :fresh_after AND created_at >= :born_after",
    # The round, the voter's confirmed registration ('' when attendance is not recorded,
    # NULL when there is none) and the socket's session, in one round trip.
    "head": "SELECT status, votes_per_participant, allow_own_team, require_check_in, event_id, "
            "(SELECT coalesce(attendance, '') FROM registration "
            "WHERE event_id = voting_round.event_id AND user_id = :user_id "
            "AND status = :confirmed{update}), "
            "(SELECT user_id FROM user_session WHERE token_hash = :token_hash "
            "AND last_seen_at >= :alive_after AND created_at >= :born_after), "
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
                                 update=" FOR UPDATE" if postgres else "")
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
    is_eligible = attendance is not None and (
        not require_check_in or attendance == Attendance.PRESENT.value)
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


def tally(round_id: int) -> dict[int, int]:
    rows = db.session.execute(select(Vote.idea_id, func.count()).where(Vote.round_id == round_id)
                              .group_by(Vote.idea_id))
    return {idea_id: count for idea_id, count in rows}


def total_votes(round_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote)
                             .where(Vote.round_id == round_id))


def version(round_id: int) -> int:
    """The tally's version: the latest vote's id (grows with every stored vote)."""
    return db.session.scalar(select(func.max(Vote.id)).where(Vote.round_id == round_id)) or 0


def versions(round_ids: list[int]) -> dict[int, int]:
    if not round_ids:
        return {}
    rows = db.session.execute(select(Vote.round_id, func.max(Vote.id))
                              .where(Vote.round_id.in_(round_ids)).group_by(Vote.round_id))
    found = dict(rows.all())
    return {r: found.get(r, 0) for r in round_ids}


def snapshot(voting_round: VotingRound) -> dict:
    """What a (re)connecting client gets: the round's state, tally if visible, version."""
    return snapshots([voting_round])[voting_round.id]


def snapshots(voting_rounds: list[VotingRound]) -> dict[int, dict]:
    """``snapshot`` of several rounds (the broadcast tick's open rounds), by round id."""
    if not voting_rounds:
        return {}
    # One statement, so the counts, the total and the version come from one snapshot of the
    # votes (three queries could each see a different set on PostgreSQL).
    rows = db.session.execute(
        select(Vote.round_id, Vote.idea_id, func.count(), func.max(Vote.id))
        .where(Vote.round_id.in_([r.id for r in voting_rounds]))
        .group_by(Vote.round_id, Vote.idea_id)).all()
    counts: dict[int, dict[int, int]] = {r.id: {} for r in voting_rounds}
    versions: dict[int, int] = {}
    for round_id, idea_id, count, latest in rows:
        counts[round_id][idea_id] = count
        versions[round_id] = max(versions.get(round_id, 0), latest)
    found = {}
    for voting_round in voting_rounds:
        visible = rules.tally_visible(voting_round.visibility, voting_round.status)
        mine = counts[voting_round.id]
        found[voting_round.id] = {
            "round_id": voting_round.id,
            "status": voting_round.status.value,
            "version": versions.get(voting_round.id, 0),
            "tally": {str(k): v for k, v in mine.items()} if visible else None,
            "total": sum(mine.values()),
        }
    return found


def results(voting_round: VotingRound) -> list[tuple[rules.Ranked, Idea]]:
    ideas = {idea.id: idea for idea in voting_round.ideas}
    ranked = rules.ranking(tally(voting_round.id), list(ideas))
    return [(r, ideas[r.idea_id]) for r in ranked]


@use_case
def confirm_winners(user: User, round_id: int, k: int) -> list[RoundWinner]:
    """The organisers confirm the top ``k`` ideas of a closed round as winners; audited."""
    begin_write()
    voting_round = _organised_round(user, round_id, lock=True)
    if voting_round.status != RoundStatus.CLOSED:
        raise VotingConflict(_l("Winners are confirmed once the round is closed."))
    ranked = results(voting_round)
    if not 1 <= k <= len(ranked):
        raise VotingError(_l("Choose between 1 and %(max)d winners.", max=len(ranked)),
                          field="k")
    db.session.query(RoundWinner).filter(RoundWinner.round_id == round_id).delete()
    chosen = [RoundWinner(round_id=round_id, idea_id=r.idea_id, rank=r.rank, votes=r.votes)
              for r, _idea in ranked[:k]]
    db.session.add_all(chosen)
    voting_round.winners_confirmed_at = utcnow()
    audit.record(user, "round.winners", "voting_round", voting_round.id,
                 winners=[w.idea_id for w in chosen], k=k,
                 tie_break=rules.TIE_BREAK_RULE)
    db.session.commit()
    return chosen


def winners_of(round_id: int) -> list[RoundWinner]:
    return list(db.session.scalars(select(RoundWinner).where(RoundWinner.round_id == round_id)
                                   .order_by(RoundWinner.rank, RoundWinner.idea_id)))
