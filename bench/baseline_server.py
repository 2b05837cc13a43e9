"""The bare baseline of the live-voting bench: a Socket.IO server that only relays.

    PORT=5124 .venv/bin/python bench/baseline_server.py

python-socketio on gevent, served by gevent's pywsgi with the same websocket stack as the
app (python-engineio's gevent mode with simple-websocket; Nagle off on each connection, as
the app's ``wsgi.KeepAliveHandler`` does), speaking the same protocol to the same clients:

- "join" {"event_id"} -> ack {"ok": true, "rounds": [a snapshot per round], "connected"};
  joins the room;
- "vote" {"round_id", "idea_id"} -> ack {"ok", "outcome", "message", "votes_used",
  "votes_allowed"}: kept in memory per socket and round (``BASELINE_QUOTA`` ideas each:
  "stored", "duplicate", "quota"), no database, no session, no checks;
- a timer re-broadcasts each round's tally-shaped payload {"round_id", "version",
  "status", "tally", "total", "connected"} to the room when it changed, at the app's tick
  (``inspir_events.voting.tally.TICK_SECONDS``, 0.2 s), with python-socketio's own emit
  (the whole room at once). The rounds are ``BASELINE_ROUND_IDS`` (comma-separated; the
  workload's rounds open at once); a round's version is its count of votes.

Several processes (the app's scale-out has its relay with as many processes): with
``BASELINE_REDIS_URL``, python-socketio's ``RedisManager`` carries the room's messages
between the processes (channel ``BASELINE_CHANNEL``), as Flask-SocketIO's message queue
does for the app; each stored vote is one ``HINCRBY`` on the round's hash in Redis (the
relay's only shared write), and only the process with ``BASELINE_LEADER=1`` reads the
hashes at each tick and emits the tallies (the app's leader). Quotas stay per socket in
memory: a socket stays on its process.

So the baseline is what any live-voting server must do at least on this stack: read
and acknowledge each vote event, and fan a small payload out to every listener four
times a second. The app's CPU per delivered message is compared with this one's.
``GET /healthz`` answers 200 (the harness waits for it).
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import contextlib  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402

import gevent  # noqa: E402
import redis  # noqa: E402
import socketio  # noqa: E402
from gevent import pywsgi  # noqa: E402

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

# The app's tick (a pure module: no Flask, no database), so both broadcast as often.
from inspir_events.voting.tally import TICK_SECONDS  # noqa: E402

QUOTA = int(os.environ.get("BASELINE_QUOTA", "3"))
ROUND_IDS = [int(r) for r in os.environ.get("BASELINE_ROUND_IDS", "1").split(",")]
ROOM = "event"
REDIS_URL = os.environ.get("BASELINE_REDIS_URL")
CHANNEL = os.environ.get("BASELINE_CHANNEL", "inspir-baseline")
LEADER = not REDIS_URL or os.environ.get("BASELINE_LEADER") == "1"

shared = redis.Redis.from_url(REDIS_URL) if REDIS_URL else None
sio = socketio.Server(
    async_mode="gevent", cors_allowed_origins="*",
    client_manager=socketio.RedisManager(REDIS_URL, channel=CHANNEL) if REDIS_URL else None)
votes: dict[tuple[str, int], set[int]] = {}  # (socket id, round) -> ideas
counts: dict[int, dict[int, int]] = {r: {} for r in ROUND_IDS}  # round -> idea -> votes
versions = {r: 0 for r in ROUND_IDS}
sent = {r: -1 for r in ROUND_IDS}
listeners: set[str] = set()


def _refresh(round_id: int) -> None:
    """With Redis: the round's counts, summed over the processes."""
    if shared is not None:
        counts[round_id] = {int(k): int(v) for k, v in
                            shared.hgetall(f"{CHANNEL}:round:{round_id}").items()}
        versions[round_id] = sum(counts[round_id].values())


def snapshot(round_id: int) -> dict:
    _refresh(round_id)
    return {"round_id": round_id, "status": "open", "version": versions[round_id],
            "tally": {str(k): v for k, v in counts[round_id].items()},
            "total": versions[round_id], "connected": len(listeners)}


@sio.on("join")
def join(sid, data=None):
    sio.enter_room(sid, ROOM)
    listeners.add(sid)
    return {"ok": True, "rounds": [snapshot(r) for r in ROUND_IDS],
            "connected": len(listeners)}


@sio.on("vote")
def vote(sid, data):
    round_id, idea = int(data["round_id"]), int(data["idea_id"])
    mine = votes.setdefault((sid, round_id), set())
    if idea in mine:
        outcome = "duplicate"
    elif len(mine) >= QUOTA:
        outcome = "quota"
    else:
        mine.add(idea)
        if shared is not None:
            shared.hincrby(f"{CHANNEL}:round:{round_id}", str(idea), 1)
        else:
            counts[round_id][idea] = counts[round_id].get(idea, 0) + 1
            versions[round_id] += 1
        outcome = "stored"
    return {"ok": outcome != "quota", "outcome": outcome, "message": "",
            "votes_used": len(mine), "votes_allowed": QUOTA}


@sio.on("disconnect")
def disconnect(sid, reason=None):
    listeners.discard(sid)


def ticker() -> None:
    while True:
        sio.sleep(TICK_SECONDS)
        for round_id in ROUND_IDS:
            _refresh(round_id)
            if versions[round_id] != sent[round_id]:
                sent[round_id] = versions[round_id]
                sio.emit("tally", snapshot(round_id), to=ROOM)


def healthz(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


class Handler(pywsgi.WSGIHandler):
    def __init__(self, sock, address, server, rfile=None):
        super().__init__(sock, address, server, rfile)
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def main() -> None:
    port = int(os.environ["PORT"])
    app = socketio.WSGIApp(sio, healthz)
    server = pywsgi.WSGIServer(("127.0.0.1", port), app, handler_class=Handler, log=None)
    main_greenlet = gevent.getcurrent()
    for signum in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(signum, lambda: main_greenlet.throw(KeyboardInterrupt))
    if LEADER:
        sio.start_background_task(ticker)
    gc.collect()
    gc.freeze()
    print(f"baseline serving on http://127.0.0.1:{port}/", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
