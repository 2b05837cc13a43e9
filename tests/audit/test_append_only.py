"""Audit entries are append-only: no code anywhere updates or deletes one (issue 10:
"never editable from the UI"), but the documented retention purge of the oldest."""

from __future__ import annotations

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "inspir_events"
# The documented retention purge (docs/privacy.md) is the one place allowed to delete
# entries, and only those past their retention period; it is a command, not a page.
RETENTION_MODULES = {"accounts/privacy.py", "accounts/retention.py", "retention.py"}


def _touches_audit(node: ast.AST, source: str) -> bool:
    segment = ast.get_source_segment(source, node) or ""
    return "AuditEntry" in segment or "audit_entry" in segment


def _changes_to_entries(path: pathlib.Path) -> list[str]:
    """Where ``path`` updates or deletes audit entries: ``update(AuditEntry)``,
    ``delete(AuditEntry)``, ``query(AuditEntry)....delete()/.update()``, raw SQL on
    ``audit_entry``, or an entry passed to ``session.delete``; and any assignment to an
    attribute of something loaded as an AuditEntry in the same function."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else \
                getattr(node.func, "id", "")
            if name in {"update", "delete", "execute", "text"} and _touches_audit(node, source):
                segment = ast.get_source_segment(source, node) or ""
                if name in {"execute", "text"} and not any(
                        word in segment.upper() for word in ("UPDATE", "DELETE")):
                    continue
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {segment[:80]}")
        if isinstance(node, ast.FunctionDef):
            body = ast.get_source_segment(source, node) or ""
            if "AuditEntry" in body and ("session.delete(" in body or "session.merge(" in body):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.name}")
    return found


def test_no_code_updates_or_deletes_audit_entries():
    changes = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        found = _changes_to_entries(path)
        if relative in RETENTION_MODULES:
            # Only entries past their retention period: a delete bounded by their date.
            source = path.read_text(encoding="utf-8")
            found = [f for f in found if "delete(" not in f or "AuditEntry.at <" not in source]
        changes.extend(found)
    assert not changes, "audit entries must stay append-only:\n" + "\n".join(changes)


def test_the_scanner_sees_an_update(tmp_path, monkeypatch):
    """The check above would catch the usual ways of changing an entry."""
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path)
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from sqlalchemy import delete, update, text\n"
        "def a(): db.session.execute(update(AuditEntry).values(action='x'))\n"
        "def b(): db.session.execute(delete(AuditEntry))\n"
        "def c(): db.session.execute(text('DELETE FROM audit_entry'))\n"
        "def d(e):\n    e = db.session.get(AuditEntry, 1)\n    db.session.delete(e)\n",
        encoding="utf-8")
    lines = {int(found.split(":")[1]) for found in _changes_to_entries(bad)}
    assert lines == {2, 3, 4, 5}
