"""A board's need cards, each rendered once for what it shows, then kept (issue 21 §6).

A card is the same HTML for everyone who sees the same need in the same state, in the same
language, signed in or not. Rendering twenty of them (macros, links, dates, translations)
was a fifth of a signed-in board page; each is now rendered once and kept under a key made
of **everything it shows** (:class:`Card`, the page's language and address root, whether
the viewer is signed in and, for visitors, the sign-in link): an edited need, a new
supporter, tag or comment, a change of status, or the viewer's own support is a new key,
never a stale card. Nothing expires by time; the least recently used cards leave first.

The one thing of a card that belongs to a session, the CSRF token of the signed-in support
form, is kept as a slot and written into each page's copy.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from flask import render_template, request
from markupsafe import Markup

from inspir_events.i18n import current_language
from inspir_events.needs.forms import STATUS_LABELS
from inspir_events.needs.rules import NeedStatus
from inspir_events.security import csrf_token

CARD_CACHE_SIZE = 4_096  # about 2 KB each
CSRF_SLOT = "\x00csrf\x00"  # where the token goes; never in a rendered card


class Card(NamedTuple):
    """Everything a card shows of a need (templates/needs/_macros.html ``need_card``)."""

    id: int
    title: str
    status: NeedStatus
    department_code: str
    department_name: str
    commune: str | None
    theme_code: str
    theme_name: str
    created_at: datetime
    tags: tuple[str, ...]
    supporters_count: int
    comments: int
    supported: bool


def cards(items, tags: dict[int, list[str]], supported_ids: set[int], department_of: dict,
          theme_of: dict, comment_counts: dict[int, int], signed_in: bool,
          login_url: str | None) -> list[Markup]:
    """The cards of a board page's needs, in order (``department_of``, ``theme_of``: the
    reference rows by code)."""
    token = csrf_token() if signed_in else None
    language = current_language()  # (once: each name in it, as ``localized`` gives it)
    page = (language, request.script_root, signed_in, login_url)
    shown = []
    for need in items:
        card = Card(need.id, need.title, need.status, need.department_code,
                    department_of[need.department_code].name_for(language), need.commune,
                    need.theme_code, theme_of[need.theme_code].name_for(language), need.created_at,
                    tuple(tags.get(need.id, ())), need.supporters_count,
                    comment_counts.get(need.id, 0), need.id in supported_ids)
        html = _rendered(card, *page)
        if token:  # URL-safe text (itsdangerous)
            html = html.replace(CSRF_SLOT, token)
        shown.append(Markup(html))  # noqa: S704  # nosec B704 # our own autoescaped template
    return shown


@lru_cache(maxsize=CARD_CACHE_SIZE)
def _rendered(card: Card, language: str, script_root: str, signed_in: bool,
              login_url: str | None) -> str:
    """The card's HTML with the token's slot (the key's other parts are the request's, in
    which it is rendered: its language, address root, viewer)."""
    html = render_template(
        "needs/_card.html", card=card, login_url=login_url,
        status_labels={status: str(label) for status, label in STATUS_LABELS.items()},
        comment_counts={card.id: card.comments})
    if signed_in:
        html = html.replace(csrf_token(), CSRF_SLOT)
    return html
