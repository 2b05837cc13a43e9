"""The daily digest (issue 17 §4): a kind set to "daily" is held, not sent; once a day each
person holding messages gets ONE e-mail listing them (subjects, sentences, links), then
they are digested — exactly once, even when several workers run the task (SQLite and
PostgreSQL). Delivered by a real worker to a real SMTP server on loopback."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from inspir_events.accounts import digest as daily
from inspir_events.database import begin_write
from inspir_events.extensions import db as _db
from inspir_events.mail import services, tasks, unsubscribe
from inspir_events.mail.digest import day_of
from inspir_events.mail.models import MailPreference, OutboxMessage
from inspir_events.mail.rules import DIGEST, MailMode, MailStatus
from inspir_events.timeutil import utcnow
from tests.conftest import run_together, wait_until

ADDRESSED, PROJECT, IN_STORE = "need.addressed", "need.project", "need.in_store"


def write(user, kind: str, n: int) -> int:
    """One message of a need's followers, as the features write it (their transaction)."""
    begin_write()
    message_id = services.enqueue(user, kind, need=f"Besoin {n}", event=f"Forum {n}",
                                  project=f"Projet {n}", link=f"http://localhost/needs/{n}").id
    _db.session.commit()
    return message_id


@pytest.fixture
def reader(db, make_user):
    """``reader(name)``: a person receiving the news of needs in a daily digest (but the
    store's, at once)."""

    def make(name: str = "Nadia"):
        user = make_user(display_name=name, locale="en")
        services.set_modes(user.id, {ADDRESSED: "daily", PROJECT: "daily"})
        return user

    return make


def digests(outbox) -> list[OutboxMessage]:
    return outbox(kind=DIGEST)




def test_held_messages_go_out_in_one_digest_through_the_worker(app, db, reader, delivering,
                                                               mail_worker, outbox,
                                                               completions):
    nadia = reader()
    held = [write(nadia, ADDRESSED, 1), write(nadia, PROJECT, 2), write(nadia, ADDRESSED, 3)]
    write(nadia, IN_STORE, 4)  # at once
    assert [m.status for m in outbox() if m.id in held] == [MailStatus.HELD] * 3
    mail_worker(app)
    (alone,) = delivering.wait_for(1)
    assert alone["Subject"] == "“Projet 4” reaches the innovation store"

    tasks.mail_queue(app).periodic[daily.TASK]()  # the morning's task, as the schedule runs it
    received = delivering.wait_for(2)
    digest = received[1]
    assert digest["Subject"] == "Your INS'pir daily digest"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = digest.get_body(("plain",)).get_content()
    assert text.count("Hello Nadia,") == 1
    assert "Here are the 3 messages you chose to receive once a day." in text
    for n, subject in ((1, "An event addresses “Besoin 1”"), (2, "“Besoin 2” becomes a project"),
                       (3, "An event addresses “Besoin 3”")):
        assert f"== {subject} ==" in text and f"http://localhost/needs/{n}" in text
    assert text.index("Besoin 1") < text.index("Besoin 2") < text.index("Besoin 3")
    assert "Projet 4" not in text
    html = digest.get_body(("html",)).get_content()
    assert 'href="http://localhost/needs/2"' in html and html.count("Hello Nadia,") == 1
    assert "http://localhost/profile/notifications" in text

    wait_until(lambda: all(m.status in (MailStatus.SENT, MailStatus.DIGESTED)
                           for m in outbox()), what="the digest sent, its messages digested")
    statuses = {m.id: m.status for m in outbox()}
    assert [statuses[i] for i in held] == [MailStatus.DIGESTED] * 3
    (row,) = digests(outbox)
    assert row.once_key == f"{DIGEST}:{day_of(utcnow())}:{nadia.id}"

    # The same morning again (a second worker, a restart): nothing more.
    tasks.mail_queue(app).periodic[daily.TASK]()
    wait_until(lambda: completions.get(daily.TASK) == 2, what="the second run")
    assert len(digests(outbox)) == 1 and len(delivering.messages) == 2


def test_a_message_held_after_the_days_digest_waits_for_the_next(db, reader, outbox):
    nadia = reader()
    write(nadia, ADDRESSED, 1)
    assert daily.send_digests() == 1
    late = write(nadia, ADDRESSED, 2)
    assert daily.send_digests() == 0  # one digest a day
    assert db.session.get(OutboxMessage, late).status == MailStatus.HELD
    assert daily.send_digests(now=utcnow() + timedelta(days=1)) == 1
    db.session.rollback()
    assert db.session.get(OutboxMessage, late).status == MailStatus.DIGESTED
    assert len(digests(outbox)) == 2
    assert daily.send_digests(now=utcnow() + timedelta(days=2)) == 0  # nothing held: none


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_two_workers_send_each_person_one_digest(app, db, reader, delivering, mail_worker,
                                                 outbox, completions):
    people = [reader(name) for name in ("Ana", "Bo", "Cy")]
    held = [write(person, ADDRESSED, n) for n, person in enumerate(people * 3)]
    queue = tasks.mail_queue(app)
    for _ in range(4):  # the morning's task run by several workers
        queue.periodic[daily.TASK]()
    mail_worker(app, workers=3)
    mail_worker(app, workers=3)
    received = delivering.wait_for(3)
    wait_until(lambda: completions.get(daily.TASK) == 4, what="the four runs")
    wait_until(lambda: all(m.status == MailStatus.SENT for m in digests(outbox)),
               what="the digests sent")
    assert len(digests(outbox)) == 3 and len(delivering.messages) == 3
    assert sorted(m["To"] for m in received) == sorted(p.email for p in people)
    for message in received:
        assert "Here are the 3 messages" in message.get_body(("plain",)).get_content()
    assert {m.status for m in outbox() if m.id in held} == {MailStatus.DIGESTED}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_concurrent_runs_digest_each_message_once(app, db, reader, outbox):
    people = [reader(f"P{n}") for n in range(4)]
    held = [write(person, ADDRESSED, n) for n, person in enumerate(people * 2)]
    written = []

    def run(index: int) -> None:
        written.append(daily.send_digests())

    errors, _ = run_together(app, [run] * 4)
    assert errors == []
    assert sum(written) == 4
    rows = digests(outbox)
    assert sorted(m.user_id for m in rows) == sorted(p.id for p in people)
    assert {m.status for m in outbox() if m.id in held} == {MailStatus.DIGESTED}
    for row in rows:
        assert row.body_text.count("== An event addresses") == 2


def test_the_digests_unsubscribe_stops_what_it_carries(app, db, reader, outbox):
    nadia = reader()
    write(nadia, ADDRESSED, 1)
    write(nadia, IN_STORE, 2)
    link = unsubscribe.link(nadia.id, DIGEST).replace("http://localhost", "")
    response = app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "ne vous parviennent plus par courriel" in response.get_data(as_text=True)
    modes = dict(db.session.execute(select(MailPreference.kind, MailPreference.mode).where(
        MailPreference.user_id == nadia.id)).all())
    assert modes == {ADDRESSED: MailMode.NEVER, PROJECT: MailMode.NEVER}  # not the store's
    assert [m.kind for m in outbox()] == [IN_STORE]  # what waited is dropped
    assert daily.send_digests() == 0


def test_the_schedule_reads_paris_time():
    at_seven = tasks.paris_time(minute=0, hour=7)
    assert at_seven(datetime(2026, 1, 15, 6, 0))  # winter: UTC+1
    assert at_seven(datetime(2026, 7, 15, 5, 0))  # summer: UTC+2
    assert not at_seven(datetime(2026, 7, 15, 7, 0))
    mondays = tasks.paris_time(minute=0, hour=8, day_of_week=1)
    assert mondays(datetime(2026, 3, 2, 7, 0)) and not mondays(datetime(2026, 3, 3, 7, 0))
