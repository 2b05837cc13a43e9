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


def test_sign_up_creates_a_citizen_and_signs_in(client, db):
    response = client.post_form("/signup", GOOD, token_from="/signup")
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.email == "camille.martin@example.org"
    assert user.roles == set()
    assert user.password_hash.startswith("$argon2id$")
    assert "une phrase" not in user.password_hash
    # signed in at once
    assert "Camille" in client.get("/profile").get_data(as_text=True)


def test_taken_email_is_refused_case_insensitively_and_keeps_input(client, db, make_user):
    make_user("camille.martin@example.org")
    response = client.post_form("/signup", GOOD, token_from="/signup")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert count_users(db) == 1
    assert 'value="Camille.Martin@Example.org"' in page
    assert 'value="Camille"' in page
    assert "une phrase assez longue" not in page  # the password is never echoed
    assert 'aria-invalid="true"' in page


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
