"""Idea use cases: a team (or a participant alone, when the organisers allow it) posts an
idea, and its team edits it until a voting round including it opens.

Each use case owns its transaction; pages call them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events import markdown
from inspir_events.accounts.models import User
from inspir_events.database import begin_write, use_case
from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus
from inspir_events.extensions import db
from inspir_events.needs.models import Need
from inspir_events.teams.models import TeamMember
from inspir_events.timeutil import utcnow
from inspir_events.voting import rules
from inspir_events.voting.access import (
    VotingConflict,
    VotingError,
    VotingForbidden,
    VotingNotFound,
    confirmed_registration,
    shown_event,
)
from inspir_events.voting.models import Idea, VotingRound, round_idea
from inspir_events.voting.rules import RoundStatus


@dataclass
class IdeaInput:
    title: str
    summary: str
    need_id: int | None = None


def _team_id(user_id: int, event_id: int) -> int | None:
    return db.session.scalar(select(TeamMember.team_id).where(
        TeamMember.event_id == event_id, TeamMember.user_id == user_id))


def _frozen_idea_ids(event_id: int) -> set[int]:
    """Ideas already in a round that opened: they can no longer change."""
    return set(db.session.scalars(
        select(round_idea.c.idea_id).join(VotingRound, VotingRound.id == round_idea.c.round_id)
        .where(VotingRound.event_id == event_id, VotingRound.status != RoundStatus.DRAFT)))


def _fill_idea(idea: Idea, data: IdeaInput) -> None:
    """An idea may answer a public need only."""
    if data.need_id is not None:
        need = db.session.get(Need, data.need_id)
        if need is None or not need.is_public:
            raise VotingError(_l("Pick a public need."), field="need")
    idea.title = " ".join(data.title.split())
    idea.summary = data.summary
    idea.summary_html = markdown.render(data.summary)
    idea.need_id = data.need_id
    idea.updated_at = utcnow()


def check_participant(user: User, event: Event) -> None:
    """Only the event's confirmed participants post ideas (asked before the form too)."""
    if event.status != EventStatus.PUBLISHED or confirmed_registration(user.id, event.id) is None:
        raise VotingForbidden(_l("Only the event's confirmed participants post ideas."))


@use_case
def post_idea(user: User, event_id: int, data: IdeaInput) -> Idea:
    """A team (or, if the organisers allow it, a participant alone) posts an idea."""
    begin_write()
    event = shown_event(event_id)
    check_participant(user, event)
    team_id = _team_id(user.id, event.id)
    if team_id is None and not event.solo_ideas_allowed:
        raise VotingForbidden(_l("Ideas are posted by teams at this event: join or create a "
                                 "team first."))
    idea = Idea(event_id=event.id, team_id=team_id, author_id=user.id)
    _fill_idea(idea, data)
    db.session.add(idea)
    db.session.commit()
    return idea


def is_idea_team(user, idea: Idea) -> bool:
    """Its team (or its author, for a solo idea): the only people who may edit it."""
    if not (user and user.is_authenticated):
        return False
    if idea.team_id is not None:
        return _team_id(user.id, idea.event_id) == idea.team_id
    return idea.author_id == user.id


def can_edit_idea(user, idea: Idea) -> bool:
    """Its team (or its author, for a solo idea) edits it until a round including it opens."""
    return is_idea_team(user, idea) and idea.id not in _frozen_idea_ids(idea.event_id)


@use_case
def edit_idea(user: User, idea_id: int, data: IdeaInput) -> Idea:
    """The idea's team edits it (can_edit_idea); a frozen idea is a conflict (409)."""
    begin_write()
    idea = db.session.get(Idea, idea_id)
    if idea is None:
        raise VotingNotFound()
    if not can_edit_idea(user, idea):
        if idea.id in _frozen_idea_ids(idea.event_id):
            raise VotingConflict(_l("A voting round including this idea is open: it can no "
                                    "longer be edited."))
        raise VotingForbidden(_l("Only the idea's team can edit it."))
    _fill_idea(idea, data)
    db.session.commit()
    return idea


def event_ideas(event_id: int) -> list[Idea]:
    """The event's ideas, oldest first."""
    return list(db.session.scalars(select(Idea).where(Idea.event_id == event_id)
                                   .order_by(Idea.id)))


def get_idea(idea_id: int) -> Idea:
    """The idea, unless its event is hidden (a draft): then VotingNotFound."""
    idea = db.session.get(Idea, idea_id)
    if idea is None or rules.event_hidden(idea.event.status):
        raise VotingNotFound()
    return idea
