"""The discussions' rules, pure: how long a comment may be, how long its author may edit
it, where a reply goes, what a removed comment leaves behind.

Choices (README "Discussions"):

- **Edit window.** The author edits a comment for :data:`EDIT_WINDOW` (15 minutes) after
  posting it, the last second included; after that it stands as written.
- **One level of replies.** A reply to a reply is not refused: it is attached to the top
  comment of its thread (:func:`thread_parent`), so the conversation stays flat and no
  one's answer is lost.
- **Deleting.** The author deletes their comment at any time. One with replies leaves a
  "commentaire supprimé" in their place (its text erased) so the replies keep their
  context; one without replies is removed (:func:`deletion`).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

BODY_MAX = 5_000  # characters of Markdown
REPORT_REASON_MAX = 500
HIDE_REASON_MAX = 500
EDIT_WINDOW = timedelta(minutes=15)
# A thread page shows at most this many top comments (the newest last).
THREAD_MAX = 200


class CommentState(enum.StrEnum):
    PUBLIC = "public"
    HIDDEN = "hidden"  # by a moderator: shown to nobody but the moderators
    DELETED = "deleted"  # by its author, kept as "commentaire supprimé" for its replies


class Deletion(enum.StrEnum):
    REMOVE = "remove"  # the row goes
    TOMBSTONE = "tombstone"  # the text goes, "commentaire supprimé" stays


def may_edit(created_at: datetime, now: datetime) -> bool:
    """Whether a comment posted at ``created_at`` may still be edited by its author at
    ``now``: within :data:`EDIT_WINDOW`, its last instant included."""
    return timedelta(0) <= now - created_at <= EDIT_WINDOW


def edit_deadline(created_at: datetime) -> datetime:
    return created_at + EDIT_WINDOW


def thread_parent(parent_id: int | None, grandparent_id: int | None) -> int | None:
    """The comment a reply is attached to: the one answered when it is a top comment,
    else the top comment of its thread (replies stay one level deep)."""
    if parent_id is None:
        return None
    return grandparent_id if grandparent_id is not None else parent_id


def deletion(has_replies: bool) -> Deletion:
    """What deleting a comment does: a tombstone when others answered it, else removal."""
    return Deletion.TOMBSTONE if has_replies else Deletion.REMOVE


def body_problem(body: str) -> str | None:
    """``"empty"`` or ``"too_long"`` when the text cannot be posted, else None."""
    text = (body or "").strip()
    if not text:
        return "empty"
    if len(text) > BODY_MAX:
        return "too_long"
    return None
