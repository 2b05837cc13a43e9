"""Log-in and log-out: server-side sessions, renewed ids, generic errors, limits."""

from datetime import timedelta

from sqlalchemy import func, select

from inspir_events.accounts.models import UserSession
from inspir_events.timeutil import utcnow
from tests.conftest import PASSWORD


def session_count(db):
    return db.session.scalar(select(func.count()).select_from(UserSession))


def test_log_in_opens_a_server_side_session(client, db, make_user, login):
    user = make_user()
    login(user)
    assert session_count(db) == 1
    assert client.get("/profile").status_code == 200


def test_wrong_password_and_unknown_email_say_the_same(client, make_user):
    user = make_user()
    wrong_password = client.post_form(
        "/login", {"email": user.email, "password": "not the password"}, token_from="/login")
    unknown = client.post_form(
        "/login", {"email": "nobody@example.org", "password": PASSWORD}, token_from="/login")
    assert wrong_password.status_code == unknown.status_code == 422
    message = "Adresse électronique inconnue ou mot de passe erroné"
    for response in (wrong_password, unknown):
        page = response.get_data(as_text=True)
        assert message in page or "Unknown email address or wrong password" in page
    # the typed address is kept
    assert f'value="{user.email}"' in wrong_password.get_data(as_text=True)


def test_session_id_is_renewed_at_each_log_in(app, client, db, make_user, login):
    user = make_user()
    client.get("/")  # a visitor session exists before log-in
    with client.session_transaction() as before:
        before_token = before.get("_user_id")
    login(user)
    with client.session_transaction() as first:
        first_token = first["_user_id"]
    client.post_form("/logout")
    login(user)
    with client.session_transaction() as second:
        second_token = second["_user_id"]
    assert before_token is None
    assert first_token != second_token
    assert str(user.id) not in (first_token, second_token)  # the cookie holds a token, not an id


def test_log_out_ends_the_session_server_side(app, client, db, make_user, login):
    user = make_user()
    login(user)
    stolen_cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert client.post_form("/logout").status_code == 302
    assert session_count(db) == 0
    # replaying the old cookie does not sign anyone in
    other = app.test_client()
    other.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen_cookie)
    response = other.get("/profile")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_logout_is_post_only(client):
    assert client.get("/logout").status_code == 405


def test_idle_session_expires(app, client, db, make_user, login):
    user = make_user()
    login(user)
    row = db.session.scalar(select(UserSession))
    row.last_seen_at = utcnow() - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/profile").status_code == 302
    assert session_count(db) == 0


def test_session_has_an_absolute_lifetime(app, client, db, make_user, login):
    user = make_user()
    login(user)
    row = db.session.scalar(select(UserSession))
    row.created_at = utcnow() - app.config["SESSION_ABSOLUTE_LIFETIME"] - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/profile").status_code == 302


def test_remember_me_makes_the_cookie_persistent(app, client, make_user, login):
    user = make_user()
    response = login(user, remember=True)
    cookie = [h for h in response.headers.getlist("Set-Cookie")
              if h.startswith(app.config["SESSION_COOKIE_NAME"])][-1]
    assert "Expires=" in cookie
    client.post_form("/logout")
    response = login(user, remember=False)
    cookie = [h for h in response.headers.getlist("Set-Cookie")
              if h.startswith(app.config["SESSION_COOKIE_NAME"])][-1]
    assert "Expires=" not in cookie


def test_next_parameter_is_followed_only_on_this_site(client, make_user):
    user = make_user()
    data = {"email": user.email, "password": PASSWORD}
    response = client.post_form("/login?next=/profile", data, token_from="/login")
    assert response.headers["Location"].endswith("/profile")
    client.post_form("/logout")
    response = client.post_form("/login?next=https://evil.example/", data, token_from="/login")
    assert "evil" not in response.headers["Location"]


def test_sixth_failed_attempt_on_an_account_gets_429_in_french(client, make_user):
    user = make_user()
    bad = {"email": user.email, "password": "wrong password!"}
    token = client.csrf_token("/login")
    codes = [client.post("/login", data=dict(bad, csrf_token=token)).status_code
             for _ in range(6)]
    assert codes == [422] * 5 + [429]
    page = client.post("/login", data=dict(bad, csrf_token=token)).get_data(as_text=True)
    assert "Trop de tentatives" in page
    # the limit is on failures of that account: the right password is refused too for now
    ok = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                     "csrf_token": token})
    assert ok.status_code == 429


def test_successful_log_ins_do_not_count(client, make_user):
    user = make_user()
    for _ in range(7):
        assert client.post_form("/login", {"email": user.email, "password": PASSWORD},
                                token_from="/login").status_code == 302
        client.post_form("/logout")


def test_failures_are_limited_per_address_across_accounts(make_app, make_user):
    app = make_app(LOGIN_FAILURES_PER_IP="8 per minute")
    client = app.test_client()
    token = client.csrf_token("/login")
    codes = [
        client.post("/login", data={"email": f"nobody{i}@example.org", "password": "x" * 12,
                                    "csrf_token": token}).status_code
        for i in range(9)
    ]
    assert codes == [422] * 8 + [429]


def test_429_is_in_english_for_english_readers(client, make_user):
    user = make_user()
    token = client.csrf_token("/login")
    for _ in range(6):
        response = client.post("/login", data={"email": user.email, "password": "nope nope",
                                               "csrf_token": token},
                               headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_a_form_post_after_expiry_comes_back_to_the_form_page(client, make_user, login):
    user = make_user()
    token = client.csrf_token("/login")
    response = client.post("/needs/1/support", data={"csrf_token": token, "supported": "1"},
                           headers={"Referer": "http://localhost/needs?page=2"})
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.endswith("/login?next=/needs?page%3D2")
    # the log-in form posts to its own address, ?next= included
    response = client.post_form(login_url, {"email": user.email, "password": PASSWORD},
                                token_from=login_url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/needs?page=2")


def test_a_get_page_needing_an_account_comes_back_to_itself(client):
    response = client.get("/profile?tab=1")
    assert "/login?next=/profile?tab%3D1" in response.headers["Location"]
