"""The pure team rules (names, sizes, freezing, room), without an application."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from inspir_events.teams import rules
from inspir_events.teams.rules import JoinPolicy, RequestStatus

NOON = datetime(2027, 7, 14, 12, 0)


def test_the_join_policies_and_request_statuses():
    assert [p.value for p in JoinPolicy] == ["open", "on_request"]
    assert [s.value for s in RequestStatus] == ["pending", "accepted", "declined", "withdrawn"]
    assert (rules.SIZE_MIN, rules.SIZE_MAX) == (2, 12)
    assert rules.SIZE_MIN <= rules.SIZE_DEFAULT <= rules.SIZE_MAX
    assert rules.CITIZEN_ROLE == "usager"


# --- Names ---

@pytest.mark.parametrize(("a", "b"), [
    ("Les Bus du Dimanche", "les bus du dimanche"),
    ("Les Bus du Dimanche", "  LES   BUS\tdu dimanche "),
    ("Équipe Énergie", "équipe énergie"),
    ("STRASSE", "straße"),  # casefold, not lower
    ("Vélo\u00a0Partagé", "vélo partagé"),  # a no-break space is a space
])
def test_names_differing_only_by_case_or_spacing_are_the_same(a, b):
    assert rules.name_key(a) == rules.name_key(b)


@pytest.mark.parametrize(("a", "b"), [
    ("Les Bus", "Les Bus 2"),
    ("Les Bus", "LesBus"),
    ("Energie", "Énergie"),  # accents matter
])
def test_different_names_stay_different(a, b):
    assert rules.name_key(a) != rules.name_key(b)


def test_the_key_is_trimmed_single_spaced_and_casefolded():
    assert rules.name_key("  Les   Bus  du\nDimanche ") == "les bus du dimanche"


# --- Sizes ---

@pytest.mark.parametrize("size", [2, 3, 6, 12])
def test_sizes_from_2_to_12_are_fine(size):
    assert rules.size_problem(size) is None
    assert rules.size_problem(size, members=size) is None  # exactly full is fine


@pytest.mark.parametrize("size", [-1, 0, 1, 13, 100])
def test_sizes_outside_2_to_12_are_out_of_range(size):
    assert rules.size_problem(size) == "out_of_range"
    assert rules.size_problem(size, members=0) == "out_of_range"


def test_a_size_below_the_member_count_is_refused():
    assert rules.size_problem(4, members=5) == "below_members"
    assert rules.size_problem(2, members=3) == "below_members"
    assert rules.size_problem(5, members=5) is None
    # out of range wins over below the members
    assert rules.size_problem(1, members=5) == "out_of_range"


def test_room_left():
    assert rules.has_room(0, 2)
    assert rules.has_room(5, 6)
    assert not rules.has_room(6, 6)
    assert not rules.has_room(7, 6)


# --- Freezing ---

def test_not_frozen_without_a_time():
    assert not rules.is_frozen(None, NOON)


def test_frozen_from_the_chosen_time_on():
    assert not rules.is_frozen(NOON, NOON - timedelta(seconds=1))
    assert rules.is_frozen(NOON, NOON)
    assert rules.is_frozen(NOON, NOON + timedelta(days=3))
