"""Retention: ``purge_expired`` removes what is past its period, with time frozen."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from inspir_events.accounts import privacy, retention
from inspir_events.accounts.models import DeletedAccount, User, UserSession
from inspir_events.audit.models import AuditEntry
from inspir_events.mail.models import OutboxMessage
from inspir_events.mail.rules import MailStatus
from inspir_events.notifications.models import Notification

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
NOW = datetime(2031, 6, 15, 12, 0)
DAY = timedelta(days=1)
YEAR = timedelta(days=365)


@pytest.fixture
def frozen(monkeypatch):
    """Time stops at NOW for the purge (and the register rows it writes)."""
    monkeypatch.setattr(retention, "utcnow", lambda: NOW)
    monkeypatch.setattr(privacy, "utcnow", lambda: NOW)
    return NOW


@pytest.fixture
def story(db, make_user):
    """Rows on both sides of each period's limit; returns their ids by name."""
    def user(name, last_login, created=NOW - 10 * YEAR):
        account = make_user(email=f"{name}@example.org")
        account.created_at, account.last_login_at = created, last_login
        return account

    users = {
        "idle": user("idle", NOW - 3 * YEAR - DAY),
        "active": user("active", NOW - 3 * YEAR + DAY),
        "never_old": user("never_old", None, created=NOW - 4 * YEAR),
        "never_new": user("never_new", None, created=NOW - YEAR),
    }
    active = users["active"].id
    sessions = {
        "idle_out": UserSession(token_hash="a" * 64, user_id=active, created_at=NOW - 2 * DAY / 24,
                                last_seen_at=NOW - timedelta(minutes=31)),
        "too_old": UserSession(token_hash="b" * 64, user_id=active, created_at=NOW - 13 * DAY / 24,
                               last_seen_at=NOW - timedelta(minutes=1)),
        "live": UserSession(token_hash="c" * 64, user_id=active, created_at=NOW - DAY / 24,
                            last_seen_at=NOW - timedelta(minutes=1)),
    }
    notes = {
        "read_old": Notification(user_id=active, kind="team.lead", params={}, created_at=NOW -
                                 2 * YEAR, read_at=NOW - YEAR - DAY),
        "read_recent": Notification(user_id=active, kind="team.lead", params={},
                                    created_at=NOW - 2 * YEAR, read_at=NOW - YEAR + DAY),
        "unread_old": Notification(user_id=active, kind="team.lead", params={},
                                   created_at=NOW - 2 * YEAR),
    }
    audits = {
        "audit_old": AuditEntry(at=NOW - 5 * YEAR - DAY, action="role.grant",
                                object_type="user", object_id="1", details={}),
        "audit_recent": AuditEntry(at=NOW - 5 * YEAR + DAY, action="role.grant",
                                   object_type="user", object_id="1", details={}),
    }
    def mail(status, created):
        return OutboxMessage(user_id=active, kind="account.verify", language="fr",
                             recipient="active@example.org", subject="s", body_text="t",
                             body_html="h", attachments=[], headers={}, status=status,
                             message_id=f"<{status}-{created:%Y%m%d}@localhost>",
                             created_at=created, next_attempt_at=created)

    mails = {
        "mail_sent_old": mail(MailStatus.SENT, NOW - 90 * DAY - DAY),
        "mail_failed_old": mail(MailStatus.FAILED, NOW - 90 * DAY - DAY),
        "mail_sent_recent": mail(MailStatus.SENT, NOW - 90 * DAY + DAY),
        "mail_pending_old": mail(MailStatus.PENDING, NOW - 90 * DAY - DAY),
    }
    register = {
        "register_old": DeletedAccount(user_id=90001, email_sha256="0" * 64, reason="self",
                                       deleted_at=NOW - 5 * YEAR - DAY),
        "register_recent": DeletedAccount(user_id=90002, email_sha256="1" * 64, reason="self",
                                          deleted_at=NOW - 5 * YEAR + DAY),
    }
    for rows in (sessions, notes, mails, audits, register):
        db.session.add_all(rows.values())
    db.session.commit()
    privacy.write_register_file([privacy.entry_dict(r) for r in register.values()])
    return {name: row.id if not isinstance(row, DeletedAccount) else row.user_id
            for rows in (users, sessions, notes, mails, audits, register)
            for name, row in rows.items()}


def present(db, story) -> set[str]:
    db.session.expire_all()
    found = set()
    for name, model in [("idle", User), ("active", User), ("never_old", User),
                        ("never_new", User), ("idle_out", UserSession), ("too_old", UserSession),
                        ("live", UserSession), ("read_old", Notification),
                        ("read_recent", Notification), ("unread_old", Notification),
                        ("mail_sent_old", OutboxMessage), ("mail_failed_old", OutboxMessage),
                        ("mail_sent_recent", OutboxMessage),
                        ("mail_pending_old", OutboxMessage),
                        ("audit_old", AuditEntry), ("audit_recent", AuditEntry),
                        ("register_old", DeletedAccount), ("register_recent", DeletedAccount)]:
        row = db.session.get(model, story[name])
        if row is not None and not (model is User and row.display_name == "Compte supprimé"):
            found.add(name)
    return found


@BOTH
def test_a_dry_run_counts_and_changes_nothing(db, story, frozen):
    before = present(db, story)
    report = retention.purge_expired(dry_run=True)
    assert report.dry_run
    assert report.accounts == sorted([story["idle"], story["never_old"]])
    assert (report.sessions, report.notifications, report.mail_messages,
            report.audit_entries, report.register_entries) == (2, 1, 2, 1, 1)
    assert present(db, story) == before
    assert len(privacy.read_register_file()) == 2


@BOTH
def test_the_purge_removes_what_is_past_its_period_and_keeps_the_rest(db, story, frozen,
                                                                      socket_calls):
    report = retention.purge_expired()
    assert present(db, story) == {"active", "never_new", "live", "read_recent", "unread_old",
                                  "mail_sent_recent", "mail_pending_old", "audit_recent",
                                  "register_recent"}
    assert len(report.accounts) == 2
    # Inactive accounts are deleted as their owner would delete them: register and audit.
    for name in ("idle", "never_old"):
        entry = db.session.get(DeletedAccount, story[name])
        assert entry.reason == "retention" and entry.deleted_at == NOW
        assert db.session.get(User, story[name]).email.endswith("@deleted.invalid")
    assert db.session.scalars(select(AuditEntry.object_id)
                              .where(AuditEntry.action == "account.delete")
                              .order_by(AuditEntry.id)).all() \
        == [str(story["idle"]), str(story["never_old"])]
    file_ids = [e["user_id"] for e in privacy.read_register_file()]
    assert file_ids == [story["register_recent"], story["idle"], story["never_old"]]
    assert sorted(socket_calls) == sorted([story["idle"], story["never_old"]])
    # A second run finds nothing more (a deleted account is not deleted twice).
    again = retention.purge_expired()
    assert (again.accounts, again.sessions, again.notifications) == ([], 0, 0)
