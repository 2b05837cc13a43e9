"""The programme's evaluation (issue 19 §4): each figure of a budget year, on a known world.

tests/stats/evaluation_world.py builds the rows and says where each number comes from;
every figure is checked for 2026 and for 2025, so an item of the other year, a draft, a
hidden or withdrawn need and an unlisted project are shown not to count.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from inspir_events.stats import evaluation, queries


def labels(result) -> dict[str, tuple[int, int, int]]:
    return {row.subject: (row.asked, row.granted, row.refused) for row in result.labels}


@pytest.fixture(params=[2026, 2025])
def year(request):
    return request.param


def test_labels_asked_granted_and_refused_per_subject(evaluation_world, year):
    assert labels(evaluation.evaluate(year)) == evaluation_world[year]["labels"]


def test_cofunding_asked_granted_refused_with_amounts(evaluation_world, year):
    cofunding = evaluation.evaluate(year).cofunding
    expected = evaluation_world[year]["cofunding"]
    assert (cofunding.asked.count, cofunding.asked.cents) == expected["asked"]  # no draft
    assert (cofunding.granted.count, cofunding.granted.cents) == expected["granted"]
    assert (cofunding.refused.count, cofunding.refused.cents) == expected["refused"]
    assert cofunding.awaiting == expected["awaiting"]


def test_the_funnel_follows_the_needs_of_the_year(evaluation_world, year):
    funnel = evaluation.evaluate(year).funnel
    assert (funnel.needs, funnel.with_event, funnel.with_idea,
            funnel.with_project) == evaluation_world[year]["funnel"]


def test_projects_diffused_against_stopped(evaluation_world, year):
    result = evaluation.evaluate(year)
    assert (result.diffused, result.stopped) == evaluation_world[year]["outcomes"]


def test_reproductions_of_the_year_on_listed_projects(evaluation_world, year):
    result = evaluation.evaluate(year)
    assert (result.reproductions,
            result.reproduced_projects) == evaluation_world[year]["reproductions"]


def test_projects_oriented_to_other_programmes_by_the_date_of_the_decision(
        evaluation_world, year):
    oriented = dict(evaluation.evaluate(year).oriented)
    expected = evaluation_world[year]["oriented"]
    assert {code: n for code, n in oriented.items() if n} == expected
    # Every programme is listed, at zero when none was oriented to it.
    assert set(oriented) == {"innovation_sociale", "projets_etudiants",
                             "innovation_technologique", "innovation_quartiers"}


def test_share_of_inhabitants_and_future_users_in_teams(evaluation_world, year):
    teams = evaluation.evaluate(year).teams
    assert (teams.members, teams.citizens, teams.teams,
            teams.teams_with_citizens) == evaluation_world[year]["teams"]


def test_aid_per_department(evaluation_world, year):
    aid = {row.code: (row.grants, row.cents) for row in evaluation.evaluate(year).aid_by_department}
    assert {code: v for code, v in aid.items() if v != (0, 0)} == evaluation_world[year]["aid"]
    assert aid["02"] == (0, 0)  # every department listed


def test_a_year_starts_at_midnight_in_paris():
    start, end = evaluation.year_bounds(2026)
    assert start == datetime(2025, 12, 31, 23, 0)  # winter: UTC+1
    assert end == datetime(2026, 12, 31, 23, 0)


def test_the_statistics_carry_the_evaluation_of_their_year(evaluation_world):
    stats = queries.public_statistics(2025)
    assert stats.evaluation.year == 2025
    figures = stats.as_dict()["evaluation"]
    assert figures["funnel"] == {"needs": 1, "with_event": 1, "with_idea": 1,
                                 "with_project": 1}
    assert figures["cofunding"]["granted"] == {"count": 1, "amount_cents": 300_000}
    assert queries.public_statistics().evaluation.year == 2026  # the latest in force


def test_an_empty_year_counts_zeros(db):
    result = evaluation.evaluate(2016)
    assert result.funnel.needs == 0 and result.teams.members == 0
    assert all(row.asked == 0 for row in result.labels)
    assert result.cofunding.asked.count == 0 and result.reproductions == 0


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_the_evaluation_on_postgresql(evaluation_world):
    result = evaluation.evaluate(2026)
    assert (result.teams.members, result.teams.citizens) == (3, 1)
    assert result.funnel.with_project == 2
    assert dict(result.oriented)["innovation_sociale"] == 1
