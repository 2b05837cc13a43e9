"""Personal data (RGPD): the export of one's data, the deletion of one's account, the register.

- Export (RGPD art. 15 right of access and art. 20 portability): every row that
  names the user in a column referring to their account, one section per table
  (EXPORT_KEYS), secrets and derived columns left out. A table with such a
  column that is neither exported nor excluded with a reason (NOT_EXPORTED)
  fails tests/accounts/test_privacy.py.
- Deletion (art. 17 right to erasure; issue 10): one transaction. What the
  person published (needs, ideas, projects, applications) stays, authored by
  « compte supprimé »; what is about them only (roles, skills, sessions,
  notifications, calendar feed, memberships) goes; the account row becomes an
  empty shell. DELETION_PLAN says what happens to every column referring to an
  account, and tests fail when a new one is missing from it.
- The register of deleted accounts (table ``deleted_account`` and its copy in
  ``instance/deletions.jsonl``) lets a restore delete again the accounts deleted
  after the backup was taken (inspir_events/backup.py).
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import os
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, delete, or_, select, update

from inspir_events.accounts.credentials import check_password, end_sockets
from inspir_events.accounts.models import DeletedAccount, User
from inspir_events.accounts.services import AccountError
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.events import participation
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import EventStatus, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.teams import services as teams
from inspir_events.teams.models import Team, TeamMember
from inspir_events.timeutil import utcnow

log = logging.getLogger(__name__)

EXPORT_FORMAT = "inspir-events-export/1"
DELETED_NAME = "Compte supprimé"
# RFC 2606: ".invalid" never routes, so the placeholder can never receive mail.
DELETED_EMAIL = "deleted-{user_id}-{nonce}@deleted.invalid"
# Not an argon2 hash: no password ever matches it (not a secret).
UNUSABLE_PASSWORD = "!deleted"  # noqa: S105  # nosec B105 # matches no password

# Every table with a column referring to an account -> its section in the export.
EXPORT_KEYS: dict[str, str] = {
    "user_account": "account",
    "user_skill": "skills",
    "user_role": "roles",
    "need": "needs",
    "need_support": "supports",
    "need_report": "reports",
    "event": "events_created",
    "event_organiser": "events_organised",
    "registration": "registrations",
    "calendar_feed": "calendar_feed",
    "team": "teams_led",
    "team_member": "team_memberships",
    "join_request": "join_requests",
    "team_seeker": "team_seeking",
    "idea": "ideas",
    "vote": "votes",
    "notification": "notifications",
    "label_request": "label_requests",
    "cofunding_application": "cofunding_applications",
    "commitment": "commitments_decided",
    "aid_grant": "grants_decided",
    "envelope_member": "envelope_memberships",
    "project": "projects",
    "project_member": "project_memberships",
    "project_move": "project_moves_decided",
    "reproduction_request": "reproduction_requests",
    "audit_entry": "audit_entries",
}
# Tables referring to an account that the export leaves out, and why.
NOT_EXPORTED: dict[str, str] = {
    "user_session": "only a hash of a secret token and its times; sessions last at most "
                    "12 hours, and the account's last log-in is exported with the account",
}
# Secrets, and copies derived from exported columns (HTML renderings, folded search text).
SKIPPED_COLUMNS = {"password_hash", "token", "token_hash", "search_text"}

KEEP, NULL, DELETE, CUSTOM = "keep", "null", "delete", "custom"
# (table, column referring to an account) -> what deleting that account does to it.
# KEEP: decisions taken for the Region (labels, money, moderation, pipeline) keep naming
# the decider's account, now an anonymous shell: the public body stays accountable for
# them (RGPD art. 17-3-b); supports (need_support's key cannot be NULL) and project
# memberships keep the anonymous shell too, so counts and lineage stay true.
DELETION_PLAN: dict[tuple[str, str], str] = {
    ("user_role", "user_id"): DELETE,
    ("user_role", "granted_by_id"): KEEP,
    ("user_skill", "user_id"): DELETE,
    ("user_session", "user_id"): DELETE,
    ("calendar_feed", "user_id"): DELETE,
    ("notification", "user_id"): DELETE,
    ("need", "author_id"): NULL,
    ("need", "moderated_by_id"): KEEP,
    ("need_support", "user_id"): KEEP,
    ("need_report", "reporter_id"): NULL,
    ("need_report", "resolved_by_id"): KEEP,
    ("event", "created_by_id"): NULL,
    ("event_organiser", "user_id"): DELETE,
    ("registration", "user_id"): CUSTOM,  # cancelled, the waitlist promoted
    ("team_member", "user_id"): CUSTOM,  # removed: count decremented, lead handed over
    ("team", "lead_id"): NULL,  # after the above, only a lead who was not a member
    ("team_seeker", "user_id"): DELETE,
    ("join_request", "user_id"): DELETE,
    ("idea", "author_id"): NULL,
    ("vote", "voter_id"): NULL,  # votes stay counted, anonymous
    ("label_request", "requested_by_id"): NULL,
    ("label_request", "decided_by_id"): KEEP,
    ("cofunding_application", "applicant_id"): NULL,
    ("cofunding_application", "decided_by_id"): KEEP,
    ("commitment", "decided_by_id"): KEEP,
    ("aid_grant", "decided_by_id"): KEEP,
    ("envelope_member", "user_id"): DELETE,
    ("envelope_member", "added_by_id"): KEEP,
    ("project", "proposed_by_id"): NULL,
    ("project", "support_structure_id"): KEEP,
    ("project_member", "user_id"): KEEP,
    ("project_move", "decided_by_id"): KEEP,
    ("reproduction_request", "user_id"): CUSTOM,  # kept (counted), its message erased
    ("audit_entry", "actor_id"): KEEP,
}


class AlreadyDeleted(AccountError):
    status = 409

    def __init__(self):
        super().__init__(_l("This account is already deleted."))


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def account_columns(table: Table) -> list:
    """The columns of ``table`` that refer to an account."""
    return [fk.parent for fk in table.foreign_keys if fk.column.table.name == "user_account"]


def account_tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if account_columns(t)]


# ---- export --------------------------------------------------------------------------------

def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat() + "Z"  # naive UTC
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(table: Table, row) -> dict:
    return {c.name: _plain(row[c.name]) for c in table.columns
            if c.name not in SKIPPED_COLUMNS and not c.name.endswith("_html")}


@use_case
def export_data(user: User) -> dict:
    """All the data naming ``user``, as plain JSON values; the export is audited.

    One section per table (EXPORT_KEYS), rows in key order, every column but
    secrets (password hash, tokens) and derived copies.
    """
    begin_write()
    audit.record(user, "account.export", "user", user.id)
    db.session.flush()
    users = db.metadata.tables["user_account"]
    account = db.session.execute(select(users).where(users.c.id == user.id)).mappings().one()
    data = {"format": EXPORT_FORMAT, "exported_at": _plain(utcnow()),
            "account": _row(users, account)}
    for table in account_tables():
        key = EXPORT_KEYS.get(table.name)
        if key is None or table.name == "user_account":
            continue
        where = or_(*(column == user.id for column in account_columns(table)))
        rows = db.session.execute(select(table).where(where)
                                  .order_by(*table.primary_key.columns)).mappings()
        data.setdefault(key, []).extend(_row(table, row) for row in rows)
    db.session.commit()
    return data


# ---- deletion ------------------------------------------------------------------------------

def is_deleted(user_id: int) -> bool:
    return db.session.get(DeletedAccount, user_id) is not None


def _leave_teams(user_id: int) -> None:
    """Leave every team as teams' own removal does: count decremented, lead handed over,
    an emptied team dissolved. Allowed even once teams are frozen: erasure comes first."""
    team_ids = list(db.session.scalars(
        select(TeamMember.team_id).where(TeamMember.user_id == user_id)))
    for team_id in team_ids:
        team = db.session.scalar(select(Team).where(Team.id == team_id).with_for_update())
        teams.drop_member(team, user_id)  # the teams' rule, inside this transaction


def _cancel_registrations(user_id: int) -> None:
    """Cancel as events' unregister does, under each event's lock: the waitlist moves up."""
    registrations = list(db.session.scalars(select(Registration).where(
        Registration.user_id == user_id, Registration.status != RegistrationStatus.CANCELLED)))
    for registration in registrations:
        event = db.session.scalar(
            select(Event).where(Event.id == registration.event_id).with_for_update())
        if registration.status == RegistrationStatus.CONFIRMED:
            event.confirmed_count -= 1
        registration.status = RegistrationStatus.CANCELLED
        registration.updated_at = utcnow()
        db.session.flush()
        if event.status == EventStatus.PUBLISHED:
            participation.promote(event)


def anonymise(user: User, *, actor: User | None, reason: str,
              email_sha256: str | None = None, deleted_at: datetime | None = None,
              **details) -> DeletedAccount:
    """Delete ``user``'s account inside the current transaction (the caller commits).

    Follows DELETION_PLAN for every column referring to the account, empties the
    account row, adds the register row and the audit entry ("account.delete").
    """
    uid = user.id
    entry = DeletedAccount(user_id=uid, email_sha256=email_sha256 or email_hash(user.email),
                           reason=reason, deleted_at=deleted_at or utcnow())
    _leave_teams(uid)
    _cancel_registrations(uid)
    requests = db.metadata.tables["reproduction_request"]
    db.session.execute(update(requests).where(requests.c.user_id == uid).values(message=""))
    for table in account_tables():
        for column in account_columns(table):
            action = DELETION_PLAN[(table.name, column.name)]
            if action == DELETE:
                db.session.execute(delete(table).where(column == uid))
            elif action == NULL:
                db.session.execute(update(table).where(column == uid).values({column.name: None}))
    db.session.expire(user)
    user.email = DELETED_EMAIL.format(user_id=uid, nonce=secrets.token_hex(6))
    user.display_name = DELETED_NAME
    user.password_hash = UNUSABLE_PASSWORD
    user.bio = ""
    user.department_code = None
    user.locale = None
    user.last_login_at = None
    db.session.add(entry)
    audit.record(actor, "account.delete", "user", uid, reason=reason, **details)
    return entry


@use_case
def delete_account(user: User, password: str) -> DeletedAccount:
    """The person deletes their own account, confirming with their password."""
    check_password(user, password)
    begin_write()
    user = db.session.get(User, user.id)
    if is_deleted(user.id):
        raise AlreadyDeleted()
    entry = anonymise(user, actor=user, reason="self")
    db.session.commit()
    after_deletion([entry])
    return entry


def after_deletion(entries: list[DeletedAccount]) -> None:
    """After the commit: the register's copy on disk, and the sockets disconnected."""
    append_register(entries)
    for entry in entries:
        end_sockets(entry.user_id)


# ---- the register's copy outside the database ----------------------------------------------

def register_path() -> str:
    return (current_app.config.get("DELETION_REGISTER_PATH")
            or os.path.join(current_app.instance_path, "deletions.jsonl"))


def entry_dict(entry: DeletedAccount) -> dict:
    return {"user_id": entry.user_id, "email_sha256": entry.email_sha256,
            "reason": entry.reason, "deleted_at": entry.deleted_at.isoformat()}


def append_register(entries: list[DeletedAccount]) -> None:
    """Append entries to the register file (one JSON object a line), synced to disk."""
    if not entries:
        return
    path = register_path()
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "a", encoding="utf-8") as out:
            for entry in entries:
                out.write(json.dumps(entry_dict(entry), sort_keys=True) + "\n")
            out.flush()
            os.fsync(out.fileno())
    except OSError:  # the database row is the register's first copy
        log.exception("could not append to the deletion register %s", path)


def read_register_file(path: str | None = None) -> list[dict]:
    path = path or register_path()
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def write_register_file(entries: list[dict], path: str | None = None) -> None:
    """Rewrite the register file atomically (a temporary file renamed over it)."""
    path = path or register_path()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        for entry in entries:
            out.write(json.dumps(entry, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
