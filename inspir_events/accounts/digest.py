"""The daily digest's use case and its task: each morning, one e-mail per person holding
messages for it (issue 17 §4).

The mail package holds the messages and writes the digest (mail/digest.py); it knows no
accounts, so the use case that reads the person lives here, as the outbox's admin page
does, and its periodic task is registered with the accounts blueprint: every day at
7:00, Paris time. Several workers may run it at the same
minute: each person still gets one digest that day (mail/digest.py says how).
"""

from __future__ import annotations

import logging

from inspir_events.accounts.blueprint import bp
from inspir_events.accounts.models import User
from inspir_events.database import begin_write, retrying
from inspir_events.extensions import db
from inspir_events.mail import digest, tasks
from inspir_events.timeutil import utcnow

log = logging.getLogger(__name__)

TASK = "mail.daily_digest"
AT = tasks.paris_time(minute=0, hour=7)  # every day at 7:00 in Paris


@retrying
def send_digest(user_id: int, day: str) -> bool:
    """Write ``user_id``'s digest of ``day`` (their held messages become digested); False
    when there was nothing to write or it was written already."""
    begin_write()
    person = db.session.get(User, user_id)
    written = digest.write(person, day) if person is not None else None
    db.session.commit()
    return written is not None


def send_digests(now=None) -> int:
    """Every person holding messages gets their digest of today (Paris); returns how many
    were written. One person's failure is logged and does not stop the others'."""
    day = digest.day_of(now or utcnow())
    written = 0
    for user_id in digest.people_holding():
        try:
            written += send_digest(user_id, day)
        except Exception:  # noqa: BLE001 - the others' digests still go; logged
            log.exception("the daily digest of account %s failed", user_id)
    return written


tasks.periodic(bp, TASK, AT, send_digests)
