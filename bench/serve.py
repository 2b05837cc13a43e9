"""Serve the platform as ``make run`` does (``python wsgi.py``: gevent, the settings of
``INSPIR_CONFIG``), with the per-request access log off so that writing it is not measured.

    DATABASE_URL=sqlite:////tmp/x.db PORT=5123 .venv/bin/python bench/serve.py
"""

from __future__ import annotations

import contextlib
import os
import sys

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

import wsgi  # noqa: E402  (patches the standard library for gevent first, as make run does)
from inspir_events.extensions import socketio  # noqa: E402


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ["PORT"])
    if socketio.server.eio.async_mode == "gevent":
        wsgi._stop_on_signals()  # SIGTERM stops the server cleanly
    print(f"serving on http://{host}:{port}/ (debug={wsgi.app.debug})", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        socketio.run(wsgi.app, host=host, port=port, log_output=False, use_reloader=False,
                     **wsgi.server_options())


if __name__ == "__main__":
    main()
