"""Rules of teams at an event, as plain values (no Flask, no SQLAlchemy).

The deliberation asks for « la transversalité et la multidisciplinarité »: teams mix
inhabitants and future users with digital experts (« start-up, hackers,
makers »), domain experts and designers.
"""

from __future__ import annotations

import enum
from datetime import datetime

NAME_MIN = 2
NAME_MAX = 80
PITCH_MAX = 2000
SIZE_MIN = 2
SIZE_MAX = 12
SIZE_DEFAULT = 6
# The role that makes a team co-designed: an inhabitant or future user.
CITIZEN_ROLE = "usager"


class JoinPolicy(enum.StrEnum):
    OPEN = "open"  # anyone confirmed joins at once
    ON_REQUEST = "on_request"  # the lead accepts or declines


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


def name_key(name: str) -> str:
    """What makes two team names the same at an event: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def size_problem(max_size: int, members: int = 0) -> str | None:
    """"out_of_range" (outside 2-12) or "below_members", else None."""
    if not SIZE_MIN <= max_size <= SIZE_MAX:
        return "out_of_range"
    if max_size < members:
        return "below_members"
    return None


def is_frozen(frozen_from: datetime | None, now: datetime) -> bool:
    """Teams are frozen (no joins, no leaves) from the organiser's chosen time."""
    return frozen_from is not None and now >= frozen_from


def has_room(members: int, max_size: int) -> bool:
    return members < max_size
