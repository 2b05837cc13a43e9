"""Comment use cases (post, reply, edit, delete, report) and the reads the pages need.

Each use case owns its transaction: load, check the rules (rules.py), change, commit
once. Posting tells the subject's followers (notifications.notify, e-mailed as each
person chose for the kind "comment.posted"), in the same transaction; posting on a
followable subject follows it, so the people in a conversation hear of its next
comments (as supporting a need follows it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from inspir_events import markdown
from inspir_events.accounts.models import User
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.discussions import rules, subjects
from inspir_events.discussions.models import Comment, CommentReport
from inspir_events.discussions.rules import CommentState, Deletion
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.follows import services as follows
from inspir_events.follows import subjects as followable
from inspir_events.notifications import services as notifications
from inspir_events.timeutil import utcnow

KIND = "comment.posted"


class DiscussionError(DomainError):
    """A discussion use case refused (422 unless a subclass says otherwise)."""


class NotCommentable(DiscussionError):
    status = 404

    def __init__(self):
        super().__init__(_l("There is no conversation here: this page does not exist or is "
                            "not public."))


class CommentNotFound(DiscussionError):
    status = 404

    def __init__(self):
        super().__init__(_l("This comment does not exist or is no longer shown."))


class NotAllowed(DiscussionError):
    status = 403


class Conflict(DiscussionError):
    status = 409


class Unverified(DiscussionError):
    status = 403

    def __init__(self):
        super().__init__(_l("Confirm your e-mail address before you take part in the "
                            "conversations: the link is in the message we sent you."))


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def _subject(subject_type: str, subject_id) -> tuple[subjects.CommentSubject, object]:
    """The subject's description and the subject, when a visitor may see it."""
    described = subjects.subject_of(subject_type)
    if described is None or not _valid_id(subject_id):
        raise NotCommentable()
    item = described.load(subject_id)
    if item is None:
        raise NotCommentable()
    return described, item


def _check_body(body: str) -> str:
    problem = rules.body_problem(body)
    if problem == "empty":
        raise DiscussionError(_l("Write your comment."), field="body")
    if problem == "too_long":
        raise DiscussionError(_l("A comment has at most %(max)d characters.",
                                 max=rules.BODY_MAX), field="body")
    return body.strip()


def _comment(comment_id) -> Comment:
    comment = db.session.get(Comment, comment_id) if _valid_id(comment_id) else None
    if comment is None:
        raise CommentNotFound()
    return comment


def comment_anchor(comment: Comment) -> str:
    return f"#comment-{comment.id}"


def _told(described: subjects.CommentSubject, comment: Comment, author: User) -> list[int]:
    """Who hears of a new comment: the subject's followers (or the people its feature
    names), and the author of the comment answered; never its own author."""
    people = (described.followers(comment.subject_id) if described.followers is not None
              else follows.followers(comment.subject_type, comment.subject_id))
    if comment.parent is not None and comment.parent.author_id is not None:
        people = [*people, comment.parent.author_id]
    return sorted({uid for uid in people if uid != author.id})


@use_case
def post(author: User, subject_type: str, subject_id: int, body: str,
         parent_id: int | None = None) -> Comment:
    """Post a comment on a subject a visitor may see, or a reply (``parent_id``): a reply
    to a reply goes under the top comment of its thread (rules.thread_parent). Only an
    account whose address is confirmed posts."""
    begin_write()
    if not author.email_verified:
        raise Unverified()
    described, item = _subject(subject_type, subject_id)
    text = _check_body(body)
    parent = None
    if parent_id is not None:
        answered = db.session.get(Comment, parent_id) if _valid_id(parent_id) else None
        if (answered is None or answered.subject_type != str(subject_type)
                or answered.subject_id != subject_id):
            raise CommentNotFound()
        top_id = rules.thread_parent(answered.id, answered.parent_id)
        parent = answered if top_id == answered.id else db.session.get(Comment, top_id)
        if not answered.is_public or not parent.is_public:
            raise Conflict(_l("This comment can no longer be answered: it was deleted or "
                              "hidden."), field="body")
    comment = Comment(subject_type=str(subject_type), subject_id=subject_id,
                      parent_id=parent.id if parent else None, author_id=author.id,
                      body=text, content_html=markdown.render(text), state=CommentState.PUBLIC,
                      created_at=utcnow())
    comment.parent = parent
    db.session.add(comment)
    db.session.flush()
    if followable.subject_of(subject_type) is not None:
        follows.add(author.id, str(subject_type), subject_id)
    people = _told(described, comment, author)
    if people:
        notifications.notify(people, KIND,
                             url=described.url(comment.subject_id) + comment_anchor(comment),
                             name=author.display_name, subject=described.title(item))
    db.session.commit()
    return comment


def _own(user: User, comment_id) -> Comment:
    comment = _comment(comment_id)
    if comment.author_id != user.id:
        raise NotAllowed(_l("Only its author can change or delete a comment."))
    if comment.state == CommentState.DELETED:
        raise CommentNotFound()
    return comment


def editable(user: User, comment_id) -> Comment:
    """The author's comment while they may still edit it (rules.may_edit)."""
    comment = _own(user, comment_id)
    if comment.state != CommentState.PUBLIC:
        raise Conflict(_l("A hidden comment can no longer be edited."))
    if not rules.may_edit(comment.created_at, utcnow()):
        raise Conflict(_l("A comment can be edited for %(minutes)d minutes after it is "
                          "posted; you can still delete it.",
                          minutes=int(rules.EDIT_WINDOW.total_seconds() // 60)))
    return comment


@use_case
def edit(user: User, comment_id: int, body: str) -> Comment:
    """The author edits their comment, within 15 minutes of posting it."""
    begin_write()
    comment = editable(user, comment_id)
    text = _check_body(body)
    comment.body = text
    comment.content_html = markdown.render(text)
    comment.edited_at = utcnow()
    db.session.commit()
    return comment


def _reply_count(comment_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Comment)
                             .where(Comment.parent_id == comment_id))


@use_case
def remove(user: User, comment_id: int) -> Deletion:
    """The author deletes their comment: "commentaire supprimé" stays in the place of
    one others answered, one without replies goes (rules.deletion); a thread left with
    only its "commentaire supprimé" goes too."""
    begin_write()
    comment = _own(user, comment_id)
    outcome = rules.deletion(_reply_count(comment.id) > 0)
    parent = comment.parent
    if outcome == Deletion.TOMBSTONE:
        comment.state = CommentState.DELETED
        comment.body = comment.content_html = ""
        comment.edited_at = utcnow()
    else:
        db.session.delete(comment)
        db.session.flush()
        if (parent is not None and parent.state == CommentState.DELETED
                and _reply_count(parent.id) == 0):
            db.session.delete(parent)
    db.session.commit()
    return outcome


@use_case
def report(user: User, comment_id: int, reason: str) -> CommentReport:
    """Anyone signed in reports a public comment to the moderators, once per comment
    (unique in the database too); it joins the moderators' queue (/moderation/needs)."""
    begin_write()
    comment = _comment(comment_id)
    if not comment.is_public or subjects.subject_of(comment.subject_type) is None \
            or subjects.subject_of(comment.subject_type).load(comment.subject_id) is None:
        raise CommentNotFound()
    if db.session.scalar(select(CommentReport.id).where(
            CommentReport.comment_id == comment.id,
            CommentReport.reporter_id == user.id)) is not None:
        raise Conflict(_l("You have already reported this comment: the moderators will look "
                          "at it."))
    entry = CommentReport(comment_id=comment.id, reporter_id=user.id, reason=reason.strip(),
                          created_at=utcnow())
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:  # a simultaneous report of the same comment won
        raise Conflict(_l("You have already reported this comment: the moderators will "
                          "look at it.")) from None
    return entry


# ---- reading ---------------------------------------------------------------------------

@dataclass
class Entry:
    """A comment as a page shows it: ``shown`` False for a placeholder (deleted by its
    author, or hidden from this reader) kept for the replies under it."""

    comment: Comment
    shown: bool
    editable: bool
    replies: list[Entry] = field(default_factory=list)


@dataclass
class Thread:
    subject_type: str
    subject_id: int
    entries: list[Entry]
    count: int  # public comments and replies


def thread(subject_type: str, subject_id: int, viewer=None, *,
           moderator: bool = False) -> Thread:
    """The subject's conversation, in order, in one query (comments with their authors).
    Moderators see hidden comments (marked); others see none, but a placeholder where a
    hidden or deleted top comment has replies still shown."""
    rows = list(db.session.scalars(
        select(Comment).where(Comment.subject_type == str(subject_type),
                              Comment.subject_id == subject_id)
        .options(joinedload(Comment.author).lazyload(User.role_rows))
        .order_by(Comment.created_at, Comment.id).limit(rules.THREAD_MAX * 20)))
    now = utcnow()
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None

    def entry(comment: Comment) -> Entry:
        visible = comment.is_public or (moderator and comment.state == CommentState.HIDDEN)
        mine = viewer_id is not None and comment.author_id == viewer_id
        return Entry(comment, visible, mine and comment.is_public
                     and rules.may_edit(comment.created_at, now))

    tops: dict[int, Entry] = {}
    for comment in rows:
        if comment.parent_id is None:
            tops[comment.id] = entry(comment)
    for comment in rows:
        if comment.parent_id is not None and comment.parent_id in tops:
            reply = entry(comment)
            if reply.shown:
                tops[comment.parent_id].replies.append(reply)
    entries = [e for e in tops.values() if e.shown or e.replies][-rules.THREAD_MAX:]
    count = sum(1 for c in rows if c.is_public)
    return Thread(str(subject_type), subject_id, entries, count)


# Built once: every list page with cards asks it.
PUBLIC_COUNTS = (
    select(Comment.subject_id, func.count())
    .where(Comment.subject_type == bindparam("subject_type"),
           Comment.subject_id.in_(bindparam("ids", expanding=True)),
           Comment.state == CommentState.PUBLIC)
    .group_by(Comment.subject_id))


def public_count_column(subject_type: str, subject_id):
    """The public comments of the subject whose id is ``subject_id`` (a column of a list's
    statement), as a column of that statement: a list reads its cards' counts with its rows
    instead of by a query of their own (``counts``)."""
    return (select(func.count()).where(Comment.subject_type == str(subject_type),
                                       Comment.subject_id == subject_id,
                                       Comment.state == CommentState.PUBLIC)
            .scalar_subquery())


def counts(subject_type: str, subject_ids) -> dict[int, int]:
    """Public comments per subject, for a list's cards: one grouped query."""
    ids = [i for i in subject_ids if _valid_id(i)]
    if not ids:
        return {}
    return dict(db.session.execute(
        PUBLIC_COUNTS, {"subject_type": str(subject_type), "ids": ids}).all())


def public_comments_statement(subject_type: str | None = None, subject_id: int | None = None):
    """Every public comment of a subject a visitor may see (the API, the open data),
    oldest first: one query, whatever the kinds registered."""
    described = subjects.registered()
    if subject_type is not None:
        described = {k: v for k, v in described.items() if k == subject_type}
    conditions = [(Comment.subject_type == kind) & Comment.subject_id.in_(s.public_ids())
                  for kind, s in described.items()]
    stmt = select(Comment).where(Comment.state == CommentState.PUBLIC)
    if not conditions:
        return stmt.where(False)

    stmt = stmt.where(or_(*conditions))
    if subject_id is not None:
        stmt = stmt.where(Comment.subject_id == subject_id)
    return stmt.order_by(Comment.created_at, Comment.id)


def subject_page(comment: Comment) -> str | None:
    """The page a comment is on, with its anchor (None when that page is not public)."""
    described = subjects.subject_of(comment.subject_type)
    item = described.load(comment.subject_id) if described is not None else None
    if item is None:
        return None
    return described.url(comment.subject_id) + comment_anchor(comment)


def subject_title(comment: Comment) -> str | None:
    described = subjects.subject_of(comment.subject_type)
    item = described.load(comment.subject_id) if described is not None else None
    return described.title(item) if item is not None else None

