"""The committee's weekly digest (issue 17 §3): each member who decides something gets ONE
e-mail a week listing what waits in their queues — label requests, co-funding
applications (a delegated decider: those entrusted to their envelope), proposals awaiting
qualification — without what they are recused from; nothing waits, no e-mail; once per
member and week even with several workers (SQLite and PostgreSQL). Delivered by a real
worker to a real SMTP server on loopback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from inspir_events.accounts.models import Role
from inspir_events.aid import digest as weekly
from inspir_events.aid.cofunding import decisions, entrusting
from inspir_events.aid.envelopes import delegation
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.events import services as event_services
from inspir_events.labels.charter import PRINCIPLES
from inspir_events.mail import tasks
from inspir_events.mail.models import OutboxMessage
from inspir_events.mail.rules import MailStatus
from inspir_events.recusal import services as recusal
from inspir_events.timeutil import utcnow
from tests.conftest import wait_until
from tests.mail.conftest import completions, delivering  # noqa: F401  (fixtures)

KIND = weekly.KIND


@pytest.fixture
def queues(db, make_user, committee, committee2, organiser, labelled_event,
           submitted_application, make_project, envelopes_2016):
    """A label request awaiting (committee2 declared a conflict on it), two submitted
    applications (one entrusted to a delegated envelope and its decider), a proposal
    awaiting; returns what each holds."""
    event = labelled_event(labelled=False, title="Forum des aidants")
    request = event_services.request_label(
        organiser, event.id, {p.code: "Avec les habitants." for p in PRINCIPLES},
        f"/events/{event.id}")
    recusal.declare_conflict(committee2, "label_request", request.id, "Je suis adhérent.")
    entrusted = submitted_application(labelled_event(title="Hackathon d'Amiens"))
    kept = submitted_application(labelled_event(title="Hackathon de Beauvais"))
    admin = make_user(roles=(Role.ADMIN,))
    sub = aid_envelopes.delegate(admin, envelopes_2016[(FormerRegion.PICARDIE,
                                                        Section.OPERATING)].id,
                                 "Tiers-lieu d'Amiens", 2_000_000)
    decider = make_user(display_name="Tiana Territoire", locale="en")
    delegation.add_member(admin, sub.id, decider.email)
    entrusting.entrust(committee, entrusted.id, sub.id)
    proposal = make_project(None, title="Un guichet itinérant")
    # The setup's own notices (entrusting, the label request...) also went to the outbox:
    # only the digests are read here.
    db.session.execute(delete(OutboxMessage))
    db.session.commit()
    return dict(request=request, entrusted=entrusted, kept=kept, proposal=proposal,
                decider=decider)




def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_each_member_gets_one_email_with_what_waits_for_them(
        app, db, queues, committee, committee2, mail_worker, outbox,
        delivering, completions):  # noqa: F811
    tasks.mail_queue(app).periodic[weekly.TASK]()  # Monday morning's task
    mail_worker(app)
    received = {m["To"]: m for m in delivering.wait_for(3)}
    wait_until(lambda: completions.get(weekly.TASK) == 1, what="the task done")
    assert set(received) == {committee.email, committee2.email, queues["decider"].email}
    assert len(outbox(kind=KIND)) == 3

    claire = body(received[committee.email])
    assert received[committee.email]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Forum des aidants: http://localhost/committee/labels" in claire
    for application in (queues["entrusted"], queues["kept"]):
        assert f"http://localhost/aid/applications/{application.id}" in claire
    assert "Hackathon d'Amiens" in claire and "Hackathon de Beauvais" in claire
    assert f"Un guichet itinérant: http://localhost/projects/{queues['proposal'].id}" in claire

    marc = body(received[committee2.email])  # recused from the label request
    assert "Forum des aidants" not in marc and "Hackathon de Beauvais" in marc
    assert "Un guichet itinérant" in marc

    tiana = body(received[queues["decider"].email])  # a delegated decider, in English
    assert tiana.startswith("Hello Tiana Territoire,")
    assert "This week, 1 item waits for your decision." in tiana
    assert f"/aid/applications/{queues['entrusted'].id}" in tiana
    assert "Hackathon de Beauvais" not in tiana and "Forum des aidants" not in tiana
    assert "Un guichet itinérant" not in tiana


def test_nothing_waits_no_email(app, db, committee, outbox):
    assert weekly.send_digests() == 0
    assert outbox() == []


def test_decided_items_leave_the_digest(db, queues, committee, committee2, outbox):
    decisions.refuse(committee, queues["entrusted"].id, "Hors critères.")
    assert weekly.send_digests() == 2  # the decider has nothing left
    assert {m.user_id for m in outbox(kind=KIND)} == {committee.id, committee2.id}
    assert all("Hackathon d'Amiens" not in m.body_text for m in outbox(kind=KIND))


def test_once_a_week(db, queues, outbox):
    assert weekly.send_digests() == 3
    assert weekly.send_digests() == 0  # the same week again
    assert weekly.send_digests(now=utcnow() + timedelta(days=7)) == 3  # the next one
    assert len(outbox(kind=KIND)) == 6


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_two_workers_send_once_per_member_and_week(
        app, db, queues, mail_worker, outbox, delivering, completions):  # noqa: F811
    queue = tasks.mail_queue(app)
    for _ in range(4):  # Monday's task run by several workers
        queue.periodic[weekly.TASK]()
    mail_worker(app, workers=3)
    mail_worker(app, workers=3)
    delivering.wait_for(3)
    wait_until(lambda: completions.get(weekly.TASK) == 4, what="the four runs")
    wait_until(lambda: all(m.status == MailStatus.SENT for m in outbox(kind=KIND)),
               what="the digests sent")
    assert len(outbox(kind=KIND)) == 3 and len(delivering.messages) == 3
    assert len({m["To"] for m in delivering.messages}) == 3


def test_a_member_may_stop_it(db, queues, committee, outbox):
    from inspir_events.mail import services

    services.set_modes(committee.id, {KIND: "never"})
    assert weekly.send_digests() == 2
    assert committee.id not in {m.user_id for m in outbox(kind=KIND)}
