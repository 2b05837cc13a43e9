"""Delivery by a real worker (a Huey consumer) to a real SMTP server on loopback: each
message once, with its headers; retries with a growing delay; failed after its attempts
or at a permanent refusal; several workers never send a message twice (issue 17 §1)."""

from __future__ import annotations

import uuid

import pytest
from huey import RedisHuey

from inspir_events.accounts.models import User
from inspir_events.database import begin_write
from inspir_events.extensions import db as _db
from inspir_events.mail import delivery, services, tasks
from inspir_events.mail.rules import MailStatus
from tests.conftest import (
    REDIS_URL,
    redis_available,
    run_together,
    service_missing,
    wait_until,
)
from tests.mail.conftest import NEWS


def statuses(outbox) -> list[MailStatus]:
    return [m.status for m in outbox()]


def all_sent(outbox):
    return lambda: all(s == MailStatus.SENT for s in statuses(outbox))


def test_the_worker_delivers_a_message_once_with_its_headers(app, db, make_user, delivering,
                                                            mail_worker, write_messages,
                                                            outbox, news_kind):
    user = make_user("nadia@example.org", display_name="Nadia", locale="en")
    write_messages(user, kind=NEWS)
    mail_worker(app)
    (received,) = delivering.wait_for(1)
    wait_until(all_sent(outbox), what="the message marked sent")
    (message,) = outbox()
    assert message.attempts == 1 and message.sent_at is not None
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "nadia@example.org"
    assert received["From"] == "INS'pir Events <ne-pas-repondre@inspir.test>"
    assert received["Subject"] == "Confirm your e-mail address"
    assert received["List-Unsubscribe"].strip() == message.headers["List-Unsubscribe"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.get_body(("plain",)).get_content().startswith("Hello Nadia,")
    assert "<html lang=\"en\">" in received.get_body(("html",)).get_content()


def test_a_temporary_refusal_is_retried_after_a_delay(app, db, make_user, delivering,
                                                    mail_worker, write_messages, outbox):
    delivering.reply = "451 4.3.0 Try again later"
    write_messages(make_user())
    mail_worker(app)
    (waiting,) = wait_until(lambda: [m for m in outbox() if m.attempts == 1
                                     and m.status == MailStatus.PENDING], what="a failure")
    assert "451" in waiting.last_error
    assert waiting.next_attempt_at > waiting.created_at  # it waits before the next attempt
    delivering.reply = None
    wait_until(all_sent(outbox), what="the retry")
    (message,) = outbox()
    assert message.attempts >= 2 and message.last_error is None
    assert delivering.ids() == [message.message_id]


def test_after_its_attempts_a_message_is_failed(app, db, make_user, delivering, mail_worker,
                                               write_messages, outbox):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    delivering.reply = "451 4.3.0 Try again later"
    write_messages(make_user())
    mail_worker(app)
    (failed,) = wait_until(lambda: [m for m in outbox() if m.status == MailStatus.FAILED],
                           what="the message failed")
    assert failed.attempts == 2 and "451" in failed.last_error
    assert delivering.messages == []


def test_a_permanent_refusal_fails_at_once(app, db, make_user, delivering, mail_worker,
                                           write_messages, outbox):
    delivering.reply = "550 5.1.1 No such user here"
    write_messages(make_user())
    mail_worker(app)
    (failed,) = wait_until(lambda: [m for m in outbox() if m.status == MailStatus.FAILED],
                           what="the message failed")
    assert failed.attempts == 1 and "550" in failed.last_error


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_concurrent_claims_never_share_a_message(app, db, make_user, write_messages):
    user = make_user()
    ids = write_messages(user, 40)
    claimed: list[list[int]] = [[] for _ in range(6)]

    def claim_all(index: int) -> None:
        while batch := delivery.claim(ids, limit=3):
            claimed[index] += [m.id for m in batch]

    errors, _ = run_together(app, [claim_all] * 6)
    assert errors == []
    every = [i for mine in claimed for i in mine]
    assert sorted(every) == sorted(ids)  # each claimed once, none left


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_several_workers_deliver_each_message_once(app, db, make_user, delivering,
                                                   mail_worker, write_messages, outbox):
    users = [make_user() for _ in range(3)]
    ids = [i for user in users for i in write_messages(user, 10)]
    queue = tasks.mail_queue(app)
    for _ in range(2):  # the same messages queued again, as the sweep would
        queue.deliver(ids)
    mail_worker(app, workers=3)
    mail_worker(app, workers=3)
    delivering.wait_for(len(ids))
    wait_until(all_sent(outbox), what="every message marked sent")
    received = delivering.ids()
    assert len(received) == len(set(received)) == len(ids)
    assert set(received) == {m.message_id for m in outbox()}


def test_with_redis_the_task_queue_lives_in_redis(make_app, db, smtp_server, mail_worker):
    """REDIS_URL set: Huey's queue is in Redis (shared by every server and worker)."""
    reason = redis_available()
    if reason:
        service_missing("Redis at " + REDIS_URL, reason)
    app = make_app(HUEY_STORAGE=None, HUEY_NAME=f"inspir-test-{uuid.uuid4().hex[:8]}",
                   **smtp_server.settings())
    # Set after the app is made (its task engine is built at its first use): Flask-SocketIO
    # keeps a message queue for the rest of the test run once an app is made with one.
    app.config["REDIS_URL"] = REDIS_URL
    huey = tasks.mail_queue(app).huey
    assert isinstance(huey, RedisHuey)
    try:
        with app.app_context():
            user = User(email="nadia@example.org", display_name="Nadia", password_hash="x")
            _db.session.add(user)
            _db.session.commit()
            begin_write()
            message = services.enqueue(user, "account.verify", link="http://localhost/x",
                                       hours=1)
            message_id = message.message_id
            _db.session.commit()
            assert huey.pending_count() == 1  # in Redis, waiting for a worker
        mail_worker(app)
        (received,) = smtp_server.wait_for(1)
        assert received["Message-ID"] == message_id
    finally:
        huey.flush()
        with app.app_context():
            _db.engine.dispose()
