"""The store's pure rules (no Flask, no SQLAlchemy): what its search compares, which
year an entry belongs to, what a reproduction request may say.

The search text is folded (lower case, no accents) like the needs' boards
(:func:`inspir_events.needs.rules.fold`), so "deja" finds "déjà".
"""

from __future__ import annotations

from datetime import datetime

from inspir_events import markdown
from inspir_events.needs.rules import fold
from inspir_events.timeutil import utc_to_paris

YEAR_MIN = 2000
YEAR_MAX = 2100
MESSAGE_MAX = 500  # a reproduction request's message
SEARCH_TEXT_MAX = 40_000


def search_text_of(project) -> str:
    """The folded title, summary, results and lessons of ``project`` (any object with
    those attributes): what the store's search matches words against."""
    parts = [project.title or ""]
    for text in (project.summary, project.results, project.lessons):
        if text:
            parts.append(markdown.to_text(text, SEARCH_TEXT_MAX // 4))
    return fold("\n".join(parts))[:SEARCH_TEXT_MAX]


def store_year(moment: datetime) -> int:
    """The year (Europe/Paris) of a stored naive-UTC moment."""
    return utc_to_paris(moment).year


def clean_message(message: str | None) -> str:
    """A reproduction request's message, trimmed (its length is checked by the caller)."""
    return (message or "").strip()
