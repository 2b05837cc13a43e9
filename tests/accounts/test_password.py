"""Password change: the current password is required; the other sessions end (issue 10)."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.accounts import services
from inspir_events.accounts.models import User, UserSession
from inspir_events.audit.models import AuditEntry
from tests.conftest import PASSWORD

NEW = "a brand new passphrase for me"  # noqa: S105 - test data


def change(client, current=PASSWORD, new=NEW, confirm=None):
    return client.post_form("/account/password", {
        "current_password": current, "new_password": new,
        "new_password_confirm": new if confirm is None else confirm,
    }, token_from="/account/password")


def session_hashes(db, user_id: int) -> set[str]:
    return set(db.session.scalars(
        select(UserSession.token_hash).where(UserSession.user_id == user_id)))


def test_the_page_needs_an_account(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_wrong_current_password_is_an_error_on_its_field(app, client, db, make_user, login):
    user = make_user()
    login(user)
    before = db.session.get(User, user.id).password_hash
    response = change(client, current="not my password at all")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="current_password-error"' in page
    assert 'aria-describedby="current_password-error"' in page
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    assert not db.session.scalars(select(AuditEntry)
                                  .where(AuditEntry.action == "account.password")).all()


def test_the_new_password_follows_the_rules_and_is_confirmed(client, db, make_user, login):
    user = make_user()
    login(user)
    short = change(client, new="too short")
    assert short.status_code == 422
    assert 'id="new_password-error"' in short.get_data(as_text=True)
    differ = change(client, confirm="another long passphrase")
    assert differ.status_code == 422
    assert 'id="new_password_confirm-error"' in differ.get_data(as_text=True)
    with client.application.app_context():
        assert services.authenticate(user.email, PASSWORD).id == user.id


def test_success_ends_the_other_sessions_and_renews_this_one(app, client, db, make_user, login,
                                                             socket_calls):
    user = make_user()
    other_browser = app.test_client()
    login(user)
    login(user, on=other_browser)
    before = session_hashes(db, user.id)
    assert len(before) == 2

    response = change(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/profile")

    after = session_hashes(db, user.id)
    assert len(after) == 1 and not after & before  # a new token for this browser only
    assert client.get("/profile").status_code == 200  # still signed in here
    gone = other_browser.get("/profile")  # the other browser is signed out
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    assert socket_calls == [user.id]  # its sockets are disconnected too
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.password"))
    assert entry.actor_id == user.id and entry.object_id == str(user.id)
    with app.app_context():
        assert services.authenticate(user.email, NEW).id == user.id
        try:
            services.authenticate(user.email, PASSWORD)
        except services.InvalidCredentials:
            pass
        else:
            raise AssertionError("the old password still works")
