"""The figures of the statistics page (and of the API's statistics): what is counted."""

from __future__ import annotations

import json

import pytest

from inspir_events import demo
from inspir_events.aid import rules as aid_rules
from inspir_events.stats import queries


def counts(rows) -> dict[str, int]:
    return {row.code: row.count for row in rows}


def test_only_public_needs_count_per_department_and_theme(stats_world):
    stats = queries.public_statistics()
    assert stats.needs_total == stats_world["needs_total"]
    # Every department is listed, with zeros: hidden (62), pending (02) and
    # withdrawn (60) needs are not counted.
    assert counts(stats.needs_by_department) == {"02": 0, "59": 1, "60": 0, "62": 0, "80": 2}
    themes = counts(stats.needs_by_theme)
    assert themes["transports"] == 2 and themes["sante"] == 1 and themes["culture"] == 0


def test_events_held_are_published_and_over(stats_world):
    stats = queries.public_statistics()
    assert stats.events_held == 2  # not the future, draft or cancelled ones
    assert counts(stats.events_by_department) == {"02": 0, "59": 1, "60": 0, "62": 0, "80": 1}
    assert counts(stats.events_by_kind) == {"hackathon": 1, "atelier": 1,
                                            "groupe_de_travail": 0, "rencontre": 0,
                                            "autre": 0}


def test_participants_are_distinct_confirmed_people_of_events_held(stats_world):
    stats = queries.public_statistics()
    # u1 (two events) counts once; waitlisted, cancelled, future and draft ones not at all.
    assert stats.participants_total == 2
    assert counts(stats.participants_by_kind)["hackathon"] == 2
    assert counts(stats.participants_by_kind)["atelier"] == 1


def test_ideas_of_published_events_and_of_closed_rounds(stats_world):
    stats = queries.public_statistics()
    assert (stats.ideas_total, stats.ideas_in_closed_rounds) == (3, 2)


def test_projects_per_stage_are_the_listed_ones(stats_world):
    stats = queries.public_statistics()
    assert stats.projects_total == 3  # not the one awaiting, nor the one sent elsewhere
    assert counts(stats.projects_by_stage) == {"idee": 1, "projet": 0, "experimentation": 0,
                                               "diffusion": 1, "abandonne": 1}


def test_money_per_top_level_envelope_with_delegated_grants(stats_world):
    stats = queries.public_statistics(2016)
    by_key = {(e.former_region, e.section): (e.amount_cents, e.committed_cents,
                                             e.granted_cents) for e in stats.envelopes}
    assert len(stats.envelopes) == 4  # the delegated envelope is inside its parent's row
    assert by_key[("npdc", "investment")] == stats_world["npdc_investment"]
    assert by_key[("picardie", "operating")] == stats_world["picardie_operating"]
    assert by_key[("npdc", "operating")] == (15_000_000, 0, 0)
    assert (stats.amount_cents, stats.committed_cents, stats.granted_cents) == \
        stats_world["totals"]
    assert stats.year == 2016 and stats.years == (2016,)  # the only year opened here


def test_an_unknown_year_is_refused(db):
    with pytest.raises(aid_rules.UnknownYear):
        queries.public_statistics(1999)


def test_an_empty_database_gives_zeros(db):
    data = queries.public_statistics().as_dict()
    assert data["needs"]["total"] == 0 and data["money"]["envelopes"] == []
    assert all(row["count"] == 0 for row in data["needs"]["by_department"])


DOCUMENTED = {
    "needs": {"total", "by_department", "by_theme", "by_epci"},
    "events": {"held", "by_department", "by_kind", "by_epci"},
    "participants": {"total", "by_event_kind"},
    "ideas": {"total", "in_closed_rounds"},
    "projects": {"total", "by_stage", "by_department", "by_epci"},
    "money": {"year", "years", "amount_cents", "committed_cents", "granted_cents",
              "envelopes"},
    "evaluation": {"year", "labels", "cofunding", "funnel", "projects", "reproductions",
                   "oriented", "teams", "aid_by_department"},
}


def _plain(value) -> bool:
    """Only JSON's own types (an enum member or a Decimal would not be)."""
    if isinstance(value, dict):
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return type(value) in (str, int, bool)


def test_as_dict_is_json_ready_with_the_documented_keys(db):
    demo.seed()
    data = queries.public_statistics().as_dict()
    assert _plain(data)
    assert json.loads(json.dumps(data)) == data
    assert {key: set(part) for key, part in data.items()} == DOCUMENTED
    for name in ("by_department", "by_theme"):
        assert all(set(row) == {"code", "count"} for row in data["needs"][name])
    assert {row["code"] for row in data["projects"]["by_stage"]} == {
        "idee", "projet", "experimentation", "diffusion", "abandonne"}
    envelope = data["money"]["envelopes"][0]
    assert set(envelope) == {"id", "former_region", "section", "amount_cents",
                             "committed_cents", "granted_cents"}
    assert envelope["former_region"] in ("npdc", "picardie")  # codes, not labels
    assert data["money"]["granted_cents"] == sum(
        e["granted_cents"] for e in data["money"]["envelopes"]) > 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_as_dict_of_the_known_dataset(stats_world):
    data = queries.public_statistics().as_dict()
    assert data["needs"]["total"] == 3
    assert data["participants"]["total"] == 2
    assert data["ideas"] == {"total": 3, "in_closed_rounds": 2}
    assert data["events"]["held"] == 2
    assert data["projects"]["total"] == 3
    assert {row["code"]: row["count"] for row in data["needs"]["by_department"]} == {
        "02": 0, "59": 1, "60": 0, "62": 0, "80": 2}
    assert {row["code"]: row["count"] for row in data["participants"]["by_event_kind"]}[
        "hackathon"] == 2
    assert (data["money"]["amount_cents"], data["money"]["committed_cents"],
            data["money"]["granted_cents"]) == stats_world["totals"]
    assert json.loads(json.dumps(data)) == data
