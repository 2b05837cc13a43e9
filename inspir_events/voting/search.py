"""The idea as the site's search finds it (search/registry.py), registered with the
voting blueprint: an idea of a closed round (before, it is still being worked on), its
title and summary, its event's department and its need's theme.

Closing a round makes its ideas found: the round is watched too."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.events.models import Event
from inspir_events.needs.models import Need
from inspir_events.search.registry import SearchSource, Watch
from inspir_events.search.rules import Document, plain_text
from inspir_events.urls import path_for
from inspir_events.voting.models import Idea, VotingRound, round_idea
from inspir_events.voting.rules import RoundStatus

SOURCE = "idea"


def _closed_round_ideas():
    return (select(round_idea.c.idea_id)
            .join(VotingRound, VotingRound.id == round_idea.c.round_id)
            .where(VotingRound.status == RoundStatus.CLOSED))


def documents(connection, ids) -> list[Document]:
    statement = (select(Idea.id, Idea.title, Idea.summary_html, Event.department_code,
                        Need.theme_code)
                 .join(Event, Event.id == Idea.event_id)
                 .outerjoin(Need, Need.id == Idea.need_id)
                 .where(Idea.id.in_(_closed_round_ideas())))
    if ids is not None:
        statement = statement.where(Idea.id.in_(ids))
    return [Document(source=SOURCE, item_id=row.id, kind="idea", title=row.title,
                     body=plain_text(row.summary_html), department_code=row.department_code,
                     theme_code=row.theme_code)
            for row in connection.execute(statement)]


def _round_ideas(connection, voting_round) -> list[int]:
    return list(connection.execute(select(round_idea.c.idea_id).where(
        round_idea.c.round_id == voting_round.id)).scalars())


SEARCH_SOURCE = SearchSource(
    kinds={"idea": _l("Ideas")},
    load=documents,
    url=lambda kind, item_id: path_for("voting.idea", idea_id=item_id),
    watches=(
        Watch(Idea, lambda connection, idea: [idea.id],
              fields=("title", "summary_html", "need_id", "event_id")),
        Watch(VotingRound, _round_ideas, fields=("status",)),
    ),
)
