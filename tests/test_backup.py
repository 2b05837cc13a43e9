"""Backups: ``flask backup`` / ``flask restore`` round trips, and the deletion register replayed.

SQLite through the online backup API; PostgreSQL through pg_dump / pg_restore
when they are installed (skipped otherwise, failed under CI).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

from inspir_events import backup, demo
from inspir_events.accounts import privacy
from inspir_events.accounts.models import DeletedAccount, User
from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db as _db
from inspir_events.needs.models import Need
from tests.conftest import IN_CI


@pytest.fixture(autouse=True)
def _register_file(app, tmp_path):
    app.config["DELETION_REGISTER_PATH"] = str(tmp_path / "register" / "deletions.jsonl")


def cli(app, *args: str):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def sqlite_dump(app) -> list[str]:
    with app.app_context():
        path = backup.sqlite_file(_db.engine)
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def pg_dump_rows(app) -> dict[str, list]:
    with app.app_context():
        dump = {}
        for table in _db.metadata.sorted_tables:
            rows = _db.session.execute(select(table).order_by(*table.primary_key.columns))
            dump[table.name] = [tuple(row) for row in rows]
        _db.session.remove()
        return dump


def seed_and_find(app, name: str) -> tuple[int, str]:
    with app.app_context():
        assert demo.seed()
        user = _db.session.scalar(select(User).where(User.email.like(f"{name}@%")))
        found = user.id, user.email
        _db.session.remove()
        return found


def change_things(app) -> None:
    with app.app_context():
        need = _db.session.scalar(select(Need).order_by(Need.id))
        need.title = "Changed after the backup"
        _db.session.execute(text("DELETE FROM need_support"))
        _db.session.commit()
        _db.session.remove()


def delete_account(app, user_id: int) -> None:
    with app.app_context():
        user = _db.session.get(User, user_id)
        privacy.delete_account(user, demo.DEMO_PASSWORD)
        _db.session.remove()


def assert_deleted_again(app, user_id: int, email: str) -> None:
    with app.app_context():
        user = _db.session.get(User, user_id)
        assert user.is_deleted and user._display_name == privacy.DELETED_NAME
        assert user.email != email
        entry = _db.session.get(DeletedAccount, user_id)
        assert entry.reason == "self" and entry.email_sha256 == privacy.email_hash(email)
        replays = _db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "account.delete", AuditEntry.object_id == str(user_id))).all()
        assert replays[-1].details.get("via") == "restore"
        _db.session.remove()


def test_sqlite_backup_then_restore_gives_back_an_identical_database(app, tmp_path):
    seed_and_find(app, "dev")
    target = tmp_path / "backups" / "inspir.db"
    assert "backed up" in cli(app, "backup", str(target))
    at_backup = sqlite_dump(app)
    with sqlite3.connect(target) as conn:  # the backup is a self-contained, sound file
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    change_things(app)
    assert sqlite_dump(app) != at_backup
    output = cli(app, "restore", "--yes", str(target))
    assert "0 account(s) deleted again" in output
    assert sqlite_dump(app) == at_backup
    # The application works on the restored file (still in WAL mode).
    client = app.test_client()
    assert client.get("/needs").status_code == 200
    with sqlite3.connect(sqlite_path(app)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def sqlite_path(app) -> Path:
    with app.app_context():
        return backup.sqlite_file(_db.engine)


def test_an_account_deleted_after_the_backup_stays_deleted_after_the_restore(app, tmp_path):
    uid, email = seed_and_find(app, "dev")
    target = tmp_path / "before-deletion.db"
    cli(app, "backup", str(target))
    delete_account(app, uid)
    output = cli(app, "restore", "--yes", str(target))
    assert "1 account(s) deleted again" in output
    assert_deleted_again(app, uid, email)
    assert email not in "\n".join(sqlite_dump(app))


def test_the_register_file_alone_replays_the_deletions(app, tmp_path):
    """The database is lost: the backup is copied back and the file register replayed."""
    uid, email = seed_and_find(app, "citoyenne")
    target = tmp_path / "backup.db"
    cli(app, "backup", str(target))
    delete_account(app, uid)
    with app.app_context():
        _db.engine.dispose()
        backup.restore_sqlite(target, sqlite_path(app))
        assert _db.session.get(User, uid).email == email  # back, before the replay
        _db.session.remove()
    assert "1 account(s) deleted again" in cli(app, "replay-deletions")
    assert_deleted_again(app, uid, email)
    assert "0 account(s)" in cli(app, "replay-deletions")  # idempotent


def test_backup_and_restore_refuse_unsafe_targets(app, tmp_path):
    existing = tmp_path / "existing.db"
    existing.write_text("not empty")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["backup", str(existing)])
    assert refused.exit_code != 0 and "already exists" in refused.output
    before = sqlite_dump(app)
    bogus = runner.invoke(args=["restore", "--yes", str(existing)])
    assert bogus.exit_code != 0 and "not a SQLite database" in bogus.output
    assert sqlite_dump(app) == before


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_postgres_backup_and_restore_with_pg_dump(app, tmp_path):
    if not backup.pg_tools_available():
        if IN_CI:
            pytest.fail("pg_dump/pg_restore are required under CI")
        pytest.skip("pg_dump/pg_restore are not installed")
    uid, email = seed_and_find(app, "dev")
    target = tmp_path / "inspir.dump"
    cli(app, "backup", str(target))
    assert target.stat().st_size > 0
    at_backup = pg_dump_rows(app)
    change_things(app)
    assert pg_dump_rows(app) != at_backup
    cli(app, "restore", "--yes", str(target))
    assert pg_dump_rows(app) == at_backup
    delete_account(app, uid)
    assert "1 account(s) deleted again" in cli(app, "restore", "--yes", str(target))
    assert_deleted_again(app, uid, email)


def test_the_pg_commands_keep_the_password_off_the_command_line():
    from sqlalchemy.engine import make_url

    url = make_url("postgresql+psycopg://inspir:s3cret@db.example:5433/inspir")
    dump = backup.pg_dump_command(url, Path("/backups/x.dump"))
    assert "s3cret" not in " ".join(dump.args) and dump.env == {"PGPASSWORD": "s3cret"}
    assert dump.args[:3] == ["pg_dump", "--format=custom", "--no-owner"]
    assert "--port" in dump.args and "5433" in dump.args
    restore = backup.pg_restore_command(url, Path("/backups/x.dump"), schema="s1")
    assert restore.args[0] == "pg_restore" and "--clean" in restore.args
    assert restore.args[-3:] == ["--schema", "s1", "/backups/x.dump"]
    assert "PGPASSWORD=... " in restore.shell_text() and "s3cret" not in restore.shell_text()


def uploaded_files(app) -> dict[str, bytes]:
    """Every stored file (the demo's pictures and PDF), by area and name."""
    from inspir_events.uploads import storage

    with app.app_context():
        return {f"{area}/{p.name}": p.read_bytes() for area in storage.AREAS
                for p in storage.stored_files(area)}


def test_the_backup_carries_the_uploaded_files_and_the_restore_brings_them_back(app,
                                                                                 tmp_path):
    """Issue 20 §4: the demo's pictures and the hackathon's PDF, lost from the folder
    after the backup, come back with the restore; a damaged copy stops the restore."""
    import shutil

    from inspir_events.uploads import storage

    seed_and_find(app, "dev")
    files = uploaded_files(app)
    assert any(name.startswith("documents/") for name in files)
    assert sum(name.startswith("images/") for name in files) >= 3
    target = tmp_path / "backups" / "inspir.db"
    output = cli(app, "backup", str(target))
    assert f"{len(files)} uploaded file(s)" in output
    copies = backup.files_path(target)
    assert {f"{p.parent.name}/{p.name}" for p in copies.rglob("*") if p.is_file()} == set(files)
    with app.app_context():
        shutil.rmtree(storage.root())  # the folder is lost
    assert uploaded_files(app) == {}
    output = cli(app, "restore", "--yes", str(target))
    assert f"{len(files)} uploaded file(s) copied back" in output
    assert uploaded_files(app) == files
    # A copy whose bytes no longer match its name is refused, the database untouched.
    damaged = next(copies.glob("documents/*.pdf"))
    damaged.write_bytes(b"%PDF-1.4 changed")
    before = sqlite_dump(app)
    refused = app.test_cli_runner().invoke(args=["restore", "--yes", str(target)])
    assert refused.exit_code != 0 and "damaged" in refused.output
    assert sqlite_dump(app) == before
