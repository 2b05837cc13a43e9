"""Socket.IO handlers of live voting: the socket door. Each handler parses, calls a use case
(or the live machinery, voting/realtime.py) and acknowledges.

Protocol (namespace "/"):

- connect: a signed-in session and an allowed Origin only; the socket joins "user-<id>".
- "join" {"event_id"} -> ack {"ok", "rounds": [snapshot, ...], "connected"}; joins
  "event-<id>".
- "vote" {"round_id", "idea_id"} -> ack {"ok", "outcome", "message", "votes_used",
  "votes_allowed"}; at most 5 a second per user (outcome "rate").
- server -> room "event-<id>": "tally" {"round_id", "version", "status", "tally", "total",
  "connected"} from a timer (tally.TICK_SECONDS), only for rounds that changed; "round"
  {"round_id", "status"} when a round opens or closes (``realtime.announce_round``).

Refusals: a use case's refusal (a DomainError) becomes the handler's ack in one place,
``answers_refusals``, around every handler; the use case has rolled back already.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import replace

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_login import current_user
from flask_socketio import ConnectionRefusedError

from inspir_events.accounts.permissions import is_verified
from inspir_events.database import ID_MAX
from inspir_events.domain import DomainError
from inspir_events.extensions import socketio
from inspir_events.voting import realtime, results, votes
from inspir_events.voting.access import shown_event


def answers_refusals(refused: Callable[..., dict]):
    """The socket door's error boundary, around every handler: a use case's refusal (a
    DomainError) is answered as the ack ``refused(error, *the handler's arguments)``.
    Nothing to roll back here: a use case rolls its own transaction back."""
    def decorate(handler):
        @functools.wraps(handler)
        def run(*args):
            try:
                return handler(*args)
            except DomainError as error:
                return refused(error, *args)
        return run
    return decorate


def _allowed_origin() -> bool:
    """Engine.IO checks the Origin already (cors_allowed_origins); this holds when it is off."""
    origin = request.headers.get("Origin")
    return origin is None or origin in current_app.config["ALLOWED_ORIGINS"]


def _signed_in() -> bool:
    """Every event re-reads the session: a socket of a closed session is disconnected."""
    if current_user.is_authenticated:
        return True
    socketio.server.disconnect(request.sid, namespace=realtime.NAMESPACE)
    return False


def _int(data, key: str) -> int | None:
    """The id ``data[key]``, or None when it is missing, not a number or out of range."""
    try:
        value = int(data[key])
    except (KeyError, TypeError, ValueError):
        return None
    return value if 1 <= value <= ID_MAX else None


# ---- connecting and joining ------------------------------------------------------------------

@socketio.on("connect")
def on_connect(auth=None):
    """Only a signed-in session from an allowed Origin opens a socket."""
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("unauthorized")
    if not _allowed_origin():
        raise ConnectionRefusedError("origin")
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    realtime.socket_connected(request.sid, current_user.id,
                              getattr(current_user, "session_token", None), locale,
                              current_user.email_verified)
    if current_app.config.get("VOTING_BROADCAST"):
        realtime.start_broadcasts(current_app._get_current_object())


@socketio.on("disconnect")
def on_disconnect(reason=None):
    """The socket leaves its rooms and counts."""
    live = realtime.socket_left(request.sid)
    if live.redis is not None and current_user.is_authenticated:
        realtime.forget_user_socket(live, current_user.id, request.sid)


def _join_refused(error: DomainError, *_handler_args) -> dict:
    """A refused join: the event is unknown or hidden (a draft)."""
    return {"ok": False, "rounds": [], "connected": 0}


@socketio.on("join")
@answers_refusals(_join_refused)
def on_join(data):
    """Join an event's live room: the snapshot of its rounds and the connected count."""
    if not _signed_in():
        return {"ok": False}
    event = shown_event(_int(data, "event_id"))
    live = realtime.enter_event_room(request.sid, event.id)
    return {"ok": True, "rounds": results.room_snapshots(event),
            "connected": realtime.connected(event.id, live)}


# ---- voting ----------------------------------------------------------------------------------

def _on_raw(message: str):
    """Register a handler with python-socketio itself, without Flask-SocketIO's wrapper.

    Flask-SocketIO builds a Flask request (and opens the cookie's session) for every
    event; the vote handler, the hot path of live voting, needs none of it: the socket's
    user and session are known from its connection (``realtime.SocketInfo``) and the
    session is re-checked in the vote's own transaction. The handler gets ``(sid, data)``.
    """
    def decorator(handler):
        if socketio.server is not None:
            socketio.server.on(message, handler, namespace=realtime.NAMESPACE)
        else:
            socketio.handlers.append((message, handler, realtime.NAMESPACE))
        return handler
    return decorator


def _vote_reply(outcome: str, messages: dict[str, str] | None, ok: bool = False,
                used: int = 0, allowed: int = 0) -> dict:
    """A vote's ack (``messages``: the socket's language; None: the current one)."""
    message = (messages or votes.vote_messages())[outcome]
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
        request.sid, request.namespace = sid, realtime.NAMESPACE
        if not _signed_in():
            return None
        return current_user.id


def _confirmed(live, sid: str, info, user_id: int) -> bool:
    """Issue 17 §2 at the socket door: only an account whose address is confirmed votes
    (``accounts.permissions.is_verified``, asked again at each vote until it is; a socket
    known confirmed at its connection asks nothing: the hot path stays one statement)."""
    if not is_verified(user_id):
        return False
    if info is not None:
        live.sockets[sid] = replace(info, verified=True)
    return True


@_on_raw("vote")
def on_vote(sid, data):
    """Cast a vote (the hot path: no Flask request, the socket's user and session known
    from its connection, the session re-checked in the vote's transaction)."""
    environ = socketio.server.get_environ(sid, namespace=realtime.NAMESPACE)
    if not environ:
        return _signed_out_reply()
    app = environ["flask.app"]
    with app.app_context():
        return _vote(app, environ, sid, data)


def _vote_refused(error: DomainError, app: Flask, _environ: dict, sid: str, *_data) -> dict:
    """A refused vote: its round is unknown (``cast_vote``'s only refusal)."""
    live = realtime.state(app)
    return _vote_reply("not_found", live.messages_of(live.sockets.get(sid)))


@answers_refusals(_vote_refused)
def _vote(app: Flask, environ: dict, sid: str, data) -> dict:
    """The vote's ack, in this order: signed in, rate (tally.RateLimiter), input, then what
    ``cast_vote`` says; an ended or stale session takes the full path (``_full_check``)."""
    live = realtime.state(app)
    info = live.sockets.get(sid)
    user_id = info.user_id if info else _full_check(app, environ, sid)
    if user_id is None:
        return _signed_out_reply()
    if (info is None or not info.verified) and not _confirmed(live, sid, info, user_id):
        return _vote_reply("unverified", live.messages_of(info))
    round_id, idea_id = _int(data, "round_id"), _int(data, "idea_id")
    allowed = live.limiter.allow(user_id, time.monotonic())
    if not allowed or round_id is None or idea_id is None:
        # Rare: answered as before, in a request's context, in this order: signed in,
        # rate, input.
        with app.request_context(environ):
            request.sid, request.namespace = sid, realtime.NAMESPACE
            if not _signed_in():
                return _signed_out_reply()
            if not allowed:
                return _vote_reply("rate", None)
            return _vote_reply("not_found", None)
    result = votes.cast_vote(user_id, round_id, idea_id,
                             session_token_hash=info.token_hash if info else None)
    if result.outcome == "signed_out":
        # Ended, idled out or too old (an unknown round: also due to be touched): the full
        # path decides.
        if _full_check(app, environ, sid) is None:
            return _signed_out_reply()
        result = votes.cast_vote(user_id, round_id, idea_id)
    return _vote_reply(result.outcome, live.messages_of(info), result.accepted,
                       result.votes_used, result.votes_allowed)
