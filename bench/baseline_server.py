"""The bare baseline of the live-voting bench: a Socket.IO server that only relays.

    PORT=5124 .venv/bin/python bench/baseline_server.py

python-socketio on gevent, served by gevent's pywsgi with the same websocket stack as the
app (python-engineio's gevent mode with simple-websocket; Nagle off on each connection, as
the app's ``wsgi.KeepAliveHandler`` does), speaking the same protocol to the same clients:

- "join" {"event_id"} -> ack {"ok": true, "rounds": [snapshot], "connected"}; joins the room;
- "vote" {"round_id", "idea_id"} -> ack {"ok", "outcome", "message", "votes_used",
  "votes_allowed"}: kept in memory per socket (3 ideas each: "stored", "duplicate",
  "quota"), no database, no session, no checks;
- a timer re-broadcasts the tally-shaped payload {"round_id", "version", "status",
  "tally", "total", "connected"} to the room when something changed, at the app's tick
  (``inspir_events.voting.tally.TICK_SECONDS``, 0.2 s), with python-socketio's own emit
  (the whole room at once).

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
import socketio  # noqa: E402
from gevent import pywsgi  # noqa: E402

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

# The app's tick (a pure module: no Flask, no database), so both broadcast as often.
from inspir_events.voting.tally import TICK_SECONDS  # noqa: E402

QUOTA = int(os.environ.get("BASELINE_QUOTA", "3"))
ROUND_ID = int(os.environ.get("BASELINE_ROUND_ID", "1"))
ROOM = "event"

sio = socketio.Server(async_mode="gevent", cors_allowed_origins="*")
votes: dict[str, set[int]] = {}  # socket id -> ideas
counts: dict[int, int] = {}  # idea -> votes
state = {"version": 0, "sent": -1}
listeners: set[str] = set()


def snapshot() -> dict:
    return {"round_id": ROUND_ID, "status": "open", "version": state["version"],
            "tally": {str(k): v for k, v in counts.items()},
            "total": state["version"], "connected": len(listeners)}


@sio.on("join")
def join(sid, data=None):
    sio.enter_room(sid, ROOM)
    listeners.add(sid)
    return {"ok": True, "rounds": [snapshot()], "connected": len(listeners)}


@sio.on("vote")
def vote(sid, data):
    idea = int(data["idea_id"])
    mine = votes.setdefault(sid, set())
    if idea in mine:
        outcome = "duplicate"
    elif len(mine) >= QUOTA:
        outcome = "quota"
    else:
        mine.add(idea)
        counts[idea] = counts.get(idea, 0) + 1
        state["version"] += 1
        outcome = "stored"
    return {"ok": outcome != "quota", "outcome": outcome, "message": "",
            "votes_used": len(mine), "votes_allowed": QUOTA}


@sio.on("disconnect")
def disconnect(sid, reason=None):
    listeners.discard(sid)


def ticker() -> None:
    while True:
        sio.sleep(TICK_SECONDS)
        if state["version"] != state["sent"]:
            state["sent"] = state["version"]
            sio.emit("tally", snapshot(), to=ROOM)


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
    sio.start_background_task(ticker)
    gc.collect()
    gc.freeze()
    print(f"baseline serving on http://127.0.0.1:{port}/", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
