"""In-app notifications also go out by e-mail (issue 17 §3): once, in the transaction of
the notification, in the person's language, with the sentence and the absolute link; not
to someone who set that kind to "never", nor to an unconfirmed address; never for the
committee's queue (a weekly digest tells it); nothing when the transaction rolls back."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from inspir_events.database import begin_write
from inspir_events.extensions import db as _db
from inspir_events.mail import kinds
from inspir_events.mail import services as mail_services
from inspir_events.mail.rules import MailMode
from inspir_events.notifications import mails
from inspir_events.notifications.services import MESSAGES, latest, notify

PARAMS = {"event": "Hackathon", "team": "Les Bus", "name": "Paul", "subject": "Atelier",
          "reason": "Hors périmètre", "note": "Précisez", "project": "Atelier numérique",
          "holder": "Métropole européenne de Lille", "aid": "Hackathon",
          "amount": "5 000,00 €", "final": "8 000,00 €", "balance": "3 000,00 €",
          "call": "Appel santé rurale"}
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def notify_now(user_ids, kind, url="/events/1", **params):
    begin_write()
    count = notify(user_ids, kind, url=url, **params)
    _db.session.commit()
    return count


def test_every_emailed_kind_is_a_notification_kind_declared_as_a_notice(app):
    declared = kinds.kinds(app)
    for name, kind in mails.NOTICES.items():
        assert name in MESSAGES and declared[name] is kind and not kind.essential
    assert "application.submitted" not in mails.NOTICES  # the committee's weekly digest
    assert "aid.report_submitted" not in mails.NOTICES  # the committee's queue: in-app


@pytest.mark.parametrize("kind", sorted(mails.NOTICES))
def test_each_notice_reads_well_in_french_and_in_english(db, make_user, outbox, kind):
    params = {key: PARAMS[key] for key in PLACEHOLDER.findall(str(MESSAGES[kind]))}
    fr, en = make_user(), make_user(locale="en")
    notify_now([fr.id, en.id], kind, **params)
    (french,), (english,) = outbox(to=fr.email), outbox(to=en.email)
    assert french.kind == english.kind == kind
    assert french.subject != english.subject
    assert "%(" not in french.subject + english.subject + french.body_text + english.body_text
    assert french.body_text.startswith("Bonjour") and english.body_text.startswith("Hello")
    assert "http://localhost/events/1" in french.body_text and "Voir sur INS'pir Events" in \
        french.body_html
    with force_locale("en"):
        assert str(MESSAGES[kind] % params) in english.body_text


def test_not_to_a_person_who_stopped_the_kind_nor_to_an_unconfirmed_address(
        db, make_user, outbox):
    stopped, unconfirmed, told = (make_user(), make_user(verified=False), make_user())
    begin_write()
    mail_services.set_mode(stopped.id, "team.accepted", MailMode.NEVER)
    db.session.commit()
    assert notify_now([stopped.id, unconfirmed.id, told.id], "team.accepted",
                      team="Les Bus") == 3
    assert [m.recipient for m in outbox(kind="team.accepted")] == [told.email]
    assert all(latest(u.id) for u in (stopped, unconfirmed, told))  # in-app, always


def test_the_committee_queue_is_not_one_email_per_item(db, make_user, outbox):
    notify_now([make_user().id], "application.submitted", event="Hackathon")
    assert outbox() == []


def test_a_rolled_back_notification_sends_nothing(db, make_user, outbox):
    user = make_user()
    begin_write()
    notify([user.id], "team.lead", url="/teams/1", team="Les Bus")
    db.session.rollback()
    assert outbox() == [] and latest(user.id) == []


def test_an_absolute_link_or_none_is_kept_or_the_notifications_page(db, make_user, outbox):
    user = make_user()
    notify_now([user.id], "team.lead", url=None, team="Les Bus")
    (message,) = outbox()
    assert "http://localhost/notifications" in message.body_text
