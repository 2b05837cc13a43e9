"""The store's pure rules (no Flask, no SQLAlchemy): which year an entry belongs to, what
a reproduction request may say.

What the store's search compares (a project's folded text) is the projects' own rule:
:func:`inspir_events.aid.projects.rules.search_text_of`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from inspir_events.timeutil import utc_to_paris

YEAR_MIN = 2000
YEAR_MAX = 2100
MESSAGE_MAX = 500  # a reproduction request's message


# Paris is an hour ahead of UTC at every new year (winter time, CET): a moment's year in
# Paris is its UTC year an hour later, whatever the season (in summer, two hours ahead, no
# year begins). What lets the database tell the years of the store's entries (queries).
NEW_YEAR_OFFSET = timedelta(hours=1)


def store_year(moment: datetime) -> int:
    """The year (Europe/Paris) of a stored naive-UTC moment."""
    return utc_to_paris(moment).year


def store_year_by_offset(moment: datetime) -> int:
    """The same year, as the database computes it: the UTC year ``NEW_YEAR_OFFSET`` later."""
    return (moment + NEW_YEAR_OFFSET).year


def clean_message(message: str | None) -> str:
    """A reproduction request's message, trimmed (its length is checked by the caller)."""
    return (message or "").strip()
