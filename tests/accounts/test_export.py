"""RGPD export: a JSON file of everything naming the user, one section per table."""

from __future__ import annotations

import json

import pytest

from inspir_events.accounts import privacy
from inspir_events.accounts.models import User
from inspir_events.accounts.registry import registry
from inspir_events.audit.models import AuditEntry
from inspir_events.database import begin_write
from inspir_events.extensions import db as _db
from inspir_events.mail import services as mail_services
from inspir_events.mail.rules import MailMode

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def account_references(app) -> set[tuple[str, str]]:
    with app.app_context():
        return {(t.name, c.name) for t in _db.metadata.sorted_tables
                for fk in t.foreign_keys if fk.column.table.name == "user_account"
                for c in [fk.parent]}


def test_every_table_naming_an_account_has_an_export_section_or_a_reason(app):
    tables = {table for table, _column in account_references(app)} | {"user_account"}
    export_keys, not_exported = registry(app).export_keys(), registry(app).not_exported()
    missing = tables - set(export_keys) - set(not_exported)
    assert not missing, f"tables with a user foreign key missing from the export: {missing}"
    assert not set(export_keys) - tables, "stale export keys"
    assert not set(not_exported) & set(export_keys)
    assert all(len(reason) > 20 for reason in not_exported.values())


def test_every_column_naming_an_account_has_a_deletion_rule(app):
    references = account_references(app)
    plan = registry(app).deletion_plan()
    assert references == set(plan), references ^ set(plan)


def download(client):
    return client.post_form("/account/export", {}, token_from="/account/export")


def test_the_export_page_and_download_need_an_account(client):
    assert client.get("/account/export").status_code == 302
    assert client.post("/account/export").status_code in (302, 400)


@BOTH
def test_a_full_story_is_exported_without_secrets(client, db, demo_users, login_demo):
    uid = demo_users["dev"]
    login_demo(uid)
    response = download(client)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    data = json.loads(body)

    user = db.session.get(User, uid)
    assert data["format"] == privacy.EXPORT_FORMAT
    assert data["account"]["email"] == user.email
    assert data["account"]["display_name"] == user.display_name
    assert "password_hash" not in data["account"] and user.password_hash not in body
    assert "token_hash" not in body
    # Every section of the mapping is there, even when empty.
    assert set(registry().export_keys().values()) <= set(data)
    # The demo's "dev": needs, supports, registrations, teams, ideas, votes, skills.
    for key in ("needs", "supports", "registrations", "team_memberships", "ideas", "votes",
                "skills", "project_memberships", "teams_led"):
        assert data[key], key
    assert {row["author_id"] for row in data["needs"]} == {uid}
    assert {row["voter_id"] for row in data["votes"]} == {uid}
    assert {row["user_id"] for row in data["registrations"]} == {uid}
    assert all("description_html" not in row and "search_text" not in row
               for row in data["needs"])
    assert data["needs"][0]["created_at"].endswith("Z")
    # The demo's "dev" sits on the call's jury and on the co-funding sessions' (issue 19):
    # seats and scores, each score audited.
    assert len(data["jury_seats"]) >= 2 and data["jury_scores"]
    scored = db.session.query(AuditEntry).filter_by(action="jury.score", actor_id=uid).count()
    assert scored >= 4
    # The export is audited, and that entry is part of it (after the jury's scores).
    assert [e["action"] for e in data["audit_entries"]] == ["jury.score"] * scored + [
        "account.export"]
    assert db.session.query(AuditEntry).filter_by(action="account.export",
                                                  actor_id=uid).count() == 1


@BOTH
def test_money_and_label_decisions_and_applications_are_exported(app, client, db, demo_users,
                                                                  login_demo):
    login_demo(demo_users["comite"])
    data = download(client).get_json()
    assert data["grants_decided"] and data["commitments_decided"]
    assert data["project_moves_decided"] and data["label_requests"]
    assert data["roles"][0]["role"] == "committee"
    organiser = app.test_client()
    login_demo(demo_users["orga"], on=organiser)
    data = download(organiser).get_json()
    assert data["cofunding_applications"] and data["events_organised"]
    assert {row["applicant_id"] for row in data["cofunding_applications"]} == {
        demo_users["orga"]}


def test_the_budget_years_an_admin_opened_are_exported(app, client, db, demo_users,
                                                       login_demo):
    """The demo's administrator opened the current budget year: its rules are in their
    export, the vote's date as a plain day."""
    login_demo(demo_users["admin"])
    [opened] = download(client).get_json()["budget_years_set"]
    assert opened["created_by_id"] == demo_users["admin"]
    assert opened["vote_date"].endswith("-01-15") and len(opened["vote_date"]) == 10


def test_the_calendar_feed_is_exported_without_its_token(client, db, make_user, login):
    user = make_user()
    login(user)
    assert client.post_form("/calendar/token", {}, token_from="/profile").status_code == 200
    data = download(client).get_json()
    assert len(data["calendar_feed"]) == 1
    assert "token" not in data["calendar_feed"][0]
    assert "token_hash" not in data["calendar_feed"][0]
    assert data["calendar_feed"][0]["user_id"] == user.id


def test_the_emails_sent_and_the_choices_per_kind_are_exported(client, db, make_user, login,
                                                               outbox):
    user = make_user("nadia@example.org", verified=False)
    login(user)
    client.post_form("/account/confirm/resend", token_from="/profile")
    begin_write()
    mail_services.set_mode(user.id, "account.verify", MailMode.DAILY)
    db.session.commit()
    data = download(client).get_json()
    (email,) = data["emails"]
    assert (email["recipient"], email["kind"], email["status"]) == (
        "nadia@example.org", "account.verify", "pending")
    assert email["subject"] == "Confirmez votre adresse électronique"
    assert "body_html" not in email  # a derived copy of the text
    assert data["email_preferences"] == [{"user_id": user.id, "kind": "account.verify",
                                          "mode": "daily",
                                          "updated_at": data["email_preferences"][0][
                                              "updated_at"]}]
