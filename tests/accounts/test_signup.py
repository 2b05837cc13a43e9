"""Sign-up: accounts created with argon2id, bad input refused with field errors."""

from sqlalchemy import func, select

from inspir_events.accounts.models import User

GOOD = {
    "email": "Camille.Martin@Example.org",
    "display_name": "Camille",
    "password": "une phrase assez longue",
    "password_confirm": "une phrase assez longue",
}


def count_users(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_sign_up_creates_an_unconfirmed_citizen_and_sends_the_link(client, db, outbox):
    response = client.post_form("/signup", GOOD, token_from="/signup")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signup/check-your-mailbox"
    user = db.session.scalar(select(User))
    assert user.email == "camille.martin@example.org"
    assert user.roles == set()
    assert user.password_hash.startswith("$argon2id$")
    assert "une phrase" not in user.password_hash
    assert user.email_verified_at is None  # confirmed by the link only
    (message,) = outbox()
    assert (message.kind, message.recipient) == ("account.verify", user.email)
    assert message.subject == "Confirmez votre adresse électronique"
    assert "/account/confirm/" in message.body_text
    # not signed in: the answer must be the same for a taken address
    assert client.get("/profile").status_code == 302
    page = client.get("/signup/check-your-mailbox").get_data(as_text=True)
    assert "Nous avons envoyé un message à Camille.Martin@Example.org." in page


def test_the_first_message_is_in_the_sign_up_pages_language(client, db, outbox):
    client.post_form("/signup", GOOD, token_from="/signup", headers={"Accept-Language": "en"})
    user = db.session.scalar(select(User))
    assert user.locale == "en"  # the account keeps the language it signed up in
    assert outbox()[0].subject == "Confirm your e-mail address"


def test_a_taken_address_answers_as_a_new_sign_up_and_tells_the_owner(client, db, make_user,
                                                                      outbox, app):
    owner = make_user("camille.martin@example.org", locale="en")
    taken = client.post_form("/signup", GOOD, token_from="/signup")
    taken_page = client.get(taken.headers["Location"]).get_data(as_text=True)
    fresh = app.test_client().post_form("/signup", dict(GOOD, email="Other@Example.org"),
                                        token_from="/signup")
    assert (taken.status_code, taken.headers["Location"]) == \
        (fresh.status_code, fresh.headers["Location"])
    assert "Nous avons envoyé un message à Camille.Martin@Example.org." in taken_page
    assert count_users(db) == 2  # the owner and the fresh sign-up, nobody else
    db.session.refresh(owner)
    assert owner.display_name != "Camille"  # nothing of the owner's account changed
    (told,) = outbox(to=owner.email)
    assert told.kind == "account.address_in_use"
    assert told.subject == "You already have an account with this address"  # their language
    assert "/login" in told.body_text and "/password/forgot" in told.body_text


def test_short_password_is_refused(client, db):
    data = dict(GOOD, password="onze caract", password_confirm="onze caract")
    response = client.post_form("/signup", data, token_from="/signup")
    assert response.status_code == 422
    assert count_users(db) == 0
    assert 'id="password-error"' in response.get_data(as_text=True)


def test_twelve_characters_are_enough_without_composition_rules(client, db):
    data = dict(GOOD, password="aaaaaaaaaaaa", password_confirm="aaaaaaaaaaaa")
    assert client.post_form("/signup", data, token_from="/signup").status_code == 302
    assert count_users(db) == 1


def test_too_long_password_is_refused(client, db):
    long = "x" * 129
    data = dict(GOOD, password=long, password_confirm=long)
    assert client.post_form("/signup", data, token_from="/signup").status_code == 422
    assert count_users(db) == 0


def test_bad_email_is_refused(client, db):
    data = dict(GOOD, email="not-an-address")
    response = client.post_form("/signup", data, token_from="/signup")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert count_users(db) == 0
    assert 'id="email-error"' in page
    assert 'value="not-an-address"' in page


def test_mismatched_confirmation_is_refused(client, db):
    data = dict(GOOD, password_confirm="une autre phrase longue")
    assert client.post_form("/signup", data, token_from="/signup").status_code == 422
    assert count_users(db) == 0
