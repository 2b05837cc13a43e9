"""The pure matching of people and teams (``teams/matching.py``), on plain data, without an app.

The scores in the worked examples follow the weights documented in the module:
10 per missing wanted role the person brings, 5 for co-design (a team without an
``usager`` member, a person who is one), 1 per free place up to 3.
"""

from __future__ import annotations

import random

import pytest

from inspir_events.teams import matching, rules
from inspir_events.teams.matching import Coverage, Person, Suggestion, TeamView

ROLES = ("developpement", "design", "donnees", "usager", "expert_metier", "animation",
         "communication", "juridique_economie", "fabrication")
DEV, DESIGN, DATA, CITIZEN, EXPERT, ANIMATION = ROLES[:6]


def team(team_id: int, wanted=(), members=(), max_size: int = 6) -> TeamView:
    return TeamView(team_id=team_id, wanted=frozenset(wanted),
                    members=tuple(frozenset(m) for m in members), max_size=max_size)


def person(user_id: int, *skills: str) -> Person:
    return Person(user_id=user_id, skills=frozenset(skills))


def ids(suggestions: list[Suggestion]) -> list[int]:
    return [s.id for s in suggestions]


# ---- purity --------------------------------------------------------------------------

def test_the_citizen_role_is_the_rules_one():
    assert matching.CITIZEN_ROLE == rules.CITIZEN_ROLE == "usager"


def test_the_weights_make_the_ranking_lexicographic():
    # One missing role outweighs co-design plus the most room; co-design outweighs
    # any difference of room (a suggested team has 1 to ROOM_CAP places counted).
    most_room, least_room = matching.ROOM_BONUS * matching.ROOM_CAP, matching.ROOM_BONUS
    assert matching.MISSING_ROLE + least_room > matching.CO_DESIGN_BONUS + most_room
    assert most_room - least_room < matching.CO_DESIGN_BONUS


# ---- the multidisciplinarity indicator -------------------------------------------------

def test_coverage_splits_wanted_roles_into_covered_and_missing():
    cover = matching.coverage(team(1, wanted={DEV, DESIGN, DATA, CITIZEN},
                                   members=[{DEV, ANIMATION}, {DESIGN}, {DEV}]))
    assert cover == Coverage(covered=frozenset({DEV, DESIGN}),
                             missing=frozenset({DATA, CITIZEN}), has_citizen=False)


def test_coverage_sees_a_citizen_even_when_the_team_did_not_ask_for_one():
    cover = matching.coverage(team(1, wanted={DEV}, members=[{DESIGN}, {CITIZEN, EXPERT}]))
    assert cover.has_citizen
    assert cover.covered == frozenset()
    assert cover.missing == frozenset({DEV})


def test_coverage_of_a_team_without_members_or_wanted_roles():
    assert matching.coverage(team(1, wanted={DEV, CITIZEN})) == Coverage(
        frozenset(), frozenset({DEV, CITIZEN}), False)
    assert matching.coverage(team(2, members=[{DEV}])) == Coverage(
        frozenset(), frozenset(), False)


def test_room_and_size():
    assert team(1, members=[{DEV}, {DESIGN}], max_size=5).room == 3
    assert team(1, members=[{DEV}, {DESIGN}], max_size=5).size == 2
    assert team(1, members=[{DEV}] * 4, max_size=3).room == 0  # never negative


# ---- who is suggested ------------------------------------------------------------------

def test_full_teams_are_never_suggested():
    full = team(1, wanted={DEV, DESIGN, DATA}, members=[{ANIMATION}, {EXPERT}], max_size=2)
    over = team(2, wanted={DEV, DESIGN, DATA}, members=[{ANIMATION}] * 3, max_size=2)
    with_room = team(3, wanted={DEV}, members=[{DESIGN, CITIZEN}], max_size=2)
    seeker = person(10, DEV, DESIGN, DATA, CITIZEN)
    assert matching.score(seeker, full) is None
    assert matching.score(seeker, over) is None
    assert ids(matching.teams_for(seeker, [full, over, with_room])) == [3]
    assert matching.people_for(full, [seeker, person(11, DEV)]) == []


def test_people_who_bring_nothing_are_not_suggested():
    lacking = team(1, wanted={DEV, DATA}, members=[{DESIGN, CITIZEN}])
    people = [person(10), person(11, DESIGN), person(12, CITIZEN), person(13, ANIMATION),
              person(14, DATA)]
    # 11 brings a role already covered, 12 a citizen where there is one, 13 a role not wanted.
    assert ids(matching.people_for(lacking, people)) == [14]
    assert matching.teams_for(person(10), [lacking, team(2, wanted={DEV})]) == []


def test_a_team_that_wants_nothing_more_gets_no_one_but_a_first_citizen():
    complete = team(1, wanted={DEV}, members=[{DEV}])
    assert matching.people_for(complete, [person(10, DEV), person(11, DESIGN)]) == []
    assert matching.people_for(complete, [person(12, CITIZEN)]) == [
        Suggestion(12, matching.CO_DESIGN_BONUS + 3, frozenset(), True)]


# ---- ranking -----------------------------------------------------------------------------

def test_a_missing_role_outweighs_room():
    seeker = person(10, DEV, DESIGN)
    almost_full = team(1, wanted={DEV, DESIGN}, members=[{EXPERT}], max_size=2)  # room 1
    empty = team(2, wanted={DEV}, members=[{EXPERT}], max_size=12)  # room 11
    assert ids(matching.teams_for(seeker, [empty, almost_full])) == [1, 2]
    lead_view = team(3, wanted={DEV, DESIGN}, members=[{EXPERT}], max_size=12)
    assert ids(matching.people_for(lead_view, [person(20, DEV), person(30, DEV, DESIGN)])) \
        == [30, 20]


def test_a_missing_role_outweighs_co_design_with_any_room():
    seeker = person(10, DEV, CITIZEN)
    needs_dev = team(1, wanted={DEV}, members=[{CITIZEN}], max_size=2)  # room 1: 10 + 1
    no_citizen = team(2, wanted={DESIGN}, members=[{DESIGN}], max_size=12)  # 5 + 3
    assert [(s.id, s.score) for s in matching.teams_for(seeker, [no_citizen, needs_dev])] \
        == [(1, 11), (2, 8)]


def test_co_design_favours_teams_without_a_citizen_for_people_bringing_one():
    citizen = person(10, CITIZEN, DATA)
    has_citizen = team(1, wanted={DATA}, members=[{CITIZEN}])
    no_citizen = team(2, wanted={DATA}, members=[{DEV}])
    first, second = matching.teams_for(citizen, [has_citizen, no_citizen])
    assert (first.id, first.co_design, first.score) == (2, True, 10 + 5 + 3)
    assert (second.id, second.co_design, second.score) == (1, False, 10 + 3)
    # The bonus is for the citizen only: a data person scores the same at both.
    data = person(11, DATA)
    assert [(s.id, s.score, s.co_design) for s in matching.teams_for(
        data, [no_citizen, has_citizen])] == [(1, 13, False), (2, 13, False)]


def test_co_design_ranks_citizen_seekers_first_for_a_team_without_one():
    lead_view = team(1, wanted={DATA}, members=[{DEV}, {DESIGN}])
    people = [person(5, DATA), person(9, DATA, CITIZEN), person(7, CITIZEN)]
    found = matching.people_for(lead_view, people)
    assert [(s.id, s.score, s.brings, s.co_design) for s in found] == [
        (9, 18, frozenset({DATA}), True),
        (5, 13, frozenset({DATA}), False),
        (7, 8, frozenset(), True),
    ]


def test_co_design_outweighs_room():
    seeker = person(10, DEV, CITIZEN)
    roomy = team(1, wanted={DEV}, members=[{CITIZEN}], max_size=12)  # 10 + 3
    last_place = team(2, wanted={DEV}, members=[{DESIGN}], max_size=2)  # 10 + 5 + 1
    assert [(s.id, s.score) for s in matching.teams_for(seeker, [roomy, last_place])] \
        == [(2, 16), (1, 13)]


def test_room_orders_equal_fits_up_to_the_cap():
    seeker = person(10, DEV)
    teams = [team(i, wanted={DEV}, members=[{DESIGN}], max_size=1 + room)
             for i, room in [(1, 1), (2, 2), (3, 3), (4, 5), (5, 11)]]
    found = matching.teams_for(seeker, teams)
    # 3, 5 and 11 free places all count as 3: equal scores, by the lower id.
    assert [(s.id, s.score) for s in found] == [(3, 13), (4, 13), (5, 13), (2, 12), (1, 11)]


def test_ties_are_broken_by_the_lower_team_id():
    seeker = person(10, DEV)
    teams = [team(i, wanted={DEV, DESIGN}, members=[{EXPERT}]) for i in (42, 7, 19, 3, 28)]
    assert ids(matching.teams_for(seeker, teams)) == [3, 7, 19, 28, 42]
    assert len({s.score for s in matching.teams_for(seeker, teams)}) == 1


def test_ties_are_broken_by_the_lower_person_id():
    lead_view = team(1, wanted={DEV, DATA}, members=[{EXPERT}])
    people = [person(i, DATA, ANIMATION) for i in (901, 17, 230, 4, 56, 18)]
    found = matching.people_for(lead_view, people, limit=10)
    assert ids(found) == [4, 17, 18, 56, 230, 901]
    assert len({s.score for s in found}) == 1


def test_the_limit():
    seeker = person(10, DEV)
    teams = [team(i, wanted={DEV}, members=[{EXPERT}], max_size=1 + (i % 4) + 1)
             for i in range(1, 13)]
    every = matching.teams_for(seeker, teams, limit=100)
    assert len(every) == 12
    assert matching.teams_for(seeker, teams) == every[:5]  # five by default
    assert matching.teams_for(seeker, teams, limit=3) == every[:3]
    assert matching.teams_for(seeker, teams, limit=0) == []
    assert matching.teams_for(seeker, teams, limit=-1) == []
    people = [person(i, DEV) for i in range(1, 13)]
    assert ids(matching.people_for(teams[0], people)) == [1, 2, 3, 4, 5]
    assert ids(matching.people_for(teams[0], people, limit=2)) == [1, 2]
    assert len(matching.people_for(teams[0], people, limit=50)) == 12


def random_world(rng: random.Random, n_teams: int, n_people: int):
    teams = []
    for team_id in rng.sample(range(1, 10 * n_teams), n_teams):
        max_size = rng.randint(2, 8)
        members = [frozenset(rng.sample(ROLES, rng.randint(0, 3)))
                   for _ in range(rng.randint(1, max_size))]
        teams.append(team(team_id, wanted=rng.sample(ROLES, rng.randint(0, 5)),
                          members=members, max_size=max_size))
    people = [Person(user_id, frozenset(rng.sample(ROLES, rng.randint(0, 3))))
              for user_id in rng.sample(range(1, 10 * n_people), n_people)]
    return teams, people


def test_same_input_same_output_whatever_the_order_of_the_lists():
    rng = random.Random(2024)
    teams, people = random_world(rng, 40, 120)
    expected_for_people = {p.user_id: matching.teams_for(p, teams, limit=8) for p in people}
    expected_for_teams = {t.team_id: matching.people_for(t, people, limit=8) for t in teams}
    assert any(len(found) == 8 for found in expected_for_people.values())  # limits do bite
    for _ in range(10):
        rng.shuffle(teams)
        rng.shuffle(people)
        assert {p.user_id: matching.teams_for(p, teams, limit=8) for p in people} \
            == expected_for_people
        assert {t.team_id: matching.people_for(t, people, limit=8) for t in teams} \
            == expected_for_teams


def test_the_ranking_is_every_score_sorted_by_score_then_id():
    teams, people = random_world(random.Random(7), 30, 60)
    for p in people:
        scored = [s for t in teams if (s := matching.score(p, t)) is not None]
        assert matching.teams_for(p, teams, limit=len(teams)) == sorted(
            scored, key=lambda s: (-s.score, s.id))
    for t in teams:
        found = matching.people_for(t, people, limit=len(people))
        assert all(a.score > b.score or (a.score == b.score and a.id < b.id)
                   for a, b in zip(found, found[1:], strict=False))
        assert {s.id for s in found} == {p.user_id for p in people
                                         if matching.score(p, t) is not None}


def test_both_directions_agree():
    teams, people = random_world(random.Random(11), 20, 50)
    for t in teams:
        for s in matching.people_for(t, people, limit=len(people)):
            mine = next(x for x in matching.teams_for(
                next(p for p in people if p.user_id == s.id), teams, limit=len(teams))
                if x.id == t.team_id)
            assert (mine.score, mine.brings, mine.co_design) == (s.score, s.brings, s.co_design)


# ---- worked examples ---------------------------------------------------------------------

# (person's skills, team's wanted roles, members' skills, max size) -> (score, brings, co-design)
# or None when not suggested.
WORKED = [
    pytest.param({DEV}, {DEV, DESIGN}, [{ANIMATION, CITIZEN}], 5, (13, {DEV}, False),
                 id="one missing role, room 4 counted 3: 10+3"),
    pytest.param({DEV, DESIGN}, {DEV, DESIGN, DATA}, [{CITIZEN}], 6, (23, {DEV, DESIGN}, False),
                 id="two missing roles: 2x10+3"),
    pytest.param({DEV}, {DEV}, [{DESIGN}], 2, (11, {DEV}, False),
                 id="one missing role, last place: 10+1"),
    pytest.param({CITIZEN}, {CITIZEN, DEV}, [{DEV}], 3, (17, {CITIZEN}, True),
                 id="wanted citizen, none yet: 10+5+2"),
    pytest.param({CITIZEN}, {DEV}, [{DESIGN}], 4, (8, set(), True),
                 id="citizen not asked for, none yet: 5+3"),
    pytest.param({CITIZEN, DATA}, {DATA, CITIZEN, DESIGN}, [{DESIGN}], 2,
                 (26, {DATA, CITIZEN}, True), id="two missing roles and co-design: 2x10+5+1"),
    pytest.param({EXPERT, DEV}, {EXPERT}, [], 12, (13, {EXPERT}, False),
                 id="no member yet, room capped: 10+3"),
    pytest.param({DEV, DESIGN, DATA, ANIMATION}, {DEV, DESIGN, DATA, ANIMATION},
                 [{EXPERT}] * 3, 4, (41, {DEV, DESIGN, DATA, ANIMATION}, False),
                 id="four missing roles, last place: 4x10+1"),
    pytest.param({CITIZEN}, {CITIZEN}, [{CITIZEN}], 5, None,
                 id="citizen already there: nothing brought"),
    pytest.param({DEV}, {DEV}, [{DEV}], 5, None, id="role already covered"),
    pytest.param({DEV}, set(), [{DESIGN}], 5, None, id="team wants nothing"),
    pytest.param(set(), {DEV, DESIGN}, [{EXPERT}], 5, None, id="person brings no skill"),
    pytest.param({DEV, CITIZEN}, {DEV}, [{DESIGN}], 2, (16, {DEV}, True),
                 id="missing role and co-design, last place: 10+5+1"),
    pytest.param({DEV, CITIZEN}, {DEV}, [{DESIGN}, {EXPERT}], 2, None, id="full team"),
    pytest.param({DEV}, {DEV}, [{DESIGN}] * 3, 2, None, id="over its size: full"),
]


@pytest.mark.parametrize(("skills", "wanted", "members", "max_size", "expected"), WORKED)
def test_worked_examples(skills, wanted, members, max_size, expected):
    seeker = person(10, *skills)
    view = team(3, wanted=wanted, members=members, max_size=max_size)
    found = matching.score(seeker, view)
    if expected is None:
        assert found is None
        assert matching.teams_for(seeker, [view]) == []
        assert matching.people_for(view, [seeker]) == []
        return
    points, brings, co_design = expected
    assert found == Suggestion(3, points, frozenset(brings), co_design)
    assert matching.teams_for(seeker, [view]) == [found]
    assert matching.people_for(view, [seeker]) == [Suggestion(10, points, frozenset(brings),
                                                              co_design)]
