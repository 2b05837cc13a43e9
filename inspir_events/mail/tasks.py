"""The task engine (Huey): the delivery task, the periodic sweep, and the queueing of a
transaction's messages once it commits.

Issue 17 §1: delivery runs on an existing task engine, never in a request. Huey's
storage comes from the settings: a SQLite file under ``instance/`` by default (nothing
more to install), Redis when ``REDIS_URL`` is set (several servers share it), memory for
the tests (``HUEY_STORAGE``). The Huey instance is built per application, at
its first use (:func:`init_app`), and its tasks run inside that application's context, so they use
its database and settings. The consumer is ``flask mail-worker`` (mail/worker.py).

- ``mail.deliver(ids)``: claims and sends those messages (mail/delivery.py); a failed
  attempt schedules the task again after its delay (retries with backoff).
- ``mail.sweep``, every minute: gives back claims of dead workers and queues every
  pending message whose delivery was lost (a crash between the commit and the queueing,
  a Redis flush), so nothing waits for ever.

Features add their own periodic tasks (the events' 48-hour reminders, the daily digest,
the committee's weekly one)
with :func:`periodic`, registered with their blueprint like everything they give the
layers below; :func:`paris_time` says when, in Europe/Paris wall-clock time. Every
worker process runs the schedule, so such a task may run twice at the same minute: each
must do its work once whatever runs it (a conditional UPDATE, a unique key).

A message's delivery is queued by the session's ``after_commit`` event: the outbox row
is committed first, so the worker always finds it; a rollback forgets the queueing.
Queueing never fails the request: when the engine does not answer, the sweep delivers.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import redis
from flask import Blueprint, Flask, current_app, has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey, TaskWrapper
from sqlalchemy import event
from sqlalchemy.orm import Session

from inspir_events.extensions import db
from inspir_events.mail import delivery
from inspir_events.timeutil import utc_to_paris

log = logging.getLogger(__name__)

EXTENSION_KEY = "inspir_mail_queue"
PERIODIC_KEY = "inspir_periodic_tasks"  # the features' periodic tasks, by name
QUEUE_KEY = "inspir_mail_to_queue"  # in a session's info: ids to queue after its commit


@dataclass(frozen=True)
class MailQueue:
    """One application's task engine, its two tasks and the features' periodic ones."""

    huey: Huey
    deliver: TaskWrapper
    sweep: TaskWrapper
    periodic: dict[str, TaskWrapper] = field(default_factory=dict)


@dataclass(frozen=True)
class Periodic:
    """A feature's periodic task: ``run()`` in the application's context, when ``when``
    (a Huey validator given the engine's UTC time) says so."""

    name: str
    when: Callable[[datetime], bool]
    run: Callable[[], object]


def paris_time(minute: str | int = 0, hour: str | int = "*",
               day_of_week: str | int = "*") -> Callable[[datetime], bool]:
    """A crontab read in Europe/Paris wall-clock time (Huey's own reads UTC): the daily
    digest at 7:00 in Paris stays at 7:00 across the changes of time."""
    matches = crontab(minute=str(minute), hour=str(hour), day_of_week=str(day_of_week))
    return lambda moment: matches(utc_to_paris(moment))


def periodic(bp: Blueprint, name: str, when: Callable[[datetime], bool],
             run: Callable[[], object]) -> None:
    """Give the task engine of every application ``bp`` is registered on the periodic task
    ``name`` (a name is given once)."""

    def record(state) -> None:
        tasks = state.app.extensions.setdefault(PERIODIC_KEY, {})
        if name in tasks:
            raise ValueError(f"periodic task declared twice: {name}")
        tasks[name] = Periodic(name, when, run)

    bp.record_once(record)


class LazyQueue:
    """An application's task engine, built when first used (creating an application,
    for a command or a test, touches no storage)."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.queue: MailQueue | None = None

    def get(self) -> MailQueue:
        with self.lock:
            if self.queue is None:
                self.queue = build(self.app)
            return self.queue


def make_huey(app: Flask) -> Huey:
    """The Huey instance the settings ask for (see the module's docstring)."""
    cfg = app.config
    storage = cfg.get("HUEY_STORAGE") or ("redis" if cfg.get("REDIS_URL") else "sqlite")
    name = cfg["HUEY_NAME"]
    if storage == "memory":
        return MemoryHuey(name, results=False)
    if storage == "redis" and cfg.get("REDIS_URL"):
        # A Redis that does not answer fails a queueing in 2 s (the sweep then delivers).
        pool = redis.ConnectionPool.from_url(cfg["REDIS_URL"], socket_connect_timeout=2)
        return RedisHuey(name, results=False, connection_pool=pool)
    path = cfg.get("HUEY_SQLITE_PATH") or os.path.join(app.instance_path, "huey.db")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return SqliteHuey(name, results=False, filename=path)


def chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def init_app(app: Flask) -> None:
    """Give the application its task engine (built at its first use)."""
    app.extensions[EXTENSION_KEY] = LazyQueue(app)


def build(app: Flask) -> MailQueue:
    """The application's task engine, with its tasks registered."""
    huey = make_huey(app)

    def deliver_messages(ids: list[int]) -> None:
        """Send these messages; schedule each temporary failure again after its delay."""
        with app.app_context():
            retries = delivery.deliver(ids)
        for retry in retries:
            deliver_task.schedule(args=([retry.message_id],), delay=retry.delay)

    def sweep_outbox() -> None:
        """Every minute: the outbox's lost and stale messages are queued again."""
        with app.app_context():
            ids = delivery.sweep()
        for batch in chunks(ids, app.config["MAIL_BATCH"]):
            deliver_task(batch)

    deliver_task = huey.task(name="mail.deliver")(deliver_messages)
    sweep_task = huey.periodic_task(crontab(minute="*"), name="mail.sweep")(sweep_outbox)
    features = {task.name: huey.periodic_task(task.when, name=task.name)(_in_app(app, task))
                for task in app.extensions.get(PERIODIC_KEY, {}).values()}
    return MailQueue(huey=huey, deliver=deliver_task, sweep=sweep_task, periodic=features)


def _in_app(app: Flask, task: Periodic) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            task.run()

    run.__name__ = task.name.replace(".", "_")
    return run


def mail_queue(app: Flask | None = None) -> MailQueue:
    """The application's task engine (by default the current application's)."""
    return (app or current_app).extensions[EXTENSION_KEY].get()


def queue_delivery(ids: Iterable[int]) -> None:
    """Queue the delivery of these (committed) messages; never raises: when the engine
    does not answer, the periodic sweep queues them later."""
    ids = sorted(set(ids))
    try:
        queue = mail_queue()
        for batch in chunks(ids, current_app.config["MAIL_BATCH"]):
            queue.deliver(batch)
    except Exception:  # noqa: BLE001 - the outbox holds them; the sweep finds them
        log.exception("could not queue the delivery of messages %s; the sweep will", ids)


def deliver_after_commit(ids: Iterable[int]) -> None:
    """Queue the delivery of these messages once the current transaction commits."""
    db.session().info.setdefault(QUEUE_KEY, []).extend(ids)


@event.listens_for(Session, "after_commit")
def _queue_committed(session: Session) -> None:
    ids = session.info.pop(QUEUE_KEY, None)
    if ids and has_app_context() and EXTENSION_KEY in current_app.extensions:
        queue_delivery(ids)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(QUEUE_KEY, None)
