"""A public comment as open data: the JSON-ready dict behind the API's comments,
/comments.json and /comments.csv (one set of fields; datetimes in ISO 8601 UTC with "Z").

**Without its author**: neither name nor account id, as the pages of people's own
words are theirs; a comment is known by its subject, its thread and its text."""

from __future__ import annotations

from flask import request

from inspir_events.discussions import subjects
from inspir_events.discussions.models import Comment
from inspir_events.timeutil import iso_utc

COMMENT_COLUMNS = ("id", "subject_type", "subject_id", "parent_id", "body", "created_at",
                   "edited_at", "url")


def comment_item(comment: Comment) -> dict:
    described = subjects.subject_of(comment.subject_type)
    return {
        "id": comment.id,
        "subject_type": comment.subject_type,
        "subject_id": comment.subject_id,
        "parent_id": comment.parent_id,
        "body": comment.body,
        "created_at": iso_utc(comment.created_at),
        "edited_at": iso_utc(comment.edited_at),
        "url": request.host_url.rstrip("/") + described.url(comment.subject_id)
        + f"#comment-{comment.id}",
    }
