"""Personal data (RGPD): the export of one's data, the deletion of one's account, the register.

Accounts know no feature: each feature declares its tables, and the steps its own
rules need, in the register of personal data (accounts/registry.py, filled by each
feature's personal.py when its blueprint is registered).

- Export (RGPD art. 15 right of access and art. 20 portability): every row that
  names the user in a column referring to their account, one section per table
  (the register's export keys), secrets and derived columns left out. A table with
  such a column that is neither exported nor left out with a reason fails
  tests/accounts/test_export.py. The files the person sent (pictures, co-funding
  PDFs: the features' ``files`` in the register) travel in its ``files`` section,
  their bytes in base64.
- Deletion (art. 17 right to erasure; issue 10): one transaction. What the
  person published (needs, ideas, projects, applications) stays, authored by
  « compte supprimé »; what is about them only (roles, skills, sessions,
  notifications, calendar feed, memberships) goes; the account row becomes an
  empty shell. The register's deletion plan says what happens to every column
  referring to an account (the features' erasure steps run first), and tests fail
  when a new one is missing from it.
- The register of deleted accounts (table ``deleted_account`` and its copy in
  ``instance/deletions.jsonl``) lets a restore delete again the accounts deleted
  after the backup was taken (inspir_events/backup.py).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import json
import logging
import os
import secrets
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, delete, or_, select, update

from inspir_events.accounts.credentials import check_password, end_sockets
from inspir_events.accounts.models import DELETED_PASSWORD, DeletedAccount, User
from inspir_events.accounts.registry import DELETE, NULL, registry
from inspir_events.accounts.services import AccountError
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db
from inspir_events.timeutil import utcnow

log = logging.getLogger(__name__)

EXPORT_FORMAT = "inspir-events-export/1"
# Nothing of the name is kept, in no language: pages show « Deleted account » in the
# reader's language (User.display_name, for accounts whose password is UNUSABLE_PASSWORD).
DELETED_NAME = ""
# RFC 2606: ".invalid" never routes, so the placeholder can never receive mail.
DELETED_EMAIL = "deleted-{user_id}-{nonce}@deleted.invalid"
UNUSABLE_PASSWORD = DELETED_PASSWORD

# Secrets, and copies derived from exported columns (HTML renderings, folded search text).
SKIPPED_COLUMNS = {"password_hash", "token", "token_hash", "search_text"}


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
    if isinstance(value, date):  # a day (a vote's date): no time, no zone
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(table: Table, row) -> dict:
    return {c.name: _plain(row[c.name]) for c in table.columns
            if c.name not in SKIPPED_COLUMNS and not c.name.endswith("_html")}


@use_case
def export_data(user: User) -> dict:
    """All the data naming ``user``, as plain JSON values; the export is audited.

    One section per table (the register's export keys), rows in key order, every
    column but secrets (password hash, tokens) and derived copies.
    """
    begin_write()
    audit.record(user, "account.export", "user", user.id)
    db.session.flush()
    users = db.metadata.tables["user_account"]
    account = db.session.execute(select(users).where(users.c.id == user.id)).mappings().one()
    data = {"format": EXPORT_FORMAT, "exported_at": _plain(utcnow()),
            "account": _row(users, account)}
    export_keys = registry().export_keys()
    for table in account_tables():
        key = export_keys.get(table.name)
        if key is None or table.name == "user_account":
            continue
        where = or_(*(column == user.id for column in account_columns(table)))
        rows = db.session.execute(select(table).where(where)
                                  .order_by(*table.primary_key.columns)).mappings()
        data.setdefault(key, []).extend(_row(table, row) for row in rows)
    data["files"] = _files(user.id)
    db.session.commit()
    return data


def _files(user_id: int) -> list[dict]:
    """The files the person sent (pictures, co-funding PDFs), their bytes in base64: the
    export is one JSON file, so they travel inside it (RGPD art. 20, portability)."""
    files = []
    for file in registry().files_of(user_id):
        try:
            content = file.path.read_bytes()
        except OSError:  # a file lost from the folder: named, without its bytes
            log.warning("exported file missing: %s", file.path)
            content = None
        files.append({"section": file.section, "name": file.name,
                      "content_type": file.content_type,
                      "content_base64": base64.b64encode(content).decode("ascii")
                      if content is not None else None})
    return files


# ---- deletion ------------------------------------------------------------------------------

def is_deleted(user_id: int) -> bool:
    return db.session.get(DeletedAccount, user_id) is not None


def anonymise(user: User, *, actor: User | None, reason: str,
              email_sha256: str | None = None, deleted_at: datetime | None = None,
              **details) -> DeletedAccount:
    """Delete ``user``'s account inside the current transaction (the caller commits).

    Runs the features' erasure steps, then follows the register's deletion plan for
    every column referring to the account (a column without a rule stops the deletion),
    empties the account row, adds the register row and the audit entry ("account.delete").
    """
    uid = user.id
    entry = DeletedAccount(user_id=uid, email_sha256=email_sha256 or email_hash(user.email),
                           reason=reason, deleted_at=deleted_at or utcnow())
    parts = registry()
    for erase in parts.erasure_steps():
        erase(uid)
    plan = parts.deletion_plan()
    for table in account_tables():
        for column in account_columns(table):
            action = plan[(table.name, column.name)]
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
    user.email_verified_at = None
    user.pending_email = None
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
