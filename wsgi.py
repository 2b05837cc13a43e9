"""Entry point: ``python wsgi.py`` serves the platform with gevent (what ``make run`` does).

For production, ``gunicorn -k gevent -w 1 wsgi:app`` (see README.md).
"""

import os

if os.environ.get("INSPIR_NO_GEVENT") != "1":  # the test suite imports the app without it
    from gevent import monkey

    monkey.patch_all()

import contextlib  # noqa: E402
import gc  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402

import gevent  # noqa: E402
from gevent import pywsgi  # noqa: E402

import config  # noqa: E402
from inspir_events.app import create_app  # noqa: E402
from inspir_events.database import use_ready_first_waits  # noqa: E402
from inspir_events.extensions import socketio  # noqa: E402

app = create_app()
if os.environ.get("INSPIR_NO_GEVENT") != "1":
    use_ready_first_waits()  # psycopg asks the kernel before the hub (issue 21)
    # Under gunicorn too (it imports ``app`` and never runs main()): the application's
    # long-lived objects leave the collector's generations. Without it, full collections
    # took 100-160 ms with 1,000 sockets connected (bench/README.md, live voting).
    gc.collect()
    gc.freeze()


def _stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM stop the server, whatever greenlet is running.

    Python's default SIGINT handler raises KeyboardInterrupt in the greenlet that
    happens to run; when that is Engine.IO's service task (alive as soon as one
    Socket.IO client has connected), the task swallows it and the server keeps
    serving. A gevent signal watcher runs our handler from the hub instead, and
    the handler raises KeyboardInterrupt where main() expects it.
    """
    main_greenlet = gevent.get_hub().parent

    def stop() -> None:
        main_greenlet.throw(KeyboardInterrupt)

    for signum in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(signum, stop)


class KeepAliveHandler(pywsgi.WSGIHandler):
    """gevent's request handler, fixed for keep-alive connections.

    - Nagle's algorithm is off on each connection. pywsgi sends a response's
      headers and its body in two writes; with Nagle on, the body waited for the
      client to acknowledge the headers, which clients delay (40 ms on Linux):
      every request after the first on a keep-alive connection took 40 ms more.
      gunicorn sets TCP_NODELAY likewise.
    - Between two requests of one connection the handler lets the other ready
      connections go first. Otherwise a client that sends its next request at
      once is served again and again while others wait: under load some waited
      over a second (p99 820 ms on the board with 8 clients, 140 ms fair).
    """

    def __init__(self, sock, address, server, rfile=None):
        super().__init__(sock, address, server, rfile)
        self._requests_handled = 0
        with contextlib.suppress(OSError, AttributeError):  # not TCP (a Unix socket)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self):
        if self._requests_handled:
            gevent.sleep(KEEPALIVE_YIELD)  # resume after the loop's next round of I/O
        self._requests_handled += 1
        return super().handle_one_request()


# Any delay above 0 waits for the event loop's next iteration, after ready I/O.
KEEPALIVE_YIELD = 0.000_001


def server_options() -> dict:
    """Extra ``socketio.run`` options for the gevent server (none for other modes)."""
    if socketio.server.eio.async_mode != "gevent":
        return {}
    try:
        import geventwebsocket  # noqa: F401  (Flask-SocketIO then picks its own handler)
    except ImportError:
        return {"handler_class": KeepAliveHandler}
    return {}


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    try:  # development settings: loopback only (config.check_bind)
        config.check_bind(app.config, host)
    except config.ConfigError as exc:
        print(f"INS'pir Events does not start: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)
    if socketio.server.eio.async_mode == "gevent":
        _stop_on_signals()
    # The application's long-lived objects leave the collector's generations: full
    # collections, which pause every request under load, get much shorter.
    gc.collect()
    gc.freeze()
    print(f"INS'pir Events is served on http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        socketio.run(app, host=host, port=port, log_output=app.debug, use_reloader=False,
                     **server_options())
    print("\nINS'pir Events stopped.", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
