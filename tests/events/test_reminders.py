"""The reminder two days before an event (issue 17 §3): a periodic task of the worker,
once per registration even when several workers run it at the same moment (SQLite and
PostgreSQL), delivered for real; not for a registration made within the two days (its
confirmation said it all), again after the date changed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from inspir_events.events import participation, reminders, rules, services
from inspir_events.events.models import Event, Registration
from inspir_events.mail.tasks import mail_queue
from inspir_events.timeutil import utcnow
from tests.conftest import attachments, run_together, text_body
from tests.events.qr import decode


def move_start(db, event, hours: float) -> None:
    """Put the event's start ``hours`` from now, straight in the database (not a change
    the people registered are told of)."""
    starts = utcnow() + timedelta(hours=hours)
    db.session.execute(update(Event).where(Event.id == event.id).values(
        starts_at=starts, ends_at=starts + timedelta(hours=8)))
    db.session.commit()


def reminded(db) -> dict[int, object]:
    rows = db.session.execute(select(Registration.id, Registration.reminded_at)).all()
    db.session.rollback()
    return dict(rows)


def test_the_worker_reminds_each_registration_two_days_before(app, db, make_user, make_event,
                                                              mailbox, outbox):
    event = make_event(title="Hackathon de Lille")  # in 11 days
    sam = make_user("sam@example.org", display_name="Sam", locale="en")
    participation.register(sam, event.id)
    mailbox.find("sam@example.org", "You are registered")
    move_start(db, event, 30)
    mail_queue(app).periodic["events.remind"]()  # what the schedule does every 15 minutes
    message = mailbox.find("sam@example.org", "In two days")
    assert str(message["Subject"]).strip() == "In two days: Hackathon de Lille"
    assert "List-Unsubscribe" in message  # reminders may be switched off
    assert f"http://localhost/events/{event.id}" in text_body(message)
    assert decode(attachments(message)["ticket-inspir.png"][1]).startswith(
        f"http://localhost/events/{event.id}/check-in/")
    assert len(outbox(kind="event.reminder")) == 1


def test_the_task_runs_every_quarter_of_an_hour(app):
    task = mail_queue(app).periodic["events.remind"]
    moment = datetime(2027, 3, 1, 10, 0)
    assert [minute for minute in range(60)
            if task.task_class().validate_datetime(moment.replace(minute=minute))] == \
        [0, 15, 30, 45]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_several_workers_remind_each_registration_once(app, db, make_user, make_event, outbox):
    soon, later, far = (make_event(title=f"Événement {n}") for n in range(3))
    people = [make_user(f"p{n}@example.org") for n in range(6)]
    for person in people:
        for event in (soon, later, far):
            participation.register(person, event.id)
    move_start(db, soon, 20)
    move_start(db, later, 47)
    move_start(db, far, 49)  # not yet
    done = []
    errors, _ = run_together(app, [lambda _i: done.append(reminders.remind_batch(limit=4))
                                   for _ in range(4)] + [lambda _i: reminders.remind_due()])
    assert not errors
    messages = outbox(kind="event.reminder")
    assert len(messages) == 12  # six people, two events each
    assert len({(m.recipient, m.subject) for m in messages}) == 12  # nobody twice
    assert reminders.remind_due() == 0
    states = reminded(db)
    far_ids = set(db.session.scalars(select(Registration.id).where(
        Registration.event_id == far.id)))
    assert all(states[rid] is None for rid in far_ids)
    assert sum(1 for rid, at in states.items() if at is not None) == 12


def test_no_reminder_for_a_registration_made_within_the_two_days(db, make_user, make_event,
                                                                 outbox):
    event = make_event(title="Demain")
    move_start(db, event, 20)
    participation.register(make_user("late@example.org"), event.id)
    assert reminders.remind_due() == 0
    assert outbox(kind="event.reminder") == []
    assert outbox(kind="registration.confirmed")  # the confirmation says it all


def test_after_a_change_of_date_the_reminder_comes_again(db, make_user, make_event, organiser,
                                                         outbox):
    event = make_event(title="Reporté")
    participation.register(make_user("nadia@example.org"), event.id)
    move_start(db, event, 30)
    assert reminders.remind_due() == 1
    db.session.refresh(event)
    data = services.EventInput(
        title=event.title, kind=event.kind, description=event.description,
        starts_at=event.starts_at + timedelta(days=7), ends_at=event.ends_at + timedelta(days=7),
        venue_name=event.venue_name, venue_address=event.venue_address,
        venue_commune=event.venue_commune, department_code=event.department_code,
        run_by=event.run_by)
    services.update(organiser, event.id, data)
    assert reminders.remind_due() == 0  # not two days before the new date yet
    move_start(db, event, 40)
    assert reminders.remind_due() == 1
    assert len(outbox(kind="event.reminder")) == 2


def test_the_rule():
    now = utcnow()
    assert rules.reminder_needed(now + timedelta(hours=49), now)
    assert not rules.reminder_needed(now + timedelta(hours=47), now)
