"""The store's project cards, each rendered once for what it shows, then kept (issue 21 §6).

As the board's need cards (``needs/cards.py``): a card is the same HTML for everyone who
sees the same project in the same state and language; rendering twenty of them (a macro,
its badges, facts and links) was about a fifth of the store's page. Each is kept under a
key made of **everything it shows** (:class:`StoreCard`, the page's language and address
root): a new stage, title, label, licence, reproduction or comment is a new key, never a
stale card. Nothing expires by time; the least recently used cards leave first.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from flask import render_template, request
from markupsafe import Markup

from inspir_events.aid.projects.forms import STAGE_LABELS
from inspir_events.aid.projects.stages import Stage
from inspir_events.i18n import current_language

CARD_CACHE_SIZE = 2_048  # about 1.5 KB each


class StoreCard(NamedTuple):
    """Everything a card shows of a project (templates/store/_macros.html ``store_card``:
    the same attribute names as the project's)."""

    id: int
    title: str
    stage: Stage
    labelled: bool
    department_code: str | None
    department_name: str | None
    theme_code: str | None
    theme_name: str | None
    licence: str | None
    stage_changed_at: datetime | None
    reproductions_count: int
    comments: int


def cards(items, labelled: set[int], department_names: dict[str, str],
          theme_names: dict[str, str], comment_counts: dict[int, int]) -> list[Markup]:
    """The cards of a store page's projects, in order."""
    page = (current_language(), request.script_root)
    shown = []
    for project in items:
        card = StoreCard(
            project.id, project.title, project.stage, project.id in labelled,
            project.department_code, department_names.get(project.department_code),
            project.theme_code, theme_names.get(project.theme_code), project.licence,
            project.stage_changed_at, project.reproductions_count,
            comment_counts.get(project.id, 0))
        shown.append(Markup(_rendered(card, *page)))  # noqa: S704  # nosec B704 # our own autoescaped template
    return shown


@lru_cache(maxsize=CARD_CACHE_SIZE)
def _rendered(card: StoreCard, language: str, script_root: str) -> str:
    """The card's HTML (the key's other parts are the request's, in which it is rendered:
    its language and address root)."""
    names = {"department_names": {card.department_code: card.department_name or
                                  card.department_code},
             "theme_names": {card.theme_code: card.theme_name or card.theme_code},
             "stage_labels": STAGE_LABELS}
    return render_template("store/_card.html", card=card, names=names,
                           comment_counts={card.id: card.comments})
