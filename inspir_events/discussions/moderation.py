"""Moderating comments: the reported comments in the moderators' queue (the needs'
queue, /moderation/needs, shows them: needs sits above discussions and reads
:func:`queue`), hiding a comment with a reason, restoring it, closing its reports.
Committee members and administrators moderate, as they moderate needs; every
decision is audited."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from inspir_events.accounts.models import Role, User
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.discussions import services
from inspir_events.discussions.models import Comment, CommentReport
from inspir_events.discussions.rules import CommentState
from inspir_events.extensions import db
from inspir_events.timeutil import utcnow


def is_moderator(user) -> bool:
    """Committee members and administrators moderate needs and comments."""
    return bool(user and user.is_authenticated
                and (user.has_role(Role.COMMITTEE) or user.has_role(Role.ADMIN)))


def _moderated(moderator: User, comment_id: int) -> Comment:
    if not is_moderator(moderator):
        raise services.NotAllowed(_l("Only committee members and administrators moderate "
                                     "comments."))
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.state == CommentState.DELETED:
        raise services.CommentNotFound()
    return comment


def _resolve_reports(moderator: User, comment: Comment) -> None:
    db.session.execute(update(CommentReport).where(
        CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None)
    ).values(resolved_at=utcnow(), resolved_by_id=moderator.id))


@use_case
def hide(moderator: User, comment_id: int, reason: str) -> Comment:
    """Hide a comment from its page, the API and the open data, with a reason."""
    begin_write()
    comment = _moderated(moderator, comment_id)
    comment.state = CommentState.HIDDEN
    comment.hidden_reason = reason.strip()
    comment.moderated_by_id, comment.moderated_at = moderator.id, utcnow()
    _resolve_reports(moderator, comment)
    audit.record(moderator, "comment.hide", "comment", comment.id,
                 reason=comment.hidden_reason)
    db.session.commit()
    return comment


@use_case
def restore(moderator: User, comment_id: int) -> Comment:
    """Show a hidden comment again."""
    begin_write()
    comment = _moderated(moderator, comment_id)
    comment.state = CommentState.PUBLIC
    comment.hidden_reason = None
    comment.moderated_by_id, comment.moderated_at = moderator.id, utcnow()
    _resolve_reports(moderator, comment)
    audit.record(moderator, "comment.restore", "comment", comment.id)
    db.session.commit()
    return comment


@use_case
def dismiss_reports(moderator: User, comment_id: int) -> Comment:
    """Close a comment's reports without hiding it."""
    begin_write()
    comment = _moderated(moderator, comment_id)
    _resolve_reports(moderator, comment)
    audit.record(moderator, "comment.reports_dismissed", "comment", comment.id)
    db.session.commit()
    return comment


@dataclass
class Reported:
    """A reported comment as the moderators' queue lists it."""

    comment: Comment
    reports: list[CommentReport]
    page: str | None  # where it is shown (None: its subject is no longer public)
    subject: str | None


@dataclass
class Queue:
    reported: list[Reported]
    hidden: list[Reported]


def queue() -> Queue:
    """The comments with open reports (oldest report first) and the latest hidden ones."""
    open_reports = list(db.session.scalars(
        select(CommentReport).where(CommentReport.resolved_at.is_(None))
        .options(joinedload(CommentReport.comment).joinedload(Comment.author)
                 .lazyload(User.role_rows),
                 joinedload(CommentReport.reporter))
        .order_by(CommentReport.created_at)))
    grouped: dict[int, list[CommentReport]] = {}
    for entry in open_reports:
        grouped.setdefault(entry.comment_id, []).append(entry)
    reported = [Reported(entries[0].comment, entries, services.subject_page(entries[0].comment),
                         services.subject_title(entries[0].comment))
                for entries in grouped.values()]
    hidden = [Reported(c, [], services.subject_page(c), services.subject_title(c))
              for c in db.session.scalars(
                  select(Comment).where(Comment.state == CommentState.HIDDEN)
                  .options(joinedload(Comment.author))
                  .order_by(Comment.moderated_at.desc()).limit(100))]
    return Queue(reported, hidden)
