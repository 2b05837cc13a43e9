"""Following a subject and stopping; who follows one (for the features that tell them).

Issue 17 §3-4: a person follows a need, an event, a project or a support structure (a
button on its page) and is told what happens to it; soutenir un besoin, supporting
a need, follows it too (:func:`add`, in the support's transaction). What one follows is
listed on the profile (:func:`followed`). The features that send news read
:func:`followers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from inspir_events.database import ID_MAX, begin_write, insert_ignoring_conflicts, retrying
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.follows import subjects
from inspir_events.follows.models import Follow
from inspir_events.timeutil import utcnow


class FollowError(DomainError):
    """A follow use case refused."""


class NotFollowable(FollowError):
    status = 404

    def __init__(self):
        super().__init__(_l("There is nothing to follow here: this page does not exist or "
                            "is not public."))


def _described(subject_type: str, subject_id) -> subjects.FollowSubject:
    subject = subjects.subject_of(subject_type)
    valid = isinstance(subject_id, int) and not isinstance(subject_id, bool) \
        and 0 < subject_id <= ID_MAX
    if subject is None or not valid:
        raise NotFollowable()
    return subject


def add(user_id: int, subject_type: str, subject_id: int) -> bool:
    """``user_id`` follows the subject, in the caller's transaction (supporting a need
    follows it); True when the row is new. Conflict-safe: a second follow changes nothing."""
    return insert_ignoring_conflicts(Follow, user_id=user_id, subject_type=str(subject_type),
                                     subject_id=subject_id, created_at=utcnow()).rowcount == 1


@retrying
def set_following(user, subject_type: str, subject_id: int, following: bool) -> bool:
    """Follow a subject a visitor may see (:class:`NotFollowable` otherwise, 404), or stop
    following it (always possible, even once it is no longer public); returns whether
    ``user`` now follows it. Several clicks, or two at once, leave one row or none."""
    subject = _described(subject_type, subject_id)
    begin_write()
    if following:
        if subject.load(subject_id) is None:
            raise NotFollowable()
        add(user.id, subject_type, subject_id)
    else:
        db.session.execute(delete(Follow).where(
            Follow.user_id == user.id, Follow.subject_type == str(subject_type),
            Follow.subject_id == subject_id))
    db.session.commit()
    return following


def followers(subject_type: str, subject_id: int) -> list[int]:
    """The accounts following the subject, by id: whom the features tell its news."""
    return list(db.session.scalars(select(Follow.user_id).where(
        Follow.subject_type == str(subject_type), Follow.subject_id == subject_id)
        .order_by(Follow.user_id)))


def is_following(user, subject_type: str, subject_id: int) -> bool:
    """Whether ``user`` (possibly a visitor) follows the subject."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    return db.session.get(Follow, (user.id, str(subject_type), subject_id)) is not None


@dataclass(frozen=True)
class Followed:
    """One thing a person follows, as the profile lists it (``url`` None: no longer public)."""

    subject_type: str
    subject_id: int
    name: str
    title: str
    url: str | None
    since: datetime


def followed(user_id: int) -> list[Followed]:
    """What ``user_id`` follows, the latest first; a subject no longer public (hidden,
    withdrawn, a draft again) is listed without its page, so it can still be unfollowed."""
    found = []
    for row in db.session.scalars(select(Follow).where(Follow.user_id == user_id)
                                  .order_by(Follow.created_at.desc(), Follow.subject_type,
                                            Follow.subject_id)):
        subject = subjects.subject_of(row.subject_type)
        if subject is None:
            continue  # a kind no feature registers any more
        item = subject.load(row.subject_id)
        found.append(Followed(
            row.subject_type, row.subject_id, str(subject.name),
            subject.title(item) if item is not None else str(subject.gone),
            subject.url(item) if item is not None else None, row.created_at))
    return found
