"""The idea as a subject people comment on (discussions/subjects.py), registered with the
voting blueprint (issue 20 §1).

An idea's conversation follows the voting's visibility: an idea is shown wherever its
event's pages show it, that is unless the event is a draft (rules.event_hidden); its
comments are posted, listed and published (API, open data) only then. Nobody follows an
idea: its team (or its author alone) hears of each new comment.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.database import ID_MAX
from inspir_events.discussions.subjects import CommentSubject
from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus
from inspir_events.extensions import db
from inspir_events.teams.models import TeamMember
from inspir_events.urls import path_for
from inspir_events.voting import rules
from inspir_events.voting.models import Idea

SUBJECT_TYPE = "idea"


def shown_idea(idea_id: int) -> Idea | None:
    """The idea if its event's pages show it (the event is not a draft), else None."""
    idea = db.session.get(Idea, idea_id) if 0 < idea_id <= ID_MAX else None
    if idea is None or rules.event_hidden(idea.event.status):
        return None
    return idea


def shown_ids():
    """The ids of every idea a visitor may see, as a SELECT."""
    return select(Idea.id).join(Event, Event.id == Idea.event_id).where(
        Event.status != EventStatus.DRAFT)


def idea_people(idea_id: int) -> list[int]:
    """Who hears of a new comment on an idea: its team, or its author."""
    idea = db.session.get(Idea, idea_id)
    if idea is None:
        return []
    people = set()
    if idea.team_id is not None:
        people |= set(db.session.scalars(select(TeamMember.user_id)
                                         .where(TeamMember.team_id == idea.team_id)))
    if idea.author_id is not None:
        people.add(idea.author_id)
    return sorted(people)


COMMENT_SUBJECT = CommentSubject(
    load=shown_idea, title=lambda idea: idea.title,
    url=lambda idea_id: path_for("voting.idea", idea_id=idea_id), public_ids=shown_ids,
    name=_l("Idea"), followers=idea_people)
