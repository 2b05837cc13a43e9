"""Retention (RGPD art. 5-1-e, storage limitation) and the replay of the deletion register.

``purge_expired`` removes what is past its period (settings RETENTION_*; the
periods and their grounds are in docs/privacy.md): accounts without a log-in
for three years (deleted as their owner would), expired server-side sessions,
notifications read more than a year ago, e-mails sent (alone or in a daily digest)
or failed more than 90 days ago, audit entries and register rows older than five
years. ``replay_deletions`` deletes again, after a backup is restored, the accounts
the register says were deleted after that backup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select

from inspir_events.accounts import privacy
from inspir_events.accounts.models import DeletedAccount, User, UserSession
from inspir_events.accounts.services import alive_sessions
from inspir_events.audit.models import AuditEntry
from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db
from inspir_events.mail.models import OutboxMessage
from inspir_events.mail.rules import MailStatus
from inspir_events.notifications.models import Notification
from inspir_events.timeutil import utcnow


@dataclass
class PurgeReport:
    accounts: list[int] = field(default_factory=list)
    sessions: int = 0
    notifications: int = 0
    mail_messages: int = 0
    audit_entries: int = 0
    register_entries: int = 0
    dry_run: bool = False


def inactive_accounts(now: datetime) -> list[User]:
    """Accounts with no log-in (or, never signed in, created) before the period, not yet
    deleted (an emptied account whose register row is past its own period is not
    deleted twice: its password is unusable)."""
    cutoff = now - current_app.config["RETENTION_INACTIVE_ACCOUNT"]
    return list(db.session.scalars(
        select(User).where(func.coalesce(User.last_login_at, User.created_at) < cutoff,
                           User.password_hash != privacy.UNUSABLE_PASSWORD,
                           User.id.not_in(select(DeletedAccount.user_id)))
        .order_by(User.id)))


def _deleted(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


@use_case
def purge_expired(dry_run: bool = False) -> PurgeReport:
    """Remove what is past its retention period, in one transaction.

    A dry run does the same work and rolls it back: its numbers are exact.
    """
    cfg = current_app.config
    now = utcnow()
    report = PurgeReport(dry_run=dry_run)
    begin_write()
    entries = []
    for user in inactive_accounts(now):
        entries.append(privacy.anonymise(user, actor=None, reason="retention"))
        report.accounts.append(user.id)
    report.sessions = _deleted(delete(UserSession).where(~alive_sessions(now)))
    report.notifications = _deleted(delete(Notification).where(
        Notification.read_at < now - cfg["RETENTION_READ_NOTIFICATION"]))
    report.mail_messages = _deleted(delete(OutboxMessage).where(
        OutboxMessage.status.in_((MailStatus.SENT, MailStatus.FAILED, MailStatus.DIGESTED)),
        OutboxMessage.created_at < now - cfg["RETENTION_SENT_MAIL"]))
    report.audit_entries = _deleted(delete(AuditEntry).where(
        AuditEntry.at < now - cfg["RETENTION_AUDIT_ENTRY"]))
    register_cutoff = now - cfg["RETENTION_DELETION_REGISTER"]
    report.register_entries = _deleted(delete(DeletedAccount).where(
        DeletedAccount.deleted_at < register_cutoff))
    if dry_run:
        db.session.rollback()
        return report
    db.session.commit()
    privacy.after_deletion(entries)
    if report.register_entries:
        kept = [e for e in privacy.read_register_file()
                if datetime.fromisoformat(e["deleted_at"]) >= register_cutoff]
        privacy.write_register_file(kept)
    return report


def current_register() -> list[dict]:
    """The register as this database and the file beside it hold it (union by account id)."""
    entries = {e["user_id"]: e for e in privacy.read_register_file()}
    for row in db.session.scalars(select(DeletedAccount)):
        entries.setdefault(row.user_id, privacy.entry_dict(row))
    db.session.rollback()
    return sorted(entries.values(), key=lambda e: (e["deleted_at"], e["user_id"]))


@use_case
def replay_deletions(entries: list[dict]) -> list[int]:
    """Delete again the accounts of ``entries`` that this (restored) database still holds.

    Their register row keeps the original date and reason; the audit says "restore".
    Entries for accounts the database does not hold are added to its register too,
    so the register stays whole. Returns the ids deleted again.
    """
    begin_write()
    known = set(db.session.scalars(select(DeletedAccount.user_id)))
    replayed = []
    for item in entries:
        uid = int(item["user_id"])
        if uid in known:
            continue
        known.add(uid)
        deleted_at = datetime.fromisoformat(item["deleted_at"])
        user = db.session.get(User, uid)
        if user is None:
            db.session.add(DeletedAccount(user_id=uid, email_sha256=item["email_sha256"],
                                          reason=item["reason"], deleted_at=deleted_at))
            continue
        privacy.anonymise(user, actor=None, reason=item["reason"],
                                      email_sha256=item["email_sha256"],
                                      deleted_at=deleted_at, via="restore")
        replayed.append(uid)
    db.session.commit()
    in_file = {e["user_id"]: e for e in privacy.read_register_file()}
    missing = [e for e in entries if e["user_id"] not in in_file]
    if missing:
        privacy.write_register_file(sorted([*in_file.values(), *missing],
                                           key=lambda e: (e["deleted_at"], e["user_id"])))
    for uid in replayed:
        privacy.end_sockets(uid)
    return replayed
