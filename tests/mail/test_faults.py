"""Nothing lost under faults (issue 17 §6): the SMTP server down then back, a worker killed
in the middle of a batch, a queueing lost after the commit, a change rolled back. Real
SMTP server on loopback, real workers (a Huey consumer in threads; the killed one is a
``flask mail-worker`` process); the tests wait on conditions, never for a fixed time."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.app import create_app
from inspir_events.database import begin_write, use_case
from inspir_events.events.models import Registration
from inspir_events.events.rules import RegistrationStatus
from inspir_events.extensions import db as _db
from inspir_events.mail import services, tasks
from inspir_events.mail.models import OutboxMessage
from inspir_events.mail.rules import MailStatus
from inspir_events.timeutil import utcnow
from tests.conftest import DEADLINE, PASSWORD, wait_until
from tests.conftest import testing_config as settings_for
from tests.events.conftest import make_event, organiser  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]


def all_sent(outbox):
    return lambda: all(m.status == MailStatus.SENT for m in outbox())


def test_smtp_down_then_back_every_message_is_delivered_once(app, db, make_user, delivering,
                                                             mail_worker, write_messages,
                                                             outbox):
    delivering.stop()
    ids = write_messages(make_user(), 5)
    mail_worker(app)
    # The worker keeps trying while the server is down (the first message twice at least).
    wait_until(lambda: any(m.attempts >= 2 for m in outbox()), what="a second attempt")
    assert not any(m.status == MailStatus.SENT for m in outbox())
    assert "Connection refused" in outbox()[0].last_error
    delivering.start()
    delivering.wait_for(len(ids))
    wait_until(all_sent(outbox), what="every message marked sent")
    received = delivering.ids()
    assert sorted(received) == sorted(m.message_id for m in outbox())
    assert len(set(received)) == len(received) == 5


def test_a_delivery_lost_after_the_commit_is_done_by_the_sweep(app, db, make_user,
                                                              delivering, mail_worker,
                                                              write_messages, outbox):
    """The web process commits and queues on its engine, which this worker never reads (a
    crash between the commit and the queueing, a flushed Redis): the sweep finds it."""
    (message_id,) = write_messages(make_user())
    assert tasks.mail_queue(app).huey.pending_count() == 1  # queued where no worker looks
    worker_app = create_app(settings_for(app.config["SQLALCHEMY_DATABASE_URI"],
                                           **delivering.settings(), MAIL_SWEEP_GRACE=0))
    mail_worker(worker_app)
    tasks.mail_queue(worker_app).sweep()  # what the periodic task does every minute
    delivering.wait_for(1)
    wait_until(all_sent(outbox), what="the message marked sent")
    assert delivering.ids() == [outbox()[0].message_id]
    with worker_app.app_context():
        _db.engine.dispose()


def test_a_registration_rolled_back_sends_no_email(app, db, make_user, make_event,  # noqa: F811
                                                   delivering, mail_worker, outbox):
    participant = make_user()
    event = make_event()

    @use_case
    def register_then_refuse():
        begin_write()
        _db.session.add(Registration(event_id=event.id, user_id=participant.id,
                                     status=RegistrationStatus.CONFIRMED, position=1))
        _db.session.flush()
        services.enqueue(participant, "account.verify", link="http://localhost/x", hours=1)
        raise RuntimeError("the transaction fails after the message was written")

    with pytest.raises(RuntimeError):
        register_then_refuse()
    mail_worker(app)
    tasks.mail_queue(app).sweep()
    # The sweep ran (its task left the queue) and found nothing to send.
    wait_until(lambda: tasks.mail_queue(app).huey.pending_count() == 0, what="the sweep")
    assert outbox() == []
    assert db.session.scalars(select(Registration)).all() == []
    assert delivering.messages == []


def _worker_process(app, tmp_path: Path) -> subprocess.Popen:
    """``flask mail-worker`` in a process of its own, on the app's database and task engine."""
    cfg = app.config
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "SERVER_NAME", "SECRET_KEY", "FLASK_DEBUG"}}
    env.update(INSPIR_CONFIG="testing", FLASK_APP="inspir_events.app", PYTHONUNBUFFERED="1",
               INSPIR_NO_GEVENT="1", DATABASE_URL=cfg["SQLALCHEMY_DATABASE_URI"],
               HUEY_STORAGE="sqlite", HUEY_SQLITE_PATH=cfg["HUEY_SQLITE_PATH"],
               MAIL_SERVER=cfg["MAIL_SERVER"], MAIL_PORT=str(cfg["MAIL_PORT"]))
    with (tmp_path / "worker.log").open("w") as log:  # the process keeps its own copy
        return subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "flask", "mail-worker", "--workers", "1", "--no-periodic"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing_and_sends_nothing_twice(
        make_app, tmp_path, smtp_server, mail_worker):
    app = make_app(HUEY_STORAGE="sqlite", HUEY_SQLITE_PATH=str(tmp_path / "huey.db"),
                   **smtp_server.settings(), MAIL_SWEEP_GRACE=0, MAIL_CLAIM_TIMEOUT=1.0)
    with app.app_context():
        user = User(email="nadia@example.org", display_name="Nadia", password_hash=PASSWORD,
                    email_verified_at=utcnow())
        _db.session.add(user)
        _db.session.commit()
        begin_write()
        for n in range(6):  # one transaction: one delivery task, one batch
            services.enqueue(user, "account.verify", link=f"http://localhost/{n}", hours=1)
        _db.session.commit()

    smtp_server.hold(after=3)  # the fourth message waits at the server
    process = _worker_process(app, tmp_path)
    try:
        assert smtp_server.held.wait(DEADLINE), (tmp_path / "worker.log").read_text()
        process.kill()  # SIGKILL: no goodbye, its claims stay behind
        process.wait(DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
    # The server saw the client go: the fourth message was never accepted.
    wait_until(lambda: smtp_server.held_session.transport is None, what="the server to notice")
    smtp_server.release()
    assert len(smtp_server.messages) == 3

    with app.app_context():
        def outbox():
            rows = list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
            _db.session.rollback()
            return rows

        assert [m.status for m in outbox()] == [MailStatus.SENT] * 3 + [MailStatus.SENDING] * 3
        # A claim older than MAIL_CLAIM_TIMEOUT belongs to a dead worker.
        claimed_at = max(m.claimed_at for m in outbox() if m.claimed_at)
        wait_until(lambda: utcnow() - claimed_at > timedelta(seconds=1.0), what="the lease")
        mail_worker(app)
        tasks.mail_queue(app).sweep()  # what the periodic task does every minute
        smtp_server.wait_for(6)
        wait_until(lambda: all(m.status == MailStatus.SENT for m in outbox()),
                   what="every message marked sent")
        messages = outbox()
        assert [m.attempts for m in messages] == [1, 1, 1, 2, 2, 2]
        received = smtp_server.ids()
        assert len(received) == len(set(received)) == 6
        assert set(received) == {m.message_id for m in messages}
