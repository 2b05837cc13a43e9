"""Writing messages: rendered in the recipient's language, in the caller's transaction,
their delivery queued only once it commits (issue 17 §1). No worker runs here: these
tests read the outbox and the task engine's queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.database import begin_write, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db as _db
from inspir_events.mail import services, tasks, unsubscribe
from inspir_events.mail.models import MailPreference, OutboxMessage
from inspir_events.mail.rules import MailMode, MailStatus
from tests.mail.conftest import NEWS


def queued_ids(app) -> list[int]:
    """The message ids of the delivery tasks waiting in the engine's queue."""
    huey = tasks.mail_queue(app).huey
    return sorted(i for task in huey.pending() for i in task.args[0])


def test_a_message_is_rendered_in_french_by_default(app, db, make_user, write_messages,
                                                    outbox):
    user = make_user("nadia@example.org", display_name="Nadia")
    write_messages(user)
    (message,) = outbox()
    assert message.language == "fr"
    assert message.subject == "Confirmez votre adresse électronique"
    assert "Bonjour Nadia," in message.body_text
    assert '<html lang="fr">' in message.body_html
    assert "http://localhost/link/0" in message.body_text
    assert message.recipient == "nadia@example.org"
    assert message.status == MailStatus.PENDING and message.attempts == 0
    assert message.message_id.startswith("<") and message.message_id.endswith("@localhost>")


def test_a_message_follows_the_recipients_stored_language(app, db, make_user,
                                                          write_messages, outbox):
    user = make_user(locale="en")
    write_messages(user)
    (message,) = outbox()
    assert (message.language, message.subject) == ("en", "Confirm your e-mail address")
    assert "Hello" in message.body_text and 'lang="en"' in message.body_html


def test_links_are_absolute_from_public_url(app, db, make_user, outbox):
    app.config["PUBLIC_URL"] = "https://inspir.example.fr"
    from inspir_events.mail.rendering import absolute_url

    assert absolute_url("accounts.login") == "https://inspir.example.fr/login"


def test_the_delivery_is_queued_only_after_the_commit(app, db, make_user):
    user = make_user()
    begin_write()
    message = services.enqueue(user, "account.verify", link="http://localhost/x", hours=48)
    assert queued_ids(app) == []  # written, not committed: nothing queued yet
    db.session.commit()
    assert queued_ids(app) == [message.id]


def test_a_rolled_back_change_leaves_no_message_and_queues_nothing(app, db, make_user):
    user = make_user()

    @use_case
    def change_then_refuse():
        begin_write()
        services.enqueue(user, "account.verify", link="http://localhost/x", hours=48)
        raise DomainError("refused after the message was written")

    with pytest.raises(DomainError):
        change_then_refuse()
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert queued_ids(app) == []
    db.session.commit()  # a later commit does not queue the forgotten message either
    assert queued_ids(app) == []


def test_an_unknown_kind_is_a_programming_error(app, db, make_user):
    with pytest.raises(ValueError, match="unknown mail kind"):
        services.enqueue(make_user(), "no.such.kind")


def test_essential_messages_carry_no_unsubscribe_header(app, db, make_user, write_messages,
                                                        outbox):
    write_messages(make_user())
    (message,) = outbox()
    assert message.headers == {}
    assert "unsubscribe" not in message.body_text.lower()


def test_a_non_essential_kind_carries_the_one_click_unsubscribe(app, db, make_user,
                                                               write_messages, outbox,
                                                               news_kind):
    user = make_user()
    write_messages(user, kind=NEWS)
    (message,) = outbox()
    link = unsubscribe.link(user.id, NEWS)
    assert message.headers == {"List-Unsubscribe": f"<{link}>",
                               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    assert link in message.body_text and link in message.body_html


def test_a_non_essential_kind_set_to_never_is_not_written(app, db, make_user, news_kind,
                                                         outbox):
    user = make_user()
    begin_write()
    services.set_mode(user.id, NEWS, MailMode.NEVER)
    assert services.enqueue(user, NEWS, link="x", hours=1) is None
    # an essential kind is written whatever the person chose for it
    services.set_mode(user.id, "account.verify", MailMode.NEVER)
    assert services.enqueue(user, "account.verify", link="x", hours=1) is not None
    db.session.commit()
    assert [m.kind for m in outbox()] == ["account.verify"]


def test_setting_a_mode_twice_keeps_one_row(app, db, make_user):
    user = make_user()
    begin_write()
    services.set_mode(user.id, NEWS, MailMode.DAILY)
    services.set_mode(user.id, NEWS, MailMode.NEVER)
    db.session.commit()
    rows = _db.session.scalars(select(MailPreference)).all()
    assert [(r.kind, r.mode) for r in rows] == [(NEWS, MailMode.NEVER)]


def test_attachments_are_kept_with_the_message(app, db, make_user, outbox):
    user = make_user()
    begin_write()
    services.enqueue(user, "account.verify", link="x", hours=1, attachments=[
        services.Attachment("billet.txt", b"INS'pir", "text/plain")])
    db.session.commit()
    (message,) = outbox()
    assert message.attachments == [{"filename": "billet.txt", "mimetype": "text/plain",
                                    "content": "SU5TJ3Bpcg=="}]
