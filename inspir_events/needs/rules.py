"""Rules of the need boards, as plain values (no Flask, no SQLAlchemy).

"Partir des besoins" (deliberation INS'pir 2016): needs are collected with their
territory before events ("mise en perspective territoriale des besoins exprimés").
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

TITLE_MIN = 5
TITLE_MAX = 120
DESCRIPTION_MAX = 10_000
COMMUNE_MAX = 100
TAG_MAX_LENGTH = 40
TAGS_MAX = 5
REPORT_REASON_MAX = 500
HIDE_REASON_MAX = 500
NEEDS_PER_DAY = 10
# Reports a person may send in 24 hours, each on a different need (issue 18, 1.6).
REPORTS_PER_DAY = 10
PER_PAGE_DEFAULT = 20
PER_PAGE_MAX = 50


class NeedStatus(enum.StrEnum):
    """Where a need stands in the INS'pir process."""

    PUBLISHED = "published"
    ADDRESSED = "addressed"  # an event declares it addresses the need
    IN_EXPERIMENTATION = "in_experimentation"  # a project answering it is experimented
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # by its author; off the boards


class Visibility(enum.StrEnum):
    """Moderation state, independent of the status."""

    PENDING = "pending"  # awaiting a moderator (pre-moderation setting)
    PUBLIC = "public"
    HIDDEN = "hidden"  # hidden by a moderator, with a reason shown to the author


# The process only moves forward; closing is possible from any live status.
TRANSITIONS: dict[NeedStatus, set[NeedStatus]] = {
    NeedStatus.PUBLISHED: {NeedStatus.ADDRESSED, NeedStatus.IN_EXPERIMENTATION,
                           NeedStatus.CLOSED, NeedStatus.WITHDRAWN},
    NeedStatus.ADDRESSED: {NeedStatus.IN_EXPERIMENTATION, NeedStatus.CLOSED},
    NeedStatus.IN_EXPERIMENTATION: {NeedStatus.CLOSED},
    NeedStatus.CLOSED: set(),
    NeedStatus.WITHDRAWN: set(),
}

BOARD_STATUSES = (NeedStatus.PUBLISHED, NeedStatus.ADDRESSED,
                  NeedStatus.IN_EXPERIMENTATION, NeedStatus.CLOSED)


class Sort(enum.StrEnum):
    NEWEST = "newest"
    SUPPORTED = "supported"


def can_move(current: NeedStatus, target: NeedStatus) -> bool:
    return target in TRANSITIONS[current]


def advance(current: NeedStatus, target: NeedStatus) -> NeedStatus:
    """The status after an event, project or closing reaches the need.

    A need already further along stays where it is (an event addressing a need
    already in experimentation does not move it back).
    """
    order = list(BOARD_STATUSES)
    if current in order and target in order and order.index(target) <= order.index(current):
        return current
    if not can_move(current, target):
        raise ValueError(f"a need cannot go from {current} to {target}")
    return target


def is_editable(status: NeedStatus) -> bool:
    """The author may edit a need until an event addresses it."""
    return status == NeedStatus.PUBLISHED


_TAG_RE = re.compile(r"[^\w\- ]+", re.UNICODE)


def normalise_tag(raw: str) -> str:
    """Lower-case, single spaces, letters/digits/hyphens only."""
    tag = _TAG_RE.sub("", raw.strip().lower())
    return " ".join(tag.split())


def parse_tags(raw: str) -> list[str]:
    """Comma-separated input into distinct normalised tags, in the order typed."""
    seen: list[str] = []
    for part in raw.split(","):
        tag = normalise_tag(part)
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def tags_problem(tags: list[str]) -> str | None:
    """"too_many" or "too_long" when the tags break the rules, else None."""
    if len(tags) > TAGS_MAX:
        return "too_many"
    if any(len(t) > TAG_MAX_LENGTH for t in tags):
        return "too_long"
    return None


def fold(text: str) -> str:
    """Lower-case text without accents: what the search compares."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_terms(query: str, limit: int = 8) -> list[str]:
    """The words of a search query, folded; every one must match."""
    words = [w for w in re.split(r"\W+", fold(query)) if len(w) >= 2]
    return words[:limit]


@dataclass(frozen=True)
class BoardFilters:
    """What a board shows: every filter optional."""

    department: str | None = None
    theme: str | None = None
    status: NeedStatus | None = None
    tag: str | None = None
    epci: str | None = None  # an intercommunality's SIREN: needs of its communes
    query: str = ""
    sort: Sort = Sort.NEWEST


def narrowed_by_department_at_most(filters: BoardFilters) -> bool:
    """Whether a department, at most, narrows the board: its total is then a sum of the
    public needs per department (every need has one)."""
    return not (filters.theme or filters.status or filters.tag or filters.epci
                or search_terms(filters.query))


def total_from_department_counts(filters: BoardFilters,
                                 counts: dict[str, int]) -> int | None:
    """How many needs a board lists, read from the public needs per department (the map's
    figures) when its only filter is a department at most: every need has one. None when
    another filter narrows the board (then it is counted)."""
    if not narrowed_by_department_at_most(filters):
        return None
    if filters.department:
        return counts.get(filters.department, 0)
    return sum(counts.values())


def clamp_per_page(value: int | None) -> int:
    """The page size asked for, at most PER_PAGE_MAX (PER_PAGE_DEFAULT when unusable)."""
    if not value or value < 1:
        return PER_PAGE_DEFAULT
    return min(value, PER_PAGE_MAX)


def clamp_page(value: int | None, total: int, per_page: int) -> int:
    """The page number asked for, between 1 and the last page of ``total`` items."""
    last = max(1, -(-total // per_page))
    if not value or value < 1:
        return 1
    return min(value, last)
