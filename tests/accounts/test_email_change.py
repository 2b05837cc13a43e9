"""Changing one's address (issue 17 §2): the current password first; the new address gets
a link and replaces the old one once it is followed; the old address is told; an address
another account uses is answered the same way and its owner told instead."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.audit.models import AuditEntry
from tests.conftest import PASSWORD, link_path
from tests.pages import parse


def ask(client, email: str, password: str = PASSWORD):
    return client.post_form("/account/email", {"email": email, "current_password": password},
                            token_from="/account/email")


def test_the_profile_shows_the_address_and_the_way_to_change_it(client, make_user, login):
    login(make_user("nadia@example.org"))
    section = parse(client.get("/profile").get_data(as_text=True)).by_id("address-title").parent
    assert "nadia@example.org, confirmée." in section.text
    assert section.find("a", href="/account/email") is not None


def test_a_new_address_waits_for_its_link_then_replaces_the_old_one(client, db, make_user,
                                                                   login, outbox):
    user = make_user("nadia@example.org", locale="en")
    login(user)
    response = ask(client, "Nadia.Nouvelle@Example.org")
    assert (response.status_code, response.headers["Location"]) == (302, "/profile")
    db.session.refresh(user)
    assert (user.email, user.pending_email) == ("nadia@example.org",
                                                "nadia.nouvelle@example.org")
    assert "waits for confirmation" in client.get("/profile", headers={
        "Accept-Language": "en"}).get_data(as_text=True)
    (message,) = outbox(to="nadia.nouvelle@example.org")
    assert (message.kind, message.subject) == ("account.email_change",
                                               "Confirm your new e-mail address")
    link = link_path(message, "/account/confirm/")
    client.post_form(link, token_from=link)
    db.session.refresh(user)
    assert (user.email, user.pending_email) == ("nadia.nouvelle@example.org", None)
    (told,) = outbox(to="nadia@example.org")
    assert told.kind == "account.email_changed"
    assert "nadia.nouvelle@example.org" in told.body_text and "/password/forgot" in told.body_text
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"account.email_change_requested", "account.email_change"} <= actions
    # the new address signs in; the old one no longer does
    client.post_form("/logout")
    assert client.post_form("/login", {"email": "nadia.nouvelle@example.org",
                                       "password": PASSWORD},
                            token_from="/login").status_code == 302


def test_the_current_password_is_asked(client, db, make_user, login, outbox):
    user = make_user()
    login(user)
    response = ask(client, "nouvelle@example.org", "not my password at all")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ce n’est pas votre mot de passe actuel." in page
    assert 'value="nouvelle@example.org"' in page  # what was typed is kept
    db.session.refresh(user)
    assert user.pending_email is None and outbox() == []


def test_the_same_address_is_refused(client, make_user, login, outbox):
    login(make_user("nadia@example.org"))
    response = ask(client, "NADIA@example.org")
    assert response.status_code == 422
    assert "C’est déjà votre adresse." in response.get_data(as_text=True)
    assert outbox() == []


def test_an_address_in_use_answers_the_same_and_tells_its_owner(client, db, make_user, login,
                                                               outbox):
    owner = make_user("karim@example.org")
    user = make_user("nadia@example.org")
    login(user)
    response = ask(client, "karim@example.org")
    assert (response.status_code, response.headers["Location"]) == (302, "/profile")
    assert "Nous avons envoyé un lien à karim@example.org" in client.get(
        "/profile").get_data(as_text=True)
    db.session.refresh(user)
    assert user.pending_email is None
    (told,) = outbox()
    assert (told.recipient, told.kind, told.user_id) == (owner.email, "account.address_in_use",
                                                        owner.id)


def test_a_newer_request_voids_the_older_link(client, db, make_user, login, outbox):
    user = make_user("nadia@example.org")
    login(user)
    ask(client, "premiere@example.org")
    old_link = link_path(outbox(to="premiere@example.org")[0], "/account/confirm/")
    ask(client, "seconde@example.org")
    assert client.post_form(old_link, token_from="/profile").status_code == 410
    db.session.refresh(user)
    assert (user.email, user.pending_email) == ("nadia@example.org", "seconde@example.org")


def test_an_address_taken_meanwhile_is_refused_at_the_link(client, db, make_user, login,
                                                          outbox):
    user = make_user("nadia@example.org")
    login(user)
    ask(client, "libre@example.org")
    link = link_path(outbox(to="libre@example.org")[0], "/account/confirm/")
    make_user("libre@example.org")  # someone signed up with it since
    response = client.post_form(link, token_from="/profile")
    assert response.status_code == 409
    assert "Un autre compte utilise désormais cette adresse" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "nadia@example.org"


def test_an_address_mistyped_at_sign_up_is_replaced_without_telling_it(client, db, make_user,
                                                                      login, outbox):
    user = make_user("nadia@exmaple.org", verified=False)  # a typo: maybe a stranger's
    login(user)
    ask(client, "nadia@example.org")
    (message,) = outbox()  # the new address's link, not the unconfirmed one's
    assert (message.recipient, message.kind) == ("nadia@example.org", "account.email_change")
    link = link_path(message, "/account/confirm/")
    client.post_form(link, token_from=link)
    db.session.refresh(user)
    assert user.email == "nadia@example.org" and user.email_verified_at is not None
    assert outbox(to="nadia@exmaple.org") == []  # the stranger learns nothing
