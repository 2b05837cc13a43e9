"""Matching people and teams by the roles they bring and lack (no Flask, no SQLAlchemy).

The deliberation asks for « la transversalité et la multidisciplinarité » and for
co-design « par et pour les habitants »: a team is multidisciplinary when its
members cover the roles it looks for, and teams without any inhabitant or
future user (the ``usager`` role) are favoured for people who bring that role.

The score of a person for a team with room left (a full team is never
suggested) is the sum of:

- ``MISSING_ROLE`` (10) for each role the team looks for that no member covers
  yet and that the person brings;
- ``CO_DESIGN_BONUS`` (5) when the team has no ``usager`` member yet and the
  person is one (whether or not the team listed the role: co-design is wanted
  of every team);
- ``ROOM_BONUS`` (1) per free place, counting at most ``ROOM_CAP`` (3) places,
  so that among equal fits people are spread over the emptier teams.

A person who brings neither a missing role nor co-design is not suggested. The
weights make the ranking lexicographic: more missing roles covered first (one
role, 10, outweighs co-design plus any room, 5 + 3), then co-design (5 outweighs
any difference of room, at most 3 - 1), then room. Equal scores are ordered by
the lower id, so the same input always gives the same ranking, whatever the
order of the lists given.

This module imports nothing from the application (its package imports Flask),
so that it can be loaded and tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The role that makes a team co-designed; the same code as rules.CITIZEN_ROLE
# (a test checks it), repeated because importing rules would import the package.
CITIZEN_ROLE = "usager"

# Weights of the score (see the module's docstring for why these values).
MISSING_ROLE = 10
CO_DESIGN_BONUS = 5
ROOM_BONUS = 1  # per free place, up to ROOM_CAP
ROOM_CAP = 3


@dataclass(frozen=True)
class Person:
    user_id: int
    skills: frozenset[str]


@dataclass(frozen=True)
class TeamView:
    team_id: int
    wanted: frozenset[str]
    members: tuple[frozenset[str], ...]  # each member's skills
    max_size: int

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def room(self) -> int:
        return max(0, self.max_size - self.size)


@dataclass(frozen=True)
class Coverage:
    covered: frozenset[str]
    missing: frozenset[str]
    has_citizen: bool


@dataclass(frozen=True)
class Suggestion:
    id: int  # a team's id for a person, a person's id for a team
    score: int
    brings: frozenset[str] = field(default_factory=frozenset)
    co_design: bool = False


def coverage(team: TeamView) -> Coverage:
    """The multidisciplinarity indicator: wanted roles covered by members, and missing."""
    present = frozenset().union(*team.members) if team.members else frozenset()
    return Coverage(covered=team.wanted & present, missing=team.wanted - present,
                    has_citizen=CITIZEN_ROLE in present)


def score(person: Person, team: TeamView, cover: Coverage | None = None) -> Suggestion | None:
    """How well ``person`` fits ``team``; None when the team is full or they bring nothing."""
    if team.room == 0:
        return None
    cover = cover or coverage(team)
    brings = person.skills & cover.missing
    co_design = not cover.has_citizen and CITIZEN_ROLE in person.skills
    if not brings and not co_design:
        return None
    points = MISSING_ROLE * len(brings) + (CO_DESIGN_BONUS if co_design else 0)
    points += ROOM_BONUS * min(team.room, ROOM_CAP)
    return Suggestion(team.team_id, points, brings, co_design)


def teams_for(person: Person, teams: list[TeamView], limit: int = 5) -> list[Suggestion]:
    """Teams to suggest to a participant looking for one, best first."""
    found = []
    for team in teams:
        suggestion = score(person, team)
        if suggestion is not None:
            found.append(suggestion)
    return _best(found, limit)


def people_for(team: TeamView, people: list[Person], limit: int = 5) -> list[Suggestion]:
    """Participants looking for a team to suggest to its lead, best first."""
    cover = coverage(team)
    found = []
    for person in people:
        suggestion = score(person, team, cover)
        if suggestion is not None:
            found.append(Suggestion(person.user_id, suggestion.score, suggestion.brings,
                                    suggestion.co_design))
    return _best(found, limit)


def _best(found: list[Suggestion], limit: int) -> list[Suggestion]:
    """The ``limit`` highest scores, equal scores by the lower id."""
    found.sort(key=lambda s: (-s.score, s.id))
    return found[:max(limit, 0)]
