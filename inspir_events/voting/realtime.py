"""Live voting's machinery behind the socket door (voting/events.py): who is connected,
the broadcast tick, the leader lock and the room's messages.

- Broadcasts: a timer ticks every ``tally.TICK_SECONDS`` at a fixed rate; each tick
  applies the rounds' schedule (every ``SCHEDULE_EVERY_S``), reads every open round's
  snapshot in one statement and sends "tally" to an event's room only for the rounds
  that changed (``tally.Broadcaster``): one broadcast per tick, never one per vote.
  ``announce_round`` sends "round" and a fresh "tally" when a round opens or closes.
- Several processes (REDIS_URL, behind Flask-SocketIO's Redis queue): one process holds
  a leader lock in Redis and runs the broadcasts; every process writes its per-room
  connection counts to Redis, summed for "connected", and the socket ids of each user
  (so a log-out disconnects them everywhere).
- Sending: through python-socketio's public ``emit``, which encodes a message once per
  call for all its recipients.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

import redis
from flask import Flask, current_app
from flask_login import user_logged_out

from inspir_events.accounts.services import session_limits, token_hash
from inspir_events.extensions import db, socketio
from inspir_events.voting import results, rounds, tally
from inspir_events.voting.models import VotingRound
from inspir_events.voting.votes import vote_messages

log = logging.getLogger(__name__)

NAMESPACE = "/"
# Redis keys, after the deployment's SOCKETIO_CHANNEL and ":".
LEADER_KEY = "voting:broadcast-leader"
LEADER_TTL_MS = 2000
COUNTS_KEY = "voting:connected:{event_id}"  # hash: process -> "count:unix time"
COUNTS_TTL_S = 5  # a process's count older than this is ignored (it died)
USER_SIDS_KEY = "voting:user-sids:{user_id}"  # set of the user's socket ids
SCHEDULE_EVERY_S = 1.0
# Sockets per chunk of a room broadcast, and the pause between chunks (any delay above 0
# waits for the loop's next iteration, after the ready I/O).
FANOUT_CHUNK = 100
FANOUT_YIELD = 0.000_001

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
    # Whether the account's address was confirmed at the connection (if not, each vote
    # asks the database again: events._vote).
    verified: bool = True


@dataclass
class LiveState:
    """One process's live-voting state for one application."""

    process_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    limiter: tally.RateLimiter = field(default_factory=tally.RateLimiter)
    broadcaster: tally.Broadcaster = field(default_factory=tally.Broadcaster)
    counts: results.RunningCounts = field(default_factory=results.RunningCounts)
    rooms: dict[int, set[str]] = field(default_factory=dict)  # event id -> socket ids
    sockets: dict[str, SocketInfo] = field(default_factory=dict)  # socket id -> who
    messages: dict[str, dict[str, str]] = field(default_factory=dict)  # locale -> outcome -> text
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False
    last_schedule: float = 0.0
    redis: object | None = None
    prefix: str = ""
    is_leader: bool = False

    def local_count(self, event_id: int) -> int:
        return len(self.rooms.get(event_id, ()))

    def messages_of(self, info: SocketInfo | None) -> dict[str, str] | None:
        """The vote answers' texts in the socket's language (None: not known yet)."""
        return self.messages.get(info.locale) if info else None


def state(app: Flask | None = None) -> LiveState:
    """The application's live state in this process (created at first use)."""
    app = app or current_app._get_current_object()
    live = app.extensions.get("live_voting")
    if live is None:
        live = app.extensions.setdefault("live_voting", LiveState())
        if app.config.get("REDIS_URL"):
            live.redis = redis.Redis.from_url(app.config["REDIS_URL"],
                                              socket_timeout=2, socket_connect_timeout=2)
            live.prefix = app.config.get("SOCKETIO_CHANNEL", "flask-socketio") + ":"
    return live


def event_room(event_id: int) -> str:
    """The room of an event's live voting (its "tally" and "round" messages)."""
    return f"event-{event_id}"


def user_room(user_id: int) -> str:
    """The room of a user's sockets (disconnected together when a session ends)."""
    return f"user-{user_id}"


# ---- sockets and rooms -------------------------------------------------------------------

def socket_connected(sid: str, user_id: int, session_token: str | None, locale: str,
                     verified: bool = True) -> None:
    """A signed-in socket connected: it joins its user's room; who it is is kept for its
    votes (with its session's token hash and whether its address is confirmed) and, with
    Redis, listed under its user."""
    socketio.server.enter_room(sid, user_room(user_id), namespace=NAMESPACE)
    live = state()
    if locale not in live.messages:
        live.messages[locale] = vote_messages()  # in the connection's request: its language
    if session_token:
        live.sockets[sid] = SocketInfo(user_id, token_hash(session_token), locale, verified)
    if live.redis is not None:
        key = live.prefix + USER_SIDS_KEY.format(user_id=user_id)
        live.redis.sadd(key, sid)
        live.redis.expire(key, int(session_limits()[1].total_seconds()))


def socket_left(sid: str) -> LiveState:
    """A socket disconnected: it leaves this process's rooms and counts."""
    live = state()
    live.sockets.pop(sid, None)
    with live.lock:
        for event_id, sids in list(live.rooms.items()):
            sids.discard(sid)
            if not sids:
                del live.rooms[event_id]
    return live


def forget_user_socket(live: LiveState, user_id: int, sid: str) -> None:
    """With Redis, the socket is no longer listed under its user."""
    live.redis.srem(live.prefix + USER_SIDS_KEY.format(user_id=user_id), sid)


def enter_event_room(sid: str, event_id: int) -> LiveState:
    """The socket joins the event's room (its broadcasts and its connected count)."""
    socketio.server.enter_room(sid, event_room(event_id), namespace=NAMESPACE)
    live = state()
    with live.lock:
        live.rooms.setdefault(event_id, set()).add(sid)
    return live


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


# ---- log-out -------------------------------------------------------------------------------

def disconnect_user(user_id: int) -> None:
    """Disconnect every socket of ``user_id`` (in every server process, with Redis)."""
    server = socketio.server
    if server is None:
        return
    sids = {sid for sid, _eio_sid in server.manager.get_participants(NAMESPACE,
                                                                     user_room(user_id))}
    live = state()
    if live.redis is not None:
        key = live.prefix + USER_SIDS_KEY.format(user_id=user_id)
        sids |= {sid.decode() for sid in live.redis.smembers(key)}
        live.redis.delete(key)
    for sid in sids:
        server.disconnect(sid, namespace=NAMESPACE)


@user_logged_out.connect
def _on_logged_out(sender, user=None, **extra):
    """A session ended (log-out, password change, deletion): its user's sockets close."""
    if user is not None and getattr(user, "id", None) is not None:
        try:
            disconnect_user(user.id)
        except Exception:  # noqa: BLE001 - signing out never fails because of the sockets
            log.exception("could not disconnect the sockets of user %s", user.id)


# ---- broadcasts ----------------------------------------------------------------------------

def announce_round(voting_round: VotingRound) -> None:
    """Tell the event's room a round opened or closed, with a fresh tally snapshot."""
    room = event_room(voting_round.event_id)
    socketio.emit("round", {"round_id": voting_round.id, "status": voting_round.status.value},
                  to=room, namespace=NAMESPACE)
    message = results.snapshot(voting_round)
    message["connected"] = connected(voting_round.event_id)
    socketio.emit("tally", message, to=room, namespace=NAMESPACE)


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
        live.counts = results.RunningCounts()  # and counts every vote again
    return live.is_leader


def _key(message: dict) -> tuple[int, int, int]:
    """What moves a round's message: its version, its total, its room's connected count."""
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
            now = time.monotonic()
            if now - live.last_schedule >= SCHEDULE_EVERY_S:
                live.last_schedule = now
                for round_id in rounds.apply_schedule():
                    announce_round(rounds.find_round(round_id))
            open_rounds = {r.id: r for r in rounds.open_rounds()}
            # Every open round's tally (one statement, or on SQLite the votes since the last
            # tick: results.RunningCounts); a round is sent again when its
            # version, its total or its room's connected count moved (the version is the
            # latest vote's id; on PostgreSQL two voters' transactions may commit out of
            # id order, so the total catches a vote committed under an older id).
            messages, counts = {}, {}
            for round_id, message in live.counts.snapshots(list(open_rounds.values())).items():
                event_id = open_rounds[round_id].event_id
                if event_id not in counts:
                    counts[event_id] = connected(event_id, live)
                messages[round_id] = {**message, "connected": counts[event_id]}
            sent = 0
            for round_id in live.broadcaster.changed(
                    {round_id: _key(message) for round_id, message in messages.items()}):
                emit_to_room("tally", messages[round_id],
                             event_room(open_rounds[round_id].event_id), live)
                sent += 1
            return sent
        finally:
            db.session.remove()  # the tick's reads end here (closed: rolled back)


def emit_to_room(event: str, message: dict, room: str, live: LiveState) -> None:
    """Send ``message`` to every socket of ``room`` with python-socketio's public ``emit``
    (it encodes the message once per call, for all the call's recipients).

    In one process (no message queue) under gevent the room is addressed ``FANOUT_CHUNK``
    sockets at a time (``to=`` a list of socket ids: each socket is a room of its own),
    and between two chunks the loop reads what arrived: a vote that comes in during the
    broadcast to a full room is handled and acknowledged after at most one chunk, not
    after the whole room (1,000 sockets: about 50 ms of sending). With the Redis queue
    the message goes once through the queue and every process sends it to its own sockets.
    """
    if live.redis is not None or socketio.async_mode != "gevent":
        socketio.emit(event, message, to=room, namespace=NAMESPACE)
        return
    sids = [sid for sid, _eio_sid in socketio.server.manager.get_participants(NAMESPACE, room)]
    for start in range(0, len(sids), FANOUT_CHUNK):
        if start:
            socketio.sleep(FANOUT_YIELD)
        socketio.emit(event, message, to=sids[start:start + FANOUT_CHUNK], namespace=NAMESPACE)


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
