"""The uploads folder (``UPLOADS_DIR``, ``instance/uploads`` by default): files written
once, named by the hash of their content, in two areas.

- ``images``: the pictures' renditions, public (served by :mod:`.routes`);
- ``documents``: co-funding applications' PDFs, private (served only by the aid feature,
  to the people allowed, each download audited).

Several processes share the folder (a mounted volume: docs/deployment.md). A file is
written to a temporary file in the same directory, synced, then renamed over its name
(``os.replace`` is atomic on one file system): a reader sees the whole file or none, and
two processes writing the same content write the same bytes. The client's file name
never reaches the disk. A file no row refers to any more is removed after the commit of
the transaction that let it go (:func:`discard_after_commit`): a rollback keeps it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from inspir_events.extensions import db
from inspir_events.uploads import rules

AREAS = ("images", "documents")
DISCARD_KEY = "inspir.uploads.discard"


def root(app=None) -> Path:
    """The uploads folder of ``app`` (by default the current application)."""
    app = app or current_app
    return Path(app.config.get("UPLOADS_DIR") or os.path.join(app.instance_path, "uploads"))


def _area(area: str, app=None) -> Path:
    if area not in AREAS:
        raise ValueError(f"unknown uploads area {area!r}")
    return root(app) / area


def path(area: str, name: str, app=None) -> Path:
    """Where the file ``name`` of ``area`` lives (a name that is not a content name is
    refused: nothing the client sends may walk the folder)."""
    if not rules.valid_name(name):
        raise ValueError(f"not a stored file name: {name!r}")
    return _area(area, app) / name


def put(area: str, data: bytes, extension: str) -> str:
    """Store ``data`` in ``area``, atomically; returns its name (``<sha256>.<ext>``)."""
    name = rules.content_name(data, extension)
    target = path(area, name)
    if target.exists():  # the same bytes are already there
        return name
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return name


def read_upload(upload) -> bytes:
    """The bytes of a file a form received (empty without one), its temporary file closed
    at once (a large upload is spooled to disk)."""
    if not upload:
        return b""
    try:
        return upload.read()
    finally:
        upload.close()


def read(area: str, name: str) -> bytes:
    return path(area, name).read_bytes()


def exists(area: str, name: str) -> bool:
    return rules.valid_name(name) and path(area, name).is_file()


def remove(area: str, name: str, app=None) -> None:
    with contextlib.suppress(FileNotFoundError):
        path(area, name, app).unlink()


def discard_after_commit(area: str, names: Iterable[str],
                         still_used: Callable[[str], bool]) -> None:
    """Remove the files ``names`` of ``area`` once the session's transaction commits,
    each unless ``still_used(name)`` (asked now, inside the transaction: another row may
    hold the same bytes). A rollback removes nothing."""
    app = current_app._get_current_object()
    session = db.session()
    session.connection()  # within a transaction: its rollback forgets what is pending
    pending = session.info.setdefault(DISCARD_KEY, [])
    pending.extend((area, name) for name in set(names) if name and not still_used(name))
    if pending and not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", _after_rollback)
    session.info["inspir.uploads.app"] = app


def _after_commit(session: Session) -> None:
    app = session.info.get("inspir.uploads.app")
    for area, name in session.info.pop(DISCARD_KEY, []):
        remove(area, name, app)


def _after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop(DISCARD_KEY, None)


def stored_files(area: str, app=None) -> list[Path]:
    """Every stored file of ``area`` (temporary files left by a crash excluded)."""
    folder = _area(area, app)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and rules.valid_name(p.name))
