"""Serve the platform as ``make run`` does (``python wsgi.py``: gevent, the settings of
``INSPIR_CONFIG``), with the per-request access log off so that writing it is not measured.

    DATABASE_URL=sqlite:////tmp/x.db PORT=5123 .venv/bin/python bench/serve.py
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

import wsgi  # noqa: E402  (patches the standard library for gevent first, as make run does)
from inspir_events.extensions import socketio  # noqa: E402


def _log_gc_pauses(threshold_s: float = 0.005) -> None:
    """``BENCH_GC_LOG=1``: print every garbage collection longer than 5 ms (to the log)."""
    import time

    started = {}

    def callback(phase, info):
        if phase == "start":
            started["t"] = time.perf_counter()
        elif "t" in started:
            spent = time.perf_counter() - started.pop("t")
            if spent >= threshold_s:
                print(f"gc generation {info['generation']}: {spent * 1e3:.1f} ms, "
                      f"{info['collected']} collected", flush=True)

    gc.callbacks.append(callback)


def _without_outbox() -> None:
    """``BENCH_NO_OUTBOX=1`` (bench/mail_outbox.py's baseline): the same requests with the
    outbox switched off — every reference to ``mail.services.enqueue`` writes nothing."""
    from inspir_events.mail import services as mail_services

    real = mail_services.enqueue

    def no_outbox(*args, **kwargs):
        return None

    for module in list(sys.modules.values()):
        if getattr(module, "enqueue", None) is real:
            module.enqueue = no_outbox


def main() -> None:
    if os.environ.get("BENCH_GC_LOG") == "1":
        _log_gc_pauses()
    if os.environ.get("BENCH_NO_OUTBOX") == "1":
        _without_outbox()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ["PORT"])
    if socketio.server.eio.async_mode == "gevent":
        wsgi._stop_on_signals()  # SIGTERM stops the server cleanly
    # As wsgi.main() does: the application's long-lived objects leave the collector's
    # generations (without it, full collections took 100-160 ms with 1,000 sockets).
    gc.collect()
    gc.freeze()
    print(f"serving on http://{host}:{port}/ (debug={wsgi.app.debug})", flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            socketio.run(wsgi.app, host=host, port=port, log_output=False,
                         use_reloader=False, **wsgi.server_options())
    finally:
        from inspir_events.voting.votes import batch_figures

        with wsgi.app.app_context():
            batches, votes = batch_figures(wsgi.app)
        print(f"vote batches: {batches}, votes: {votes}, "
              f"{votes / batches if batches else 0:.2f} per batch", flush=True)


if __name__ == "__main__":
    main()
