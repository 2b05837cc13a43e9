"""The signed-in user as every page reads it (``accounts.services.load_session``): the
session's user with their roles in one statement, one entity; the roles as read there until
they change."""

from __future__ import annotations

import pytest

from inspir_events.accounts import services as account_services
from inspir_events.accounts.models import Role, User


def _fresh(db):
    """A new unit of work, as the next request has: nothing of the user kept."""
    db.session.remove()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_the_roles_come_with_the_session_s_statement(app, backend, db, make_user,
                                                     statements_run):
    committee = make_user(roles=(Role.COMMITTEE, Role.ADMIN))
    nobody = make_user()
    tokens = [account_services.open_session(user) for user in (committee, nobody)]
    _fresh(db)
    with app.test_request_context(), statements_run() as seen:
        users = [account_services.load_session(token) for token in tokens]
        roles = [user.roles for user in users]
        checks = [(user.has_role(Role.COMMITTEE), user.is_admin) for user in users]
    assert roles == [{Role.COMMITTEE, Role.ADMIN}, set()]
    assert checks == [(True, True), (False, False)]
    # One statement per session, the roles in it: none for the role rows themselves.
    statements = [s for s in seen
                  if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    assert len(statements) == 2, statements
    assert not any("FROM user_role" in s and "user_role.user_id IN" in s for s in statements)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_roles_changed_after_the_session_was_read_are_the_new_ones(app, backend, db,
                                                                   make_user):
    admin = make_user(roles=(Role.ADMIN,))
    admin_id, token = admin.id, account_services.open_session(admin)
    _fresh(db)
    with app.test_request_context():
        user = account_services.load_session(token)
        assert user.roles == {Role.ADMIN}
        granted, _revoked = account_services.set_roles(user, user, [Role.ADMIN, Role.COMMITTEE])
        assert granted == {Role.COMMITTEE}
        assert user.roles == {Role.ADMIN, Role.COMMITTEE}
        assert user.has_role(Role.COMMITTEE)
    _fresh(db)
    with app.test_request_context():
        again = account_services.load_session(token)
        assert again.roles == {Role.ADMIN, Role.COMMITTEE}
        assert db.session.get(User, admin_id) is again


def test_an_ended_session_gives_no_user(app, db, make_user):
    user = make_user()
    token = account_services.open_session(user)
    account_services.close_session(token)
    _fresh(db)
    with app.test_request_context():
        assert account_services.load_session(token) is None
        assert account_services.load_session("not-a-token") is None


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_the_session_s_user_is_made_of_its_columns_and_acts_as_loaded(app, backend, db,
                                                                       make_user):
    """The ORM loads no row of the session's statement (its work on it cost more than the
    statement): the user is made of the columns, attached to the request's session as if
    loaded — its relationships load when used, its changes are written, and the same
    object is what the session gives for that user afterwards."""
    from sqlalchemy import event
    from sqlalchemy import inspect as sa_inspect

    user = make_user(display_name="Ada", department_code="59")
    user_id, email, token = user.id, user.email, account_services.open_session(user)
    _fresh(db)
    loaded = []

    def on_load(target, context):
        loaded.append(target)

    event.listen(User, "load", on_load)
    try:
        with app.test_request_context():
            found = account_services.load_session(token)
            state = sa_inspect(found)
            assert loaded == [] and state.persistent and not state.modified
            assert (found.id, found.display_name, found.email) == (user_id, "Ada", email)
            assert found.department.code == "59"  # a relationship loads when used
            assert db.session.get(User, user_id) is found
            account_services.update_profile(found, display_name="Ada L.", department_code="80",
                                            skill_codes=[], bio="")
    finally:
        event.remove(User, "load", on_load)
    _fresh(db)
    with app.test_request_context():
        again = db.session.get(User, user_id)
        assert (again.display_name, again.department_code) == ("Ada L.", "80")
