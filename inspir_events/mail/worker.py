"""The mail worker: a Huey consumer running the application's tasks (``flask mail-worker``).

Threads, not processes: delivery waits on the network, and every task opens its own
application context (its own database session). As every Huey consumer, it stops
gracefully on SIGINT (Ctrl-C: the running batches finish first) and at once on SIGTERM;
the systemd unit (docs/deployment.md) stops it with SIGINT for that reason. Stopped at
once or killed, nothing is lost: the claims it held are given back by the sweep.
"""

from __future__ import annotations

import logging

from flask import Flask
from huey.consumer import Consumer

from inspir_events.mail.tasks import mail_queue

# How long an idle worker waits at most before it looks at the queue again (seconds).
MAX_POLL_DELAY = 2.0


def consumer(app: Flask, workers: int = 2, periodic: bool = True, **options) -> Consumer:
    """A consumer of the application's task engine (not started)."""
    options.setdefault("max_delay", MAX_POLL_DELAY)
    return mail_queue(app).huey.create_consumer(
        workers=workers, worker_type="thread", periodic=periodic, **options)


def run(app: Flask, workers: int = 2, periodic: bool = True) -> None:
    """Run the worker until it is stopped (SIGINT: after the running tasks)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s "
                        "%(message)s")
    # Huey says when it starts and stops; each task it runs is not news.
    logging.getLogger("huey").setLevel(logging.WARNING)
    logging.getLogger("huey.consumer").setLevel(logging.INFO)
    where = "SMTP " + app.config["MAIL_SERVER"] if app.config.get("MAIL_SERVER") else \
        "the development mailbox (.eml files)"
    print(f"INS'pir mail worker: {workers} threads, delivering to {where} "
          "(Ctrl-C stops it)", flush=True)
    consumer(app, workers=workers, periodic=periodic).run()
    print("INS'pir mail worker stopped.", flush=True)
