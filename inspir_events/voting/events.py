"""Socket.IO handlers of live voting: thin, they call the services.

Protocol (namespace "/"):

- connect: a signed-in session and an allowed Origin only; the socket joins "user-<id>".
- "join" {"event_id"} -> ack {"ok", "rounds": [snapshot, ...], "connected"}; joins
  "event-<id>".
- "vote" {"round_id", "idea_id"} -> ack {"ok", "outcome", "message", "votes_used",
  "votes_allowed"}; at most 5 a second per user (outcome "rate").
- server -> room "event-<id>": "tally" {"round_id", "version", "status", "tally", "total",
  "connected"} from a timer (tally.TICK_SECONDS), only for rounds that changed; "round"
  {"round_id", "status"} when a round opens or closes (``announce_round``).

With REDIS_URL (several processes behind Flask-SocketIO's Redis queue) one process
holds a leader lock in Redis and runs the broadcasts; every process writes its
per-room connection counts to Redis, summed for "connected".
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

from flask import Flask, current_app, request
from flask_login import current_user, user_logged_out
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy import func, select

from inspir_events.database import ID_MAX
from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus
from inspir_events.extensions import db, socketio
from inspir_events.voting import services, tally
from inspir_events.voting.models import Vote, VotingRound
from inspir_events.voting.rules import RoundStatus

log = logging.getLogger(__name__)

# Redis keys, after the deployment's SOCKETIO_CHANNEL and ":".
LEADER_KEY = "voting:broadcast-leader"
LEADER_TTL_MS = 2000
COUNTS_KEY = "voting:connected:{event_id}"  # hash: process -> "count:unix time"
COUNTS_TTL_S = 5  # a process's count older than this is ignored (it died)
USER_SIDS_KEY = "voting:user-sids:{user_id}"  # set of the user's socket ids
SCHEDULE_EVERY_S = 1.0

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


@dataclass
class LiveState:
    """One process's live-voting state for one application."""

    process_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    limiter: tally.RateLimiter = field(default_factory=tally.RateLimiter)
    broadcaster: tally.Broadcaster = field(default_factory=tally.Broadcaster)
    rooms: dict[int, set[str]] = field(default_factory=dict)  # event id -> socket ids
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False
    last_schedule: float = 0.0
    redis: object | None = None
    prefix: str = ""
    is_leader: bool = False
    ticks_led: int = 0  # ticks this process ran the broadcasts (tests, bench)

    def local_count(self, event_id: int) -> int:
        return len(self.rooms.get(event_id, ()))


def state(app: Flask | None = None) -> LiveState:
    app = app or current_app._get_current_object()
    live = app.extensions.get("live_voting")
    if live is None:
        live = app.extensions.setdefault("live_voting", LiveState())
        if app.config.get("REDIS_URL"):
            import redis

            live.redis = redis.Redis.from_url(app.config["REDIS_URL"],
                                              socket_timeout=2, socket_connect_timeout=2)
            live.prefix = app.config.get("SOCKETIO_CHANNEL", "flask-socketio") + ":"
    return live


# ---- connection counts ---------------------------------------------------------------------

def _publish_counts(live: LiveState) -> None:
    """Write this process's per-room counts to Redis (every tick, with an expiry)."""
    if live.redis is None:
        return
    now = int(time.time())
    pipe = live.redis.pipeline(transaction=False)
    for event_id in list(live.rooms):
        key = live.prefix + COUNTS_KEY.format(event_id=event_id)
        pipe.hset(key, live.process_id, f"{live.local_count(event_id)}:{now}")
        pipe.expire(key, COUNTS_TTL_S)
    pipe.execute()


def connected(event_id: int, live: LiveState | None = None) -> int:
    """Sockets in the event's room, summed over every server process."""
    live = live or state()
    mine = live.local_count(event_id)
    if live.redis is None:
        return mine
    total = mine
    fresh_after = time.time() - COUNTS_TTL_S
    counts = live.redis.hgetall(live.prefix + COUNTS_KEY.format(event_id=event_id))
    for process, value in counts.items():
        if process.decode() == live.process_id:
            continue
        count, _, stamp = value.decode().partition(":")
        if int(stamp or 0) >= fresh_after:
            total += int(count)
    return total


# ---- handlers ------------------------------------------------------------------------------

def _allowed_origin() -> bool:
    """Engine.IO checks the Origin already (cors_allowed_origins); this holds when it is off."""
    origin = request.headers.get("Origin")
    return origin is None or origin in current_app.config["ALLOWED_ORIGINS"]


@socketio.on("connect")
def on_connect(auth=None):
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("unauthorized")
    if not _allowed_origin():
        raise ConnectionRefusedError("origin")
    join_room(f"user-{current_user.id}")
    live = state()
    if live.redis is not None:
        key = live.prefix + USER_SIDS_KEY.format(user_id=current_user.id)
        live.redis.sadd(key, request.sid)
        live.redis.expire(key, int(current_app.config["SESSION_ABSOLUTE_LIFETIME"]
                                   .total_seconds()))
    if current_app.config.get("VOTING_BROADCAST"):
        start_broadcasts(current_app._get_current_object())


@socketio.on("disconnect")
def on_disconnect(reason=None):
    live = state()
    with live.lock:
        for event_id, sids in list(live.rooms.items()):
            sids.discard(request.sid)
            if not sids:
                del live.rooms[event_id]
    if live.redis is not None and current_user.is_authenticated:
        live.redis.srem(live.prefix + USER_SIDS_KEY.format(user_id=current_user.id), request.sid)


def _signed_in() -> bool:
    """Every event re-reads the session: a socket of a closed session is disconnected."""
    if current_user.is_authenticated:
        return True
    socketio.server.disconnect(request.sid, namespace="/")
    return False


def _int(data, key: str) -> int | None:
    try:
        value = int(data[key])
    except (KeyError, TypeError, ValueError):
        return None
    return value if 1 <= value <= ID_MAX else None


@socketio.on("join")
def on_join(data):
    if not _signed_in():
        return {"ok": False}
    event_id = _int(data, "event_id")
    event = db.session.get(Event, event_id) if event_id else None
    if event is None or event.status == EventStatus.DRAFT:
        return {"ok": False, "rounds": [], "connected": 0}
    live = state()
    join_room(f"event-{event.id}")
    with live.lock:
        live.rooms.setdefault(event.id, set()).add(request.sid)
    rounds = [services.snapshot(r) for r in services.event_rounds(event.id)
              if r.status != RoundStatus.DRAFT]
    return {"ok": True, "rounds": rounds, "connected": connected(event.id, live)}


@socketio.on("vote")
def on_vote(data):
    if not _signed_in():
        return {"ok": False, "outcome": "signed_out", "message": "", "votes_used": 0,
                "votes_allowed": 0}
    user_id = current_user.id
    if not state().limiter.allow(user_id, time.monotonic()):
        return {"ok": False, "outcome": "rate", "message": str(services.VOTE_MESSAGES["rate"]),
                "votes_used": 0, "votes_allowed": 0}
    round_id, idea_id = _int(data, "round_id"), _int(data, "idea_id")
    try:
        if round_id is None or idea_id is None:
            raise services.VotingNotFound()
        result = services.cast_vote(user_id, round_id, idea_id)
    except services.VotingNotFound as exc:
        db.session.rollback()
        return {"ok": False, "outcome": "not_found", "message": str(exc.message),
                "votes_used": 0, "votes_allowed": 0}
    return {"ok": result.accepted, "outcome": result.outcome, "message": str(result.message),
            "votes_used": result.votes_used, "votes_allowed": result.votes_allowed}


# ---- logout ----------------------------------------------------------------------------------

def disconnect_user(user_id: int) -> None:
    """Disconnect every socket of ``user_id`` (in every server process, with Redis)."""
    server = socketio.server
    if server is None:
        return
    sids = {sid for sid, _eio_sid in server.manager.get_participants("/", f"user-{user_id}")}
    live = state()
    if live.redis is not None:
        key = live.prefix + USER_SIDS_KEY.format(user_id=user_id)
        sids |= {sid.decode() for sid in live.redis.smembers(key)}
        live.redis.delete(key)
    for sid in sids:
        server.disconnect(sid, namespace="/")


@user_logged_out.connect
def _on_logged_out(sender, user=None, **extra):
    if user is not None and getattr(user, "id", None) is not None:
        try:
            disconnect_user(user.id)
        except Exception:  # noqa: BLE001 - signing out never fails because of the sockets
            log.exception("could not disconnect the sockets of user %s", user.id)


# ---- broadcasts ------------------------------------------------------------------------------

def _tally_message(voting_round: VotingRound, live: LiveState) -> dict:
    message = services.snapshot(voting_round)
    message["connected"] = connected(voting_round.event_id, live)
    return message


def announce_round(voting_round: VotingRound) -> None:
    """Tell the event's room a round opened or closed, with a fresh tally snapshot."""
    room = f"event-{voting_round.event_id}"
    socketio.emit("round", {"round_id": voting_round.id, "status": voting_round.status.value},
                  to=room, namespace="/")
    socketio.emit("tally", _tally_message(voting_round, state()), to=room, namespace="/")


def _lead(live: LiveState) -> bool:
    """Without Redis this process leads; with it, the holder of the Redis lock does."""
    if live.redis is None:
        return True
    key = live.prefix + LEADER_KEY
    if live.is_leader and live.redis.eval(_RENEW, 1, key, live.process_id, LEADER_TTL_MS):
        return True
    live.is_leader = bool(live.redis.set(key, live.process_id, nx=True, px=LEADER_TTL_MS))
    if not live.is_leader:
        live.broadcaster = tally.Broadcaster()  # a new leader sends everything once
    return live.is_leader


def _key(message: dict) -> tuple[int, int, int]:
    return message["version"], message["total"], message["connected"]


def _change_keys(open_rounds: dict[int, VotingRound], live: LiveState) -> dict[int, tuple]:
    """What says a round's tally moved: its version, and also its total and connected count.

    The version is the latest vote's id; on PostgreSQL two voters' transactions may
    commit out of id order, so the total catches a vote committed under an older id.
    """
    if not open_rounds:
        return {}
    rows = db.session.execute(select(Vote.round_id, func.max(Vote.id), func.count())
                              .where(Vote.round_id.in_(list(open_rounds)))
                              .group_by(Vote.round_id))
    found = {round_id: (version, total) for round_id, version, total in rows}
    counts: dict[int, int] = {}
    keys = {}
    for round_id, voting_round in open_rounds.items():
        event_id = voting_round.event_id
        if event_id not in counts:
            counts[event_id] = connected(event_id, live)
        keys[round_id] = (*found.get(round_id, (0, 0)), counts[event_id])
    return keys


def broadcast_tick(app: Flask) -> int:
    """One timer tick: scheduled rounds, then a "tally" per changed open round.

    Returns the number of "tally" messages sent (0 when another process leads).
    """
    live = state(app)
    with app.app_context():
        try:
            _publish_counts(live)
            if not _lead(live):
                return 0
            live.ticks_led += 1
            now = time.monotonic()
            if now - live.last_schedule >= SCHEDULE_EVERY_S:
                live.last_schedule = now
                for round_id in services.apply_schedule():
                    announce_round(db.session.get(VotingRound, round_id))
            open_rounds = {r.id: r for r in db.session.scalars(
                select(VotingRound).where(VotingRound.status == RoundStatus.OPEN))}
            sent = 0
            for round_id in live.broadcaster.changed(_change_keys(open_rounds, live)):
                voting_round = open_rounds[round_id]
                message = _tally_message(voting_round, live)
                socketio.emit("tally", message, to=f"event-{voting_round.event_id}",
                              namespace="/")
                live.broadcaster.sent[round_id] = _key(message)
                sent += 1
            return sent
        finally:
            db.session.rollback()
            db.session.remove()


def _run_broadcasts(app: Flask) -> None:
    while True:
        socketio.sleep(tally.TICK_SECONDS)
        try:
            broadcast_tick(app)
        except Exception:  # noqa: BLE001 - the timer survives a failed tick
            log.exception("live voting tick failed")


def start_broadcasts(app: Flask) -> bool:
    """Start this process's timer once (on the first connection); True if it started now."""
    live = state(app)
    with live.lock:
        if live.started:
            return False
        live.started = True
    socketio.start_background_task(_run_broadcasts, app)
    return True
