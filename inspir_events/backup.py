"""Backups and restores of the database (issue 10, Backups; docs/privacy.md).

SQLite: ``sqlite3``'s online backup API copies a consistent snapshot while the
application keeps running, and copies a backup back into the live file the same
way (page by page, under SQLite's own locks: no file is swapped under open
connections or their WAL). PostgreSQL: ``pg_dump --format=custom`` and
``pg_restore --clean``, run when the tools are installed, printed otherwise.

The uploaded files (pictures, co-funding PDFs: ``UPLOADS_DIR``) go beside the database's
backup, in a folder named after it with ``.uploads`` added (``inspir.db`` ->
``inspir.db.uploads/images``, ``.../documents``): the folder is written first, so the
files a backed-up row names are always in it. A restore copies back the files the live
folder lacks, each checked against its name (the SHA-256 of its bytes); files sent after
the backup stay in the live folder, named by no restored row, and harm nothing.

After any restore the deletion register is replayed (accounts/retention.py):
an account deleted after the backup was taken is deleted again (its structure's
picture with it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess  # noqa: S404  # nosec B404 # pg_dump/pg_restore: argument list, no shell
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, Engine

from inspir_events.uploads import rules as upload_rules
from inspir_events.uploads.storage import AREAS


class BackupError(RuntimeError):
    """A backup or restore could not be made safely (the message says why)."""


@dataclass
class PgCommand:
    """A pg_dump / pg_restore command line and the environment it needs (the password)."""

    args: list[str]
    env: dict[str, str]

    def shell_text(self) -> str:
        prefix = "PGPASSWORD=... " if "PGPASSWORD" in self.env else ""
        return prefix + " ".join(self.args)


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a SQLite engine (None for another backend or in memory)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _check_backup_file(path: Path) -> None:
    """Refuse a file that is not a sound INS'pir database (before touching the live one)."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            status = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc}).") from None
    if status != "ok":
        raise BackupError(f"{path} is damaged: {status}")
    if not {"alembic_version", "user_account"} <= tables:
        raise BackupError(f"{path} is not an INS'pir Events database.")


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy the live database ``source`` into ``target`` (a new file), consistently."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # one step: a single read transaction, a consistent snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)


def restore_sqlite(backup: Path, target: Path) -> None:
    """Copy ``backup`` into the live database ``target`` through the backup API.

    The backup is checked first (integrity, tables); the copy happens in one
    write transaction of the target, so a reader sees the old or the new database,
    never a mix, and a failure leaves the old one.
    """
    _check_backup_file(Path(backup))
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _libpq(url: URL, schema: str | None) -> tuple[list[str], dict[str, str]]:
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    args += ["--dbname", url.database or "postgres"]
    if schema:
        args += ["--schema", schema]
    # The password goes through the environment, never on the command line (ps shows it).
    env = {"PGPASSWORD": url.password} if url.password else {}
    return args, env


def pg_dump_command(url: URL, target: Path, schema: str | None = None) -> PgCommand:
    args, env = _libpq(url, schema)
    return PgCommand(["pg_dump", "--format=custom", "--no-owner", "--file", str(target),
                      *args], env)


def pg_restore_command(url: URL, backup: Path, schema: str | None = None) -> PgCommand:
    args, env = _libpq(url, schema)
    return PgCommand(["pg_restore", "--clean", "--if-exists", "--no-owner",
                      "--single-transaction", *args, str(backup)], env)


def pg_tools_available() -> bool:
    return shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None


def run_pg(command: PgCommand) -> None:
    # A fixed program (pg_dump/pg_restore) and an argument list built from the settings.
    result = subprocess.run(  # noqa: S603  # nosec B603 # fixed program, no shell
        command.args, env={**os.environ, **command.env}, capture_output=True, text=True,
        check=False)
    if result.returncode != 0:
        raise BackupError(f"{command.args[0]} failed: {result.stderr.strip()}")


# ---- the uploaded files ----------------------------------------------------------------

def files_path(backup: Path) -> Path:
    """The folder holding the files of the database's backup ``backup``."""
    backup = Path(backup)
    return backup.with_name(backup.name + ".uploads")


def _stored(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and upload_rules.valid_name(p.name))


def backup_files(uploads: Path, target: Path) -> int:
    """Copy every stored file of ``uploads`` into the new folder ``target``; returns how
    many. Written under a temporary name, renamed when complete."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name.")
    partial = target.with_name(target.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    count = 0
    for area in AREAS:
        (partial / area).mkdir(parents=True)
        for source in _stored(Path(uploads) / area):
            shutil.copy2(source, partial / area / source.name)
            count += 1
    os.replace(partial, target)
    return count


def _sound(path: Path) -> bool:
    """Whether the file holds the bytes its name says (the SHA-256 of its content)."""
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == path.name.split(".")[0]


def restore_files(source: Path, uploads: Path) -> int:
    """Copy back the files of the backup folder ``source`` the live folder ``uploads``
    lacks (each checked, written under a temporary name, renamed); returns how many."""
    source = Path(source)
    if not source.is_dir():
        return 0
    damaged = [p for area in AREAS for p in _stored(source / area) if not _sound(p)]
    if damaged:
        raise BackupError(f"{len(damaged)} file(s) of {source} are damaged (their content "
                          f"does not match their name), e.g. {damaged[0]}.")
    count = 0
    for area in AREAS:
        folder = Path(uploads) / area
        folder.mkdir(parents=True, exist_ok=True)
        for file in _stored(source / area):
            target = folder / file.name
            if target.exists():
                continue
            partial = folder / (".restore-" + file.name)
            shutil.copy2(file, partial)
            os.replace(partial, target)
            count += 1
    return count
