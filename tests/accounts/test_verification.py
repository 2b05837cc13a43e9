"""Confirming an address by its link: the page and its button, an expired, forged or
replaced link, following it twice, sending it again (rate-limited), audited (issue 17 §2)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.accounts.verification import send_confirmation
from inspir_events.audit.models import AuditEntry
from inspir_events.database import begin_write
from tests.conftest import link_path
from tests.pages import parse
from tests.test_security import snapshot

EN = {"Accept-Language": "en"}


def sign_up(client, email="nadia@example.org"):
    return client.post_form("/signup", {"email": email, "display_name": "Nadia",
                                        "password": "une phrase assez longue",
                                        "password_confirm": "une phrase assez longue"},
                            token_from="/signup")


def confirmation_link(outbox, to="nadia@example.org") -> str:
    return link_path(outbox(to=to)[-1], "/account/confirm/")


def test_the_links_page_confirms_only_with_its_button(client, db, outbox):
    sign_up(client)
    link = confirmation_link(outbox)
    before = snapshot(db)
    page = client.get(link)  # a GET changes nothing (mail scanners open links too)
    assert page.status_code == 200
    assert snapshot(db) == before
    form = parse(page.get_data(as_text=True)).find("main").find("form", action=link)
    assert form.find("button").text == "Confirmer mon adresse"
    response = client.post_form(link, token_from=link)
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    user = db.session.scalar(select(User))
    assert user.email_verified_at is not None
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "account.email_verified" in actions


def test_a_link_followed_twice_says_it_is_done(client, db, outbox):
    sign_up(client)
    link = confirmation_link(outbox)
    client.post_form(link, token_from=link)
    again = client.get(link, headers=EN)
    assert again.status_code == 200
    assert "is already confirmed" in again.get_data(as_text=True)
    assert client.post_form(link, token_from=link).status_code == 302


def test_an_expired_link_no_longer_works(app, client, db, outbox):
    sign_up(client)
    link = confirmation_link(outbox)
    app.config["EMAIL_VERIFICATION_MAX_AGE"] = timedelta(seconds=-1)
    page = client.get(link)
    assert page.status_code == 410
    assert "Ce lien ne fonctionne plus" in page.get_data(as_text=True)
    response = client.post_form(link, token_from=link)
    assert response.status_code == 410
    assert db.session.scalar(select(User)).email_verified_at is None


def test_a_forged_or_damaged_link_no_longer_works(client, db, outbox):
    sign_up(client)
    link = confirmation_link(outbox)
    for forged in (link[:-3] + "abc", "/account/confirm/x", link + "x"):
        assert client.get(forged).status_code == 410, forged
        assert client.post_form(forged, token_from="/").status_code == 410, forged
    assert db.session.scalar(select(User)).email_verified_at is None


def test_another_accounts_link_confirms_that_account_only(client, db, outbox, make_user):
    sign_up(client, "nadia@example.org")
    sign_up(client, "karim@example.org")
    link = confirmation_link(outbox, "karim@example.org")
    client.post_form(link, token_from=link)
    verified = {u.email: u.email_verified_at is not None for u in db.session.scalars(
        select(User))}
    assert verified == {"nadia@example.org": False, "karim@example.org": True}


def test_the_link_is_sent_again_at_most_a_few_times(app, client, db, make_user, login,
                                                    outbox):
    app.config["VERIFICATION_RESEND_LIMIT"] = "2 per minute"
    user = make_user("nadia@example.org", verified=False)
    login(user)
    for _ in range(2):
        response = client.post_form("/account/confirm/resend", {"next": "/needs/new"},
                                    token_from="/profile")
        assert (response.status_code, response.headers["Location"]) == (302, "/needs/new")
    assert len(outbox(kind="account.verify")) == 2
    response = client.post_form("/account/confirm/resend", token_from="/profile")
    assert response.status_code == 429
    assert len(outbox(kind="account.verify")) == 2
    # the newest link works, and so does an older one still within its lifetime
    client.post_form(confirmation_link(outbox), token_from="/profile")
    db.session.refresh(user)
    assert user.email_verified_at is not None


def test_a_confirmed_account_gets_nothing_more(client, db, make_user, login, outbox):
    login(make_user())
    response = client.post_form("/account/confirm/resend", token_from="/profile",
                                follow_redirects=True)
    assert "Votre adresse est déjà confirmée." in response.get_data(as_text=True)
    assert outbox() == []
    begin_write()
    assert send_confirmation(db.session.scalar(select(User))) is None
    db.session.commit()
