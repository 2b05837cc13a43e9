"""The register the features fill (accounts/registry.py): what it accepts, and the order of
the erasure steps (locks are taken team first, then event and registration)."""

from __future__ import annotations

import pytest

from inspir_events.accounts.registry import (
    DELETE,
    KEEP,
    PersonalData,
    Registry,
    TableData,
    registry,
)
from inspir_events.events import personal as events_personal
from inspir_events.teams import personal as teams_personal


def test_the_erasure_steps_run_teams_first_then_events(app):
    steps = registry(app).erasure_steps()
    assert steps.index(teams_personal.leave_teams) < steps.index(
        events_personal.cancel_registrations)


def test_each_feature_declares_its_own_tables(app):
    tables = registry(app).tables()
    assert tables["registration"] is events_personal.PERSONAL_DATA.tables["registration"]
    assert tables["team_member"] is teams_personal.PERSONAL_DATA.tables["team_member"]


def test_the_profile_shows_the_sections_features_add(app):
    templates = [section.template for section in registry(app).profile_sections]
    assert templates == ["events/_profile_section.html", "follows/_profile_section.html"]


@pytest.mark.parametrize("table", [
    TableData({"user_id": "forget"}, export="things"),  # unknown action
    TableData({"user_id": DELETE}),  # neither exported nor a reason
    TableData({"user_id": DELETE}, export="things", not_exported="both at once, which?"),
])
def test_a_table_without_a_clear_rule_is_refused(table):
    with pytest.raises(ValueError):
        Registry().add_personal_data(PersonalData({"thing": table}))


def test_a_table_is_declared_once():
    parts = Registry()
    parts.add_personal_data(PersonalData({"thing": TableData({"user_id": KEEP}, export="a")}))
    with pytest.raises(ValueError):
        parts.add_personal_data(PersonalData({"thing": TableData({"user_id": KEEP},
                                                                 export="b")}))
