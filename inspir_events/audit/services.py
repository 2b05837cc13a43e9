"""Recording audit entries inside the caller's transaction."""

from __future__ import annotations

from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db


def record(actor, action: str, object_type: str, object_id, **details) -> AuditEntry:
    """Add an audit entry to the current transaction (the calling service commits).

    Written in the same transaction as the decision it records, so a decision
    never lands without its audit entry, nor an entry without its decision.
    """
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
    )
    db.session.add(entry)
    return entry
