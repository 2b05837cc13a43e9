"""Moderating needs: the moderators' queue (pending, reported, hidden needs), hiding a need
with a reason its author reads, restoring it, closing its reports. Committee members and
administrators moderate; every decision is audited."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from inspir_events.accounts.models import User
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db
from inspir_events.needs.models import Need, NeedReport
from inspir_events.needs.rules import Visibility
from inspir_events.needs.services import NeedNotFound, NotAllowed, is_moderator
from inspir_events.timeutil import utcnow


def _moderated(moderator: User, need_id: int) -> Need:
    if not is_moderator(moderator):
        raise NotAllowed(_l("Only committee members and administrators moderate needs."))
    need = db.session.get(Need, need_id)
    if need is None:
        raise NeedNotFound()
    return need


def _resolve_reports(moderator: User, need: Need) -> None:
    db.session.execute(update(NeedReport).where(
        NeedReport.need_id == need.id, NeedReport.resolved_at.is_(None)
    ).values(resolved_at=utcnow(), resolved_by_id=moderator.id))


@use_case
def hide(moderator: User, need_id: int, reason: str) -> Need:
    """Hide a need from the boards and exports, with a reason shown to its author."""
    begin_write()
    need = _moderated(moderator, need_id)
    need.visibility = Visibility.HIDDEN
    need.hidden_reason = reason.strip()
    need.moderated_by_id, need.moderated_at = moderator.id, utcnow()
    _resolve_reports(moderator, need)
    audit.record(moderator, "need.hide", "need", need.id, reason=need.hidden_reason)
    db.session.commit()
    return need


@use_case
def restore(moderator: User, need_id: int) -> Need:
    """Put a hidden (or pending) need back on the boards."""
    begin_write()
    need = _moderated(moderator, need_id)
    previous = need.visibility
    need.visibility = Visibility.PUBLIC
    need.hidden_reason = None
    need.moderated_by_id, need.moderated_at = moderator.id, utcnow()
    _resolve_reports(moderator, need)
    action = "need.approve" if previous == Visibility.PENDING else "need.restore"
    audit.record(moderator, action, "need", need.id, previous=previous.value)
    db.session.commit()
    return need


@use_case
def dismiss_reports(moderator: User, need_id: int) -> Need:
    """Close a need's reports without hiding it."""
    begin_write()
    need = _moderated(moderator, need_id)
    _resolve_reports(moderator, need)
    audit.record(moderator, "need.reports_dismissed", "need", need.id)
    db.session.commit()
    return need


@dataclass
class ModerationQueue:
    pending: list[Need]
    reported: list[tuple[Need, list[NeedReport]]]
    hidden: list[Need]


def moderation_queue() -> ModerationQueue:
    pending = list(db.session.scalars(
        select(Need).where(Need.visibility == Visibility.PENDING).order_by(Need.created_at)))
    open_reports = list(db.session.scalars(
        select(NeedReport).where(NeedReport.resolved_at.is_(None))
        .options(joinedload(NeedReport.need), joinedload(NeedReport.reporter))
        .order_by(NeedReport.created_at)))
    grouped: dict[int, tuple[Need, list[NeedReport]]] = {}
    for entry in open_reports:
        grouped.setdefault(entry.need_id, (entry.need, []))[1].append(entry)
    hidden = list(db.session.scalars(
        select(Need).where(Need.visibility == Visibility.HIDDEN)
        .order_by(Need.moderated_at.desc()).limit(100)))
    return ModerationQueue(pending, list(grouped.values()), hidden)
