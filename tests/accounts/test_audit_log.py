"""``/admin/audit``: admins only, newest first, filters, pages, UTC and Paris times, GET
only (issue 10: "never editable from the UI"; no code anywhere changes an entry:
tests/audit/test_append_only.py)."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest

from inspir_events.accounts import audit_log as queries
from inspir_events.accounts.models import Role
from inspir_events.audit.models import AuditEntry


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def add_entries(db, actor, count: int, *, action="label.grant", object_type="event",
                start=datetime(2026, 1, 15, 9, 0), **details):
    """``count`` entries a minute apart from ``start`` (naive UTC), object ids 1..count."""
    rows = []
    for n in range(count):
        rows.append(AuditEntry(actor_id=getattr(actor, "id", None), action=action,
                               object_type=object_type, object_id=str(n + 1),
                               at=start + timedelta(minutes=n),
                               details=details))
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture
def admin(make_user):
    """An administrator of the platform (not signed in)."""
    return make_user("admin@example.org", display_name="Amina Admin", roles=(Role.ADMIN,))


@pytest.fixture
def admin_client(app, admin, login):
    client = app.test_client()
    login(admin, on=client)
    return client


def test_admins_read_the_log_others_cannot(app, db, client, make_user, login, admin_client,
                                           admin):
    add_entries(db, admin, 1)
    page = admin_client.get("/admin/audit")
    assert page.status_code == 200
    assert "label.grant" in text_of(page)
    assert client.get("/admin/audit").status_code == 302  # visitors: to the log-in page
    for roles in ((), (Role.COMMITTEE,), (Role.ORGANISER,), (Role.SUPPORT_STRUCTURE,)):
        other = app.test_client()
        login(make_user(roles=roles), on=other)
        assert other.get("/admin/audit").status_code == 403, roles


def test_newest_first_with_utc_and_paris_times(db, admin_client, admin):
    add_entries(db, admin, 1, object_type="event", start=datetime(2026, 1, 15, 9, 0))
    add_entries(db, admin, 1, object_type="need", start=datetime(2026, 7, 14, 21, 30))
    page = text_of(admin_client.get("/admin/audit"))
    summer, winter = page.index("2026-07-14 21:30:00 UTC"), page.index("2026-01-15 09:00:00 UTC")
    assert summer < winter  # newest first
    assert "2026-07-14 23:30:00" in page  # Paris in summer: UTC+2
    assert "2026-01-15 10:00:00" in page  # Paris in winter: UTC+1
    assert 'datetime="2026-07-14T21:30:00Z"' in page
    assert "Amina Admin" in page


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_filters_by_action_object_and_actor(db, backend, admin_client, admin, make_user):
    claire = make_user("claire@example.org", display_name="Claire Comité",
                       roles=(Role.COMMITTEE,))
    add_entries(db, admin, 2, action="role.grant", object_type="user", role="committee")
    add_entries(db, claire, 3, action="label.refuse", object_type="event")
    add_entries(db, claire, 1, action="project.move", object_type="project")

    def rows(**args) -> int:
        response = admin_client.get("/admin/audit", query_string=args)
        assert response.status_code == 200
        return text_of(response).count('<th scope="row">')

    assert rows() == 6
    assert rows(action="label.refuse") == 3
    assert rows(action="role.") == 2  # a family
    assert rows(action="%") == 0  # LIKE wildcards are taken literally
    assert rows(object_type="event", object_id="2") == 1
    assert rows(object_type="project") == 1
    assert rows(actor="claire") == 4  # part of a name or e-mail
    assert rows(actor="CLAIRE@EXAMPLE") == 4
    assert rows(actor=str(admin.id)) == 2  # an account number
    assert rows(actor="nobody") == 0
    assert rows(actor="claire", action="project.") == 1
    page = text_of(admin_client.get("/admin/audit", query_string={"action": "role.grant"}))
    assert "committee" in page  # details are shown


def test_entries_come_in_pages(db, admin_client, admin):
    add_entries(db, admin, queries.PER_PAGE + 5)
    first = text_of(admin_client.get("/admin/audit"))
    assert first.count('<th scope="row">') == queries.PER_PAGE
    assert "Page 1 of 2" in first or "Page 1 sur 2" in first
    second = text_of(admin_client.get("/admin/audit?page=2"))
    assert second.count('<th scope="row">') == 5
    assert "2026-01-15 09:00:00 UTC" in second  # the oldest on the last page
    assert "2026-01-15 09:00:00 UTC" not in first
    beyond = text_of(admin_client.get("/admin/audit?page=99"))
    assert beyond.count('<th scope="row">') == 5  # past the end: the last page
    assert admin_client.get("/admin/audit?page=abc").status_code == 200


def test_user_text_in_entries_is_escaped(db, admin_client, admin):
    add_entries(db, admin, 1, reason='<script>alert("x")</script>')
    body = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_no_route_under_admin_audit_changes_anything(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin/audit")]
    assert rules, "the audit blueprint is not registered"
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, (rule.rule, rule.methods)
    # Nor any endpoint of the audit blueprint, wherever it is mounted.
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("audit."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, (rule.rule, rule.methods)


def test_a_post_to_the_log_is_refused(admin_client):
    token = admin_client.csrf_token("/admin/audit")
    assert admin_client.post("/admin/audit", data={"csrf_token": token}).status_code == 405
