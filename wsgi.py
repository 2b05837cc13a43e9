"""Entry point: ``python wsgi.py`` serves the platform with gevent (what ``make run`` does).

For production, ``gunicorn -k gevent -w 1 wsgi:app`` (see README.md).
"""

import os

if os.environ.get("INSPIR_NO_GEVENT") != "1":  # the test suite imports the app without it
    from gevent import monkey

    monkey.patch_all()

import contextlib  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

import gevent  # noqa: E402

from inspir_events import create_app  # noqa: E402
from inspir_events.extensions import socketio  # noqa: E402

app = create_app()


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


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    if socketio.server.eio.async_mode == "gevent":
        _stop_on_signals()
    print(f"INS'pir Events is served on http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        socketio.run(app, host=host, port=port, log_output=app.debug, use_reloader=False)
    print("\nINS'pir Events stopped.", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
