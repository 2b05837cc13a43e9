"""The need as a subject people follow (follows/subjects.py) and comment on
(discussions/subjects.py), registered with the needs blueprint.

Issue 17 §3-4: les soutiens et abonnés d'un besoin are told when an event addresses
it, when it becomes a project and when that project reaches the store. Supporting a
need follows it (:func:`inspir_events.needs.services.set_support`); withdrawing the
support does not stop following it. The features that make the news (events, aid)
read :func:`inspir_events.follows.services.followers` themselves: needs sits below them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.discussions.subjects import CommentSubject
from inspir_events.extensions import db
from inspir_events.follows.subjects import FollowSubject
from inspir_events.needs.models import Need
from inspir_events.urls import path_for

SUBJECT_TYPE = "need"


def public_need(need_id: int) -> Need | None:
    """The need if it is on the public boards (what a visitor may follow), else None."""
    need = db.session.get(Need, need_id)
    return need if need is not None and need.is_public else None


FOLLOW_SUBJECT = FollowSubject(
    load=public_need, title=lambda need: need.title,
    url=lambda need: path_for("needs.detail", need_id=need.id),
    name=_l("Need"), gone=_l("A need that is no longer on the boards"))


# People comment on a public need (issue 20 §1); its followers are told.
COMMENT_SUBJECT = CommentSubject(
    load=public_need, title=lambda need: need.title,
    url=lambda need_id: path_for("needs.detail", need_id=need_id),
    public_ids=lambda: select(Need.id).where(Need.is_public), name=_l("Need"))
