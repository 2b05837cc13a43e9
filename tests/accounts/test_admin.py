"""Roles are granted and revoked by an admin on the admin page, and audited."""

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import Role, User
from inspir_events.audit.models import AuditEntry


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", roles=(Role.ADMIN,))


def roles_of(db, user_id):
    return db.session.get(User, user_id).roles


def test_visitors_are_sent_to_log_in(client):
    assert client.get("/admin/users").status_code == 302


def test_citizens_and_other_roles_get_403(client, make_user, login):
    for roles in [(), (Role.ORGANISER,), (Role.COMMITTEE,)]:
        user = make_user(roles=roles)
        login(user)
        assert client.get("/admin/users").status_code == 403
        target = make_user()
        response = client.post_form(f"/admin/users/{target.id}/roles",
                                    {f"u{target.id}-roles": ["admin"]})
        assert response.status_code == 403
        client.post_form("/logout")


def test_admin_grants_and_revokes_roles_with_audit(client, db, admin, make_user, login):
    target = make_user("orga@example.org")
    login(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "orga@example.org" in page
    response = client.post_form(f"/admin/users/{target.id}/roles",
                                {f"u{target.id}-roles": ["organiser", "committee"]})
    assert response.status_code == 302
    assert roles_of(db, target.id) == {Role.ORGANISER, Role.COMMITTEE}
    client.post_form(f"/admin/users/{target.id}/roles", {f"u{target.id}-roles": ["organiser"]})
    assert roles_of(db, target.id) == {Role.ORGANISER}
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    seen = [(e.action, e.details["role"], e.actor_id, e.object_id) for e in entries]
    assert sorted(seen[:2]) == [
        ("role.grant", "committee", admin.id, str(target.id)),
        ("role.grant", "organiser", admin.id, str(target.id)),
    ]
    assert seen[2:] == [("role.revoke", "committee", admin.id, str(target.id))]


def test_unknown_role_is_refused(client, db, admin, make_user, login):
    target = make_user()
    login(admin)
    client.post_form(f"/admin/users/{target.id}/roles", {f"u{target.id}-roles": ["emperor"]})
    assert roles_of(db, target.id) == set()


def test_admin_cannot_drop_their_own_admin_role(client, db, admin, login):
    login(admin)
    client.post_form(f"/admin/users/{admin.id}/roles", {f"u{admin.id}-roles": []})
    assert roles_of(db, admin.id) == {Role.ADMIN}


def test_roles_of_a_missing_account_answer_404(client, admin, login):
    login(admin)
    assert client.post_form("/admin/users/9999/roles", {}).status_code == 404
