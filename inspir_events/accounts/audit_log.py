"""Reading the audit log (admins only): filters, newest first, one page at a time.

The audit package (infrastructure, below accounts) only writes entries; reading them
names their actors (accounts), so the read side lives here, above both.

Read-only by design (issue 10, "never editable from the UI"): this module only
selects. Entries are written by :func:`inspir_events.audit.services.record` inside
the deciding use case's transaction and are never updated; only the documented
retention purge may delete the oldest ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from inspir_events.accounts.models import User
from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db

PER_PAGE = 50
MAX_FILTER_LENGTH = 120


@dataclass(frozen=True)
class AuditFilters:
    """What the admin asked for; empty strings mean "any".

    ``action`` matches an action exactly ("label.grant") or a family when it ends
    with a dot ("label."); ``actor`` is an account id or part of a name or e-mail.
    """

    action: str = ""
    object_type: str = ""
    object_id: str = ""
    actor: str = ""

    @property
    def active(self) -> bool:
        return any((self.action, self.object_type, self.object_id, self.actor))


def filters_from(args: Mapping[str, str]) -> AuditFilters:
    """Filters read from a query string, trimmed and bounded (never trusted further)."""

    def clean(name: str) -> str:
        return (args.get(name) or "").strip()[:MAX_FILTER_LENGTH]

    return AuditFilters(action=clean("action"), object_type=clean("object_type"),
                        object_id=clean("object_id"), actor=clean("actor"))


def _escaped_like(text: str) -> str:
    """``text`` for a LIKE pattern: its own % and _ taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _statement(filters: AuditFilters):
    statement = select(AuditEntry)
    if filters.action.endswith("."):
        statement = statement.where(
            AuditEntry.action.like(_escaped_like(filters.action) + "%", escape="\\"))
    elif filters.action:
        statement = statement.where(AuditEntry.action == filters.action)
    if filters.object_type:
        statement = statement.where(AuditEntry.object_type == filters.object_type)
    if filters.object_id:
        statement = statement.where(AuditEntry.object_id == filters.object_id)
    if filters.actor.isdigit():
        statement = statement.where(AuditEntry.actor_id == int(filters.actor))
    elif filters.actor:
        pattern = "%" + _escaped_like(filters.actor.lower()) + "%"
        actors = select(User.id).where(or_(
            func.lower(User.display_name).like(pattern, escape="\\"),
            func.lower(User.email).like(pattern, escape="\\")))
        statement = statement.where(AuditEntry.actor_id.in_(actors))
    return statement


def entries(filters: AuditFilters, page: int = 1,
            per_page: int = PER_PAGE) -> tuple[list[AuditEntry], int, int]:
    """One page of matching entries, newest first, with the total and the page shown.

    A page past the last one shows the last one.
    """
    statement = _statement(filters)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total, page


def actions_used() -> list[str]:
    """Every action recorded so far, for the filter's list."""
    return list(db.session.scalars(
        select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def object_types_used() -> list[str]:
    """Every kind of object recorded so far, for the filter's list."""
    return list(db.session.scalars(
        select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)))


def action_families(actions: list[str]) -> list[str]:
    """The families ("label.", "project.") of ``actions``, to filter on them at once."""
    return sorted({action.split(".", 1)[0] + "." for action in actions if "." in action})
