"""Mail fixtures: messages written like a use case writes them, and a non-essential kind.

- ``write_messages(user, count)``: ``count`` confirmation messages for ``user``, written
  in one transaction as a use case does (their delivery queued at the commit); returns
  their ids.
- ``news_kind``: a kind people may switch off (List-Unsubscribe), declared on the app
  for the test (the platform's own non-essential kinds come with later features).
- ``delivering``: the app set to deliver to the test's SMTP server, with short delays.
- ``completions``: how many times each task finished (or failed) on the app's task
  engine, by name: a test waits for a periodic task's runs to end, not for a time.
"""

from __future__ import annotations

import threading

import pytest
from flask_babel import lazy_gettext as _l
from huey import signals

from inspir_events.database import begin_write
from inspir_events.mail import kinds, tasks
from inspir_events.mail.kinds import MailKind
from inspir_events.mail.services import enqueue

NEWS = "test.news"


@pytest.fixture
def write_messages(app, db):
    def write(user, count: int = 1, kind: str = "account.verify") -> list[int]:
        begin_write()
        ids = [enqueue(user, kind, link=f"http://localhost/link/{n}", hours=48).id
               for n in range(count)]
        db.session.commit()
        return ids
    return write


@pytest.fixture
def news_kind(app):
    kinds.add(app, MailKind(NEWS, title=_l("Address confirmation"),
                            subject=_l("Confirm your e-mail address"), essential=False,
                            template="account_verify"))
    return NEWS


@pytest.fixture
def delivering(app, smtp_server):
    """Deliver to the test's SMTP server; retries after 0.2 s, 0.4 s... (at most 1 s);
    the sweep takes every due message; claims older than 2 s belong to dead workers."""
    app.config.update(smtp_server.settings(), MAIL_RETRY_DELAY=0.2, MAIL_RETRY_MAX_DELAY=1.0,
                      MAIL_SWEEP_GRACE=0, MAIL_CLAIM_TIMEOUT=2.0)
    return smtp_server


@pytest.fixture
def completions(app):
    """Task name -> how many runs of it ended (completed or failed) since the fixture."""
    done: dict[str, int] = {}
    lock = threading.Lock()
    huey = tasks.mail_queue(app).huey

    @huey.signal(signals.SIGNAL_COMPLETE, signals.SIGNAL_ERROR)
    def count(signal, task, *args):
        with lock:
            done[task.name] = done.get(task.name, 0) + 1

    yield done
    huey.disconnect_signal(count)
