"""The outbox's admin page (issue 17 §1): counts by status, the failed messages with their
error, *retry* (audited) which a real worker then delivers; admins only."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.accounts.models import Role
from inspir_events.audit.models import AuditEntry
from inspir_events.mail.rules import MailStatus
from tests.conftest import wait_until
from tests.mail.conftest import delivering, write_messages  # noqa: F401  (fixtures)
from tests.pages import parse


def test_admins_see_the_counts_and_retry_a_failed_message(app, client, db, make_user, login,
                                                          delivering, mail_worker,  # noqa: F811
                                                          write_messages, outbox):  # noqa: F811
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    delivering.reply = "451 4.3.0 Mailbox busy"
    write_messages(make_user("nadia@example.org"), 2)
    mail_worker(app)
    wait_until(lambda: all(m.status == MailStatus.FAILED for m in outbox()), what="failures")
    login(make_user(roles=(Role.ADMIN,)))
    doc = parse(client.get("/admin/mail").get_data(as_text=True))
    counts = doc.find("dl", class_="facts").text
    assert "En échec 2" in counts and "Envoyés 0" in counts
    rows = doc.find("table").find("tbody").find_all("tr")
    assert len(rows) == 2
    assert "nadia@example.org" in rows[0].text and "451 4.3.0 Mailbox busy" in rows[0].text
    first = outbox()[0]

    delivering.reply = None
    response = client.post_form(f"/admin/mail/{first.id}/retry", token_from="/admin/mail")
    assert (response.status_code, response.headers["Location"]) == (303, "/admin/mail")
    wait_until(lambda: outbox()[0].status == MailStatus.SENT, what="the retried message")
    assert delivering.ids() == [first.message_id]
    assert outbox()[1].status == MailStatus.FAILED  # only the one retried
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mail.retry"))
    assert (entry.object_type, entry.object_id) == ("mail", str(first.id))
    assert "Envoyés 1" in parse(client.get("/admin/mail").get_data(as_text=True)).find(
        "dl", class_="facts").text


def test_only_a_failed_message_is_retried(client, db, make_user, login, write_messages,  # noqa: F811
                                          outbox):
    (message_id,) = write_messages(make_user())
    login(make_user(roles=(Role.ADMIN,)))
    response = client.post_form(f"/admin/mail/{message_id}/retry", token_from="/admin/mail",
                                follow_redirects=True)
    assert "Ce message n’est pas en échec" in response.get_data(as_text=True)
    assert client.post_form("/admin/mail/999999/retry",
                            token_from="/admin/mail").status_code == 404
    assert outbox()[0].status == MailStatus.PENDING
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_other_roles_do_not_see_the_outbox(client, make_user, login):
    assert client.get("/admin/mail").status_code == 302  # visitors: log in
    login(make_user(roles=(Role.COMMITTEE, Role.ORGANISER)))
    assert client.get("/admin/mail").status_code == 403
