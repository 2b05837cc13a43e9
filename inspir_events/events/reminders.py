"""The reminder two days before an event (issue 17 §3), a periodic task of the worker.

Every quarter of an hour the worker looks for confirmed registrations of published
events starting within ``rules.REMINDER_BEFORE`` (48 hours) that were not reminded yet,
and writes each person's reminder (events/mails.py). A registration is *claimed* by one
conditional UPDATE (``reminded_at`` set where it is still empty; on PostgreSQL the rows
another worker holds are skipped, ``FOR UPDATE SKIP LOCKED``), in the transaction that
writes its message: however many workers run the task at the same moment, each
registration is reminded exactly once, and a failure before the commit leaves it to the
next run. Registrations confirmed less than 48 hours before the start are not reminded
(their confirmation just said it all: they are marked at once, participation.confirm).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from inspir_events.database import begin_write, use_case
from inspir_events.events import mails, rules
from inspir_events.events.blueprint import bp
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import EventStatus, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.mail.tasks import paris_time, periodic
from inspir_events.timeutil import utcnow

BATCH = 200  # reminders written per transaction


@use_case
def remind_batch(limit: int = BATCH) -> int:
    """Claim up to ``limit`` due registrations and write their reminders; how many."""
    now = utcnow()
    begin_write()
    due = (select(Registration.id).join(Event, Event.id == Registration.event_id)
           .where(Registration.status == RegistrationStatus.CONFIRMED,
                  Registration.reminded_at.is_(None),
                  Event.status == EventStatus.PUBLISHED,
                  Event.starts_at > now, Event.starts_at <= now + rules.REMINDER_BEFORE)
           .order_by(Registration.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=Registration)
    claimed = list(db.session.scalars(
        update(Registration)
        .where(Registration.id.in_(due.scalar_subquery()), Registration.reminded_at.is_(None))
        .values(reminded_at=now).returning(Registration.id)
        .execution_options(synchronize_session=False)))
    registrations = db.session.scalars(
        select(Registration).where(Registration.id.in_(claimed))
        .options(selectinload(Registration.user), selectinload(Registration.event))
        .order_by(Registration.id))
    for registration in registrations:
        mails.reminder(registration)
    db.session.commit()
    return len(claimed)


def remind_due() -> int:
    """Remind every registration due now, a batch at a time; how many were reminded."""
    total = 0
    while True:
        count = remind_batch()
        total += count
        if count < BATCH:
            return total


periodic(bp, "events.remind", paris_time(minute="*/15"), remind_due)
