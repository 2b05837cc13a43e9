"""The ``flask`` commands: create-admin and seed-demo."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import func, select

import config
from inspir_events import demo
from inspir_events.accounts.models import Role, User
from inspir_events.app import create_app
from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db

ADMIN_PASSWORD = "a long enough admin passphrase"  # noqa: S105 - test data


def create_admin(app, email="Root@Example.org", name="Régine Admin", password=ADMIN_PASSWORD):
    return app.test_cli_runner().invoke(args=[
        "create-admin", "--email", email, "--name", name, "--password", password,
    ])


def users(app) -> list[User]:
    with app.app_context():
        found = list(db.session.scalars(select(User).order_by(User.id)))
        for user in found:
            _ = user.roles  # loaded before the session ends
        db.session.remove()
        return found


def user_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(User))
        db.session.remove()
        return count


# --- create-admin ----------------------------------------------------------------------------

def test_create_admin_creates_an_audited_administrator(app):
    result = create_admin(app)
    assert result.exit_code == 0, result.output
    assert "root@example.org" in result.output

    [user] = users(app)
    assert user.email == "root@example.org"
    assert user.display_name == "Régine Admin"
    assert user.roles == {Role.ADMIN}
    assert user.password_hash.startswith("$argon2id$")
    assert ADMIN_PASSWORD not in user.password_hash

    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry)).all()
        assert entry.action == "role.grant"
        assert entry.actor_id is None
        assert (entry.object_type, entry.object_id) == ("user", str(user.id))
        assert entry.details == {"role": "admin", "via": "cli"}
        db.session.remove()


def test_the_new_administrator_can_log_in(app, client):
    assert create_admin(app).exit_code == 0
    response = client.post_form("/login", {"email": "root@example.org",
                                           "password": ADMIN_PASSWORD}, token_from="/login")
    assert response.status_code == 302


@pytest.mark.parametrize("password", ["short", "elevenchars", "x" * 129])
def test_create_admin_refuses_a_password_of_the_wrong_length(app, password):
    result = create_admin(app, password=password)
    assert result.exit_code != 0
    assert "between 12 and 128 characters" in result.output
    assert user_count(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_create_admin_refuses_a_taken_address(app):
    assert create_admin(app).exit_code == 0
    result = create_admin(app, email="  ROOT@example.ORG ", name="Someone Else")
    assert result.exit_code != 0
    assert "already uses" in result.output
    [user] = users(app)
    assert user.display_name == "Régine Admin"


# --- seed-demo -------------------------------------------------------------------------------

def seed(app):
    return app.test_cli_runner().invoke(args=["seed-demo"])


def test_seed_demo_creates_accounts_of_each_role_and_prints_the_logins(app):
    result = seed(app)
    assert result.exit_code == 0, result.output

    accounts = users(app)
    assert len(accounts) == len(demo.DEMO_ACCOUNTS)
    roles = set().union(*(u.roles for u in accounts))
    assert roles == {Role.ADMIN, Role.COMMITTEE, Role.ORGANISER, Role.SUPPORT_STRUCTURE}
    for role in Role:
        assert any(u.roles == {role} for u in accounts), f"no {role} account"
    citizens = [u for u in accounts if not u.roles]
    assert len(citizens) >= 2

    assert demo.DEMO_PASSWORD in result.output
    for user in accounts:
        assert user.email in result.output


def test_every_printed_demo_login_signs_in(app):
    output = seed(app).output
    printed = re.findall(r"^\s+(\S+@\S+)\s+(.+?)\s{2,}\S+$", output, re.MULTILINE)
    password = re.search(r"password for all: (\S+)", output).group(1)
    assert len(printed) == len(demo.DEMO_ACCOUNTS)
    for email, name in printed:
        browser = app.test_client()
        response = browser.post_form("/login", {"email": email, "password": password},
                                     token_from="/login")
        assert response.status_code == 302, (email, response.status_code)
        assert name in browser.get("/profile").get_data(as_text=True)


def test_seed_demo_twice_creates_nothing_more(app):
    assert seed(app).exit_code == 0
    before = [(u.id, u.email) for u in users(app)]

    again = seed(app)
    assert again.exit_code == 0, again.output
    assert "already holds data" in again.output
    assert [(u.id, u.email) for u in users(app)] == before


def test_seed_demo_leaves_a_database_with_real_accounts_alone(app):
    assert create_admin(app).exit_code == 0
    result = seed(app)
    assert result.exit_code == 0
    assert "already holds data" in result.output
    assert demo.DEMO_PASSWORD not in result.output
    assert [u.email for u in users(app)] == ["root@example.org"]


def test_seed_demo_refuses_when_demo_accounts_are_not_allowed(make_app):
    app = make_app(DEMO_ACCOUNTS_ALLOWED=False)
    result = seed(app)
    assert result.exit_code != 0
    assert "only created in development" in result.output
    assert demo.DEMO_PASSWORD not in result.output
    assert user_count(app) == 0


def test_seed_demo_refuses_under_production_settings(sqlite_template, tmp_path):
    path = tmp_path / "production.db"
    shutil.copy(sqlite_template, path)
    settings = config.load("production", environ={
        "SECRET_KEY": "a-long-random-production-secret-for-tests",
        "DATABASE_URL": f"sqlite:///{path}",
        "MAIL_SERVER": "smtp.inspir.example", "PUBLIC_URL": "https://inspir.hautsdefrance.fr",
        "MAIL_DEFAULT_SENDER": "INS'pir <ne-pas-repondre@inspir.example>",
    })
    app = create_app(settings)
    assert app.config["NAME"] == "production"
    try:
        result = seed(app)
        assert result.exit_code != 0
        assert "only created in development" in result.output
        assert user_count(app) == 0
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_purge_expired_dry_run_reports_and_keeps_then_purges(app, tmp_path):
    from datetime import timedelta

    from inspir_events.accounts.models import DeletedAccount
    from inspir_events.timeutil import utcnow

    app.config["DELETION_REGISTER_PATH"] = str(tmp_path / "deletions.jsonl")
    create_admin(app)
    with app.app_context():
        idle = db.session.scalar(select(User))
        idle.last_login_at = utcnow() - timedelta(days=4 * 365)
        db.session.commit()
        idle_id = idle.id
        db.session.remove()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge-expired", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"1 inactive account(s) would be deleted (ids {idle_id})." in dry.output
    assert users(app)[0].email == "root@example.org"
    done = runner.invoke(args=["purge-expired"])
    assert "1 inactive account(s) were deleted" in done.output
    with app.app_context():
        assert db.session.get(DeletedAccount, idle_id).reason == "retention"
        assert db.session.get(User, idle_id).email.endswith("@deleted.invalid")
        db.session.remove()
