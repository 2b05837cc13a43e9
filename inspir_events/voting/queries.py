"""Read-only questions the voting pages ask (no state changes, no commits)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from inspir_events.events import services as events
from inspir_events.events.models import Event
from inspir_events.extensions import db
from inspir_events.needs.models import Need
from inspir_events.voting import rules
from inspir_events.voting.models import Idea, Vote, VotingRound, round_idea
from inspir_events.voting.rules import RoundStatus

CHART_BAR_MAX = 100.0  # the longest bar, in percent of the plot's width


def my_votes(user, round_id: int) -> set[int]:
    """The ideas ``user`` voted for in the round (empty for an anonymous visitor)."""
    if not (user and user.is_authenticated):
        return set()
    return set(db.session.scalars(select(Vote.idea_id).where(
        Vote.round_id == round_id, Vote.voter_id == user.id)))


def round_ideas(voting_round: VotingRound) -> list[Idea]:
    """The round's ideas: fixed at opening; before that, the event's ideas as they stand."""
    if voting_round.status == RoundStatus.DRAFT:
        return list(db.session.scalars(select(Idea).where(
            Idea.event_id == voting_round.event_id).order_by(Idea.id)))
    return list(voting_round.ideas)


def idea_rounds(idea: Idea) -> list[VotingRound]:
    return list(db.session.scalars(
        select(VotingRound).join(round_idea, round_idea.c.round_id == VotingRound.id)
        .where(round_idea.c.idea_id == idea.id).order_by(VotingRound.id)))


def need_choices(event: Event, current: Need | None = None) -> list[tuple[int, str]]:
    """Public needs an idea may answer: the event's own needs first, then the others."""
    picked = events.public_needs(event) + events.linkable_needs(None)
    if current is not None:
        picked.append(current)
    seen, result = set(), []
    for need in picked:
        if need.id not in seen:
            seen.add(need.id)
            result.append((need.id, f"#{need.id} {need.title}"))
    return result


@dataclass(frozen=True)
class Bar:
    ranked: rules.Ranked
    idea: Idea
    percent: float  # bar length relative to the most voted idea


def chart(ranked: list[tuple[rules.Ranked, Idea]]) -> list[Bar]:
    """Bar lengths for the results chart (drawn by the template as SVG)."""
    top = max((r.votes for r, _ in ranked), default=0)
    return [Bar(r, idea, round(CHART_BAR_MAX * r.votes / top, 1) if top else 0.0)
            for r, idea in ranked]
