"""Password reset, « Mot de passe oublié ? » (issue 17 §2): the same answer whether the
address has an account or not; a signed link valid one hour, used once, void once the
password changed; the usual password rules; every session ends; rate-limited per address
asked and per client; audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from inspir_events.accounts.models import UserSession
from inspir_events.audit.models import AuditEntry
from tests.conftest import PASSWORD, link_path
from tests.pages import parse
from tests.test_security import snapshot

NEW = "une toute nouvelle phrase secrète"


def forgot(client, email: str, **kwargs):
    return client.post_form("/password/forgot", {"email": email}, token_from="/password/forgot",
                            **kwargs)


def reset_link(outbox, to: str) -> str:
    return link_path(outbox(to=to)[-1], "/password/reset/")


def choose(client, link: str, password: str = NEW, again: str | None = None):
    return client.post_form(link, {"new_password": password,
                                   "new_password_confirm": again or password}, token_from=link)


def sign_in(client, email: str, password: str):
    return client.post_form("/login", {"email": email, "password": password},
                            token_from="/login")


def test_the_log_in_page_offers_it(client):
    doc = parse(client.get("/login").get_data(as_text=True))
    link = doc.find("a", href="/password/forgot")
    assert link is not None and link.text == "Mot de passe oublié ?"


def test_the_same_answer_whether_the_address_has_an_account_or_not(app, client, db,
                                                                   make_user, outbox):
    make_user("nadia@example.org")
    known = forgot(client, "Nadia@Example.org")
    unknown = forgot(app.test_client(), "personne@example.org")
    assert (known.status_code, known.headers["Location"]) == \
        (unknown.status_code, unknown.headers["Location"]) == (302, "/password/forgot/sent")
    page = client.get("/password/forgot/sent").get_data(as_text=True)
    assert "Si un compte utilise Nadia@Example.org, nous y avons envoyé un lien" in page
    (message,) = outbox()
    assert (message.recipient, message.kind) == ("nadia@example.org", "account.password_reset")
    assert "60 minutes" in message.body_text
    assert db.session.scalar(select(AuditEntry.action)) == "account.password_reset_requested"


def test_the_link_sets_a_new_password_and_ends_every_session(app, client, db, make_user,
                                                            login, outbox):
    user = make_user("nadia@example.org")
    elsewhere = app.test_client()
    login(user, on=elsewhere)  # a session on another device
    forgot(client, "nadia@example.org")
    link = reset_link(outbox, "nadia@example.org")
    assert client.get(link).status_code == 200
    response = choose(client, link)
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert elsewhere.get("/profile").status_code == 302  # signed out there too
    assert sign_in(client, user.email, PASSWORD).status_code == 422
    assert sign_in(client, user.email, NEW).status_code == 302
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "account.password_reset" in actions


def test_the_link_works_once(client, db, make_user, outbox):
    make_user("nadia@example.org")
    forgot(client, "nadia@example.org")
    link = reset_link(outbox, "nadia@example.org")
    choose(client, link)
    again = client.get(link)
    assert again.status_code == 410
    assert "Ce lien ne fonctionne plus" in again.get_data(as_text=True)
    assert choose(client, link, "encore une autre phrase").status_code == 410
    assert sign_in(client, "nadia@example.org", NEW).status_code == 302


def test_the_link_is_void_once_the_password_changed_otherwise(client, db, make_user, login,
                                                             outbox):
    user = make_user("nadia@example.org")
    forgot(client, "nadia@example.org")
    link = reset_link(outbox, "nadia@example.org")
    login(user)
    client.post_form("/account/password", {"current_password": PASSWORD, "new_password": NEW,
                                           "new_password_confirm": NEW},
                     token_from="/account/password")
    before = snapshot(db)
    assert choose(client, link, "une phrase de l'attaquant").status_code == 410
    assert snapshot(db) == before


def test_the_link_expires_after_an_hour(app, client, db, make_user, outbox):
    make_user("nadia@example.org")
    forgot(client, "nadia@example.org")
    link = reset_link(outbox, "nadia@example.org")
    app.config["PASSWORD_RESET_MAX_AGE"] = timedelta(seconds=-1)
    assert client.get(link).status_code == 410
    assert choose(client, link).status_code == 410
    assert sign_in(client, "nadia@example.org", PASSWORD).status_code == 302


def test_the_new_password_follows_the_usual_rules(client, db, make_user, outbox):
    make_user("nadia@example.org")
    forgot(client, "nadia@example.org")
    link = reset_link(outbox, "nadia@example.org")
    response = choose(client, link, "onze caract")
    assert response.status_code == 422
    assert 'id="new_password-error"' in response.get_data(as_text=True)
    assert choose(client, link, NEW, "une autre phrase longue").status_code == 422
    assert sign_in(client, "nadia@example.org", PASSWORD).status_code == 302


def test_following_the_link_confirms_the_address(client, db, make_user, outbox):
    user = make_user("nadia@example.org", verified=False)
    forgot(client, "nadia@example.org")
    choose(client, reset_link(outbox, "nadia@example.org"))
    db.session.refresh(user)
    assert user.email_verified_at is not None  # the link reached that mailbox


def test_requests_are_limited_per_address_asked(app, client, db, make_user, outbox):
    app.config["RESET_REQUESTS_PER_EMAIL"] = "2 per minute"
    make_user("nadia@example.org")
    for _ in range(2):
        assert forgot(client, "nadia@example.org").status_code == 302
    for email in ("nadia@example.org", "NADIA@example.org "):
        response = forgot(app.test_client(), email, headers={"Accept-Language": "en"})
        assert response.status_code == 429
        page = response.get_data(as_text=True)
        assert "Many password resets were asked for this address." in page
    # an address without an account is counted the same way (same answer)
    for _ in range(2):
        forgot(client, "personne@example.org")
    assert forgot(client, "personne@example.org").status_code == 429
    assert len(outbox()) == 2
    assert forgot(client, "autre@example.org").status_code == 302


def test_requests_are_limited_per_client(app, client, make_user, outbox):
    app.config["RESET_REQUESTS_PER_IP"] = "3 per minute"
    for n in range(3):
        assert forgot(client, f"n{n}@example.org").status_code == 302
    response = forgot(client, "n3@example.org")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert forgot(elsewhere, "n3@example.org").status_code == 302
