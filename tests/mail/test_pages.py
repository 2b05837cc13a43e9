"""The mail pages: the one-click unsubscribe (RFC 8058) and the development mailbox."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.database import begin_write
from inspir_events.mail import services, unsubscribe
from inspir_events.mail.models import MailPreference
from inspir_events.mail.rules import MailMode, MailStatus
from tests.conftest import wait_until
from tests.mail.conftest import NEWS
from tests.pages import parse
from tests.test_security import snapshot


def path_of(url: str) -> str:
    return url.replace("http://localhost", "")


def test_opening_the_link_shows_the_button_and_changes_nothing(client, db, make_user,
                                                               news_kind):
    user = make_user()
    link = path_of(unsubscribe.link(user.id, NEWS))
    before = snapshot(db)
    page = client.get(link)
    assert page.status_code == 200
    assert snapshot(db) == before
    form = parse(page.get_data(as_text=True)).find("main").find("form", action=link)
    assert form.find("input", name="List-Unsubscribe").get("value") == "One-Click"


def test_the_mail_clients_one_click_post_unsubscribes(app, db, make_user, news_kind, outbox):
    user = make_user()
    link = path_of(unsubscribe.link(user.id, NEWS))
    # RFC 8058: a POST with this body, without a session, a cookie or a CSRF token
    response = app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    (row,) = db.session.scalars(select(MailPreference)).all()
    assert (row.user_id, row.kind, row.mode) == (user.id, NEWS, MailMode.NEVER)
    assert app.test_client().post(link, data={"List-Unsubscribe": "One-Click"}
                                  ).status_code == 200  # twice: still one row
    assert len(db.session.scalars(select(MailPreference)).all()) == 1
    begin_write()
    assert services.enqueue(user, NEWS, link="x", hours=1) is None
    db.session.commit()
    assert outbox() == []


def test_a_forged_link_or_an_essential_kind_unsubscribes_nobody(app, db, make_user, news_kind):
    user = make_user()
    good = path_of(unsubscribe.link(user.id, NEWS))
    other = unsubscribe.token(user.id + 1, NEWS)
    forged = [good[:-2] + "xx", f"/mail/unsubscribe/{other[:-1]}",
              path_of(unsubscribe.link(user.id, "account.verify")),
              path_of(unsubscribe.link(user.id, "no.such.kind"))]
    for link in forged:
        assert app.test_client().get(link).status_code == 404, link
        assert app.test_client().post(link, data={"List-Unsubscribe": "One-Click"}
                                      ).status_code == 404, link
    assert db.session.scalars(select(MailPreference)).all() == []


def test_the_development_mailbox_lists_what_the_worker_wrote(app, client, db, make_user,
                                                             mail_worker, write_messages,
                                                             outbox, tmp_path):
    assert app.config["MAIL_SERVER"] is None  # development and tests: files, no server
    write_messages(make_user("nadia@example.org"))
    mail_worker(app)
    wait_until(lambda: outbox()[0].status == MailStatus.SENT, what="the file written")
    (name,) = [p.name for p in (tmp_path / "mail").iterdir()]
    assert name.endswith("-1.eml")
    doc = parse(client.get("/dev/mail").get_data(as_text=True))
    link = doc.find("main").find("a", href=f"/dev/mail/{name}")
    assert link.text == "Confirmez votre adresse électronique"
    page = parse(client.get(f"/dev/mail/{name}").get_data(as_text=True))
    assert page.find("a", href="http://localhost/link/0") is not None  # its links work
    assert outbox()[0].message_id in page.text


def test_the_development_mailbox_is_gone_with_an_smtp_server(app, client):
    app.config["MAIL_SERVER"] = "smtp.inspir.example"
    assert client.get("/dev/mail").status_code == 404


def test_the_development_mailbox_reads_only_its_own_files(client, tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    for name in ("..%2Fsecret.txt", "secret.txt", "20260101T000000Z-1.eml"):
        assert client.get(f"/dev/mail/{name}").status_code == 404, name
