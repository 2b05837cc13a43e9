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

from engineio import packet as eio_packet
from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_login import current_user, user_logged_out
from flask_socketio import ConnectionRefusedError, join_room
from socketio import packet as sio_packet
from sqlalchemy import select

from inspir_events.accounts.services import token_hash
from inspir_events.database import ID_MAX
from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus
from inspir_events.extensions import db, socketio
from inspir_events.voting import services, tally
from inspir_events.voting.models import VotingRound
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


@dataclass(frozen=True)
class SocketInfo:
    """Who a socket is, read once at its connection (its handshake's cookie never changes)."""

    user_id: int
    token_hash: str  # the session's: re-checked by every vote, in the vote's transaction
    locale: str


@dataclass
class LiveState:
    """One process's live-voting state for one application."""

    process_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    limiter: tally.RateLimiter = field(default_factory=tally.RateLimiter)
    broadcaster: tally.Broadcaster = field(default_factory=tally.Broadcaster)
    rooms: dict[int, set[str]] = field(default_factory=dict)  # event id -> socket ids
    sockets: dict[str, SocketInfo] = field(default_factory=dict)  # socket id -> who
    messages: dict[str, dict[str, str]] = field(default_factory=dict)  # locale -> outcome -> text
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False
    last_schedule: float = 0.0
    redis: object | None = None
    prefix: str = ""
    is_leader: bool = False
    vote_connection: object | None = None  # SQLite under gevent: kept for the socket votes
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
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    if locale not in live.messages:
        live.messages[locale] = vote_messages()
    token = getattr(current_user, "session_token", None)
    if token:
        live.sockets[request.sid] = SocketInfo(current_user.id, token_hash(token), locale)
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
    live.sockets.pop(request.sid, None)
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


def _on_raw(message: str):
    """Register a handler with python-socketio itself, without Flask-SocketIO's wrapper.

    Flask-SocketIO builds a Flask request (and opens the cookie's session) for every
    event; the vote handler, the hot path of live voting, needs none of it: the socket's
    user and session are known from its connection (``SocketInfo``) and the session is
    re-checked in the vote's own transaction. The handler gets ``(sid, data)``.
    """
    def decorator(handler):
        if socketio.server is not None:
            socketio.server.on(message, handler, namespace="/")
        else:
            socketio.handlers.append((message, handler, "/"))
        return handler
    return decorator


def vote_messages() -> dict[str, str]:
    """The vote answers' texts in the current request's language."""
    return {**{k: str(v) for k, v in services.VOTE_MESSAGES.items()},
            "not_found": str(services.VotingNotFound().message)}


def _vote_reply(outcome: str, messages: dict[str, str] | None, ok: bool = False,
                used: int = 0, allowed: int = 0) -> dict:
    message = (messages or vote_messages())[outcome]
    return {"ok": ok, "outcome": outcome, "message": message, "votes_used": used,
            "votes_allowed": allowed}


def _signed_out_reply() -> dict:
    return {"ok": False, "outcome": "signed_out", "message": "", "votes_used": 0,
            "votes_allowed": 0}


def _full_check(app: Flask, environ: dict, sid: str) -> int | None:
    """The session read as every page reads it (``load_session``: it deletes an ended
    session and touches a live one); the socket is dropped when nobody is signed in.
    Returns the user's id, or None."""
    with app.request_context(environ):
        request.sid, request.namespace = sid, "/"
        if not _signed_in():
            return None
        return current_user.id


def _vote_connection(live: LiveState):
    """On SQLite under gevent, one connection of the pool is kept for the socket votes (no
    checkout, ping and reset per vote): a vote's statements never yield to another greenlet,
    so two votes never share its transaction. PostgreSQL's waits yield: a vote checks out
    a connection of its own there."""
    if live.vote_connection is None and db.engine.dialect.name == "sqlite" \
            and socketio.server.eio.async_mode == "gevent":
        live.vote_connection = db.engine.raw_connection()
    return live.vote_connection


@_on_raw("vote")
def on_vote(sid, data):
    environ = socketio.server.get_environ(sid, namespace="/")
    if not environ:
        return _signed_out_reply()
    app = environ["flask.app"]
    with app.app_context():
        live = state(app)
        info = live.sockets.get(sid)
        messages = live.messages.get(info.locale) if info else None
        user_id = info.user_id if info else _full_check(app, environ, sid)
        if user_id is None:
            return _signed_out_reply()
        round_id, idea_id = _int(data, "round_id"), _int(data, "idea_id")
        allowed = live.limiter.allow(user_id, time.monotonic())
        if not allowed or round_id is None or idea_id is None:
            # Rare: answered as before, in a request's context, in this order: signed in,
            # rate, input.
            with app.request_context(environ):
                request.sid, request.namespace = sid, "/"
                if not _signed_in():
                    return _signed_out_reply()
                if not allowed:
                    return _vote_reply("rate", None)
                return _vote_reply("not_found", None)
        try:
            result = services.cast_vote(user_id, round_id, idea_id,
                                        session_token_hash=info.token_hash if info else None,
                                        connection=_vote_connection(live))
            if result.outcome == "signed_out":
                # Ended, idled out or too old (an unknown round: also due to be touched):
                # the full path decides.
                if _full_check(app, environ, sid) is None:
                    return _signed_out_reply()
                result = services.cast_vote(user_id, round_id, idea_id,
                                            connection=_vote_connection(live))
        except services.VotingNotFound:
            db.session.rollback()
            return _vote_reply("not_found", messages)
        return _vote_reply(result.outcome, messages, result.accepted, result.votes_used,
                           result.votes_allowed)


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
            # One statement for every open round's tally; a round is sent again when its
            # version, its total or its room's connected count moved (the version is the
            # latest vote's id; on PostgreSQL two voters' transactions may commit out of
            # id order, so the total catches a vote committed under an older id).
            messages, counts = {}, {}
            for round_id, message in services.snapshots(list(open_rounds.values())).items():
                event_id = open_rounds[round_id].event_id
                if event_id not in counts:
                    counts[event_id] = connected(event_id, live)
                messages[round_id] = {**message, "connected": counts[event_id]}
            sent = 0
            for round_id in live.broadcaster.changed(
                    {round_id: _key(message) for round_id, message in messages.items()}):
                emit_to_room("tally", messages[round_id],
                             f"event-{open_rounds[round_id].event_id}", live)
                sent += 1
            return sent
        finally:
            db.session.rollback()
            db.session.remove()


def emit_to_room(event: str, message: dict, room: str, live: LiveState) -> None:
    """Send ``message`` to every socket of ``room``, encoded once.

    In one process (no message queue) the packets go out ``FANOUT_CHUNK`` sockets at a
    time, and between two chunks the loop reads what arrived: a vote that comes in
    during the broadcast to a full room is handled and acknowledged after at most one
    chunk, not after the whole room (1,000 sockets: about 50 ms of sending). With the
    Redis queue every process sends to its own sockets (Flask-SocketIO's emit).
    """
    server = socketio.server
    if live.redis is not None or server.eio.async_mode != "gevent":
        socketio.emit(event, message, to=room, namespace="/")
        return
    encoded = server.packet_class(sio_packet.EVENT, namespace="/",
                                  data=[event, message]).encode()
    if not isinstance(encoded, str):  # binary attachments: never in a tally
        socketio.emit(event, message, to=room, namespace="/")
        return
    eio_pkt = eio_packet.Packet(eio_packet.MESSAGE, encoded)
    targets = [eio_sid for _sid, eio_sid in server.manager.get_participants("/", room)]
    for n, eio_sid in enumerate(targets):
        if n and n % FANOUT_CHUNK == 0:
            socketio.sleep(FANOUT_YIELD)
        server._send_eio_packet(eio_sid, eio_pkt)  # what python-socketio's emit does


# Sockets per chunk of a room broadcast, and the pause between chunks (any delay above 0
# waits for the loop's next iteration, after the ready I/O).
FANOUT_CHUNK = 100
FANOUT_YIELD = 0.000_001


def _run_broadcasts(app: Flask) -> None:
    """A tick every TICK_SECONDS, at a fixed rate (a tick's own time is not added)."""
    next_tick = time.monotonic()
    while True:
        next_tick += tally.TICK_SECONDS
        socketio.sleep(max(0.0, next_tick - time.monotonic()))
        if time.monotonic() - next_tick > tally.TICK_SECONDS:
            next_tick = time.monotonic()  # far behind (a stalled loop): start again from now
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
