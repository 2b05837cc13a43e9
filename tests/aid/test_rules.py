"""The aid rules on plain values: the 50 % / 12,500 € co-funding rule, grant caps."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspir_events.aid import rules
from inspir_events.aid.rules import (
    POLICY_2016,
    FormerRegion,
    Received,
    Section,
    check_event_cofunding,
    check_grants,
    latest_in_force,
)

P = POLICY_2016


def cofund(total, share, others=None, region_led=False):
    """A balanced budget unless ``others`` says otherwise."""
    if others is None:
        others = total - share
    return check_event_cofunding(total, share, others, region_led, P)


# --- The policy ---------------------------------------------------------------

def test_policy_2016_is_the_deliberation():
    assert P.year == 2016 and P.version == 1
    assert P.vote_date.isoformat() == "2016-09-23"  # the commission permanente's vote
    assert P.cofunding_rate == Fraction(1, 2)
    assert P.cofunding_cap_cents == 1_250_000
    assert (P.operating_cap_cents, P.investment_cap_cents, P.structure_cap_cents) == (
        500_000, 500_000, 500_000)
    assert dict(P.envelopes) == {
        (FormerRegion.NPDC, Section.INVESTMENT): 15_000_000,
        (FormerRegion.NPDC, Section.OPERATING): 15_000_000,
        (FormerRegion.PICARDIE, Section.INVESTMENT): 10_000_000,
        (FormerRegion.PICARDIE, Section.OPERATING): 20_000_000,
    }
    assert P.total_budget_cents == 60_000_000  # 600,000 € in all


def test_unknown_year_is_a_clear_error():
    error = rules.UnknownYear(2031)
    assert "no aid policy for the budget year 2031" in str(error)
    assert (error.code, error.params) == ("unknown_year", {"year": 2031})


@pytest.mark.parametrize(("opened", "today", "expected"), [
    ((2016,), date(2026, 12, 5), 2016),
    ((2016, 2026), date(2026, 12, 5), 2026),
    ((2016, 2026, 2027), date(2026, 12, 5), 2026),  # opened ahead: not in force yet
    ((2016, 2026, 2027), date(2027, 1, 1), 2027),
    ((2027,), date(2026, 12, 5), 2027),  # nothing has begun: the earliest opened
    ((), date(2026, 12, 5), None),
])
def test_the_latest_year_in_force(opened, today, expected):
    assert latest_in_force(opened, today) == expected


def test_a_version_is_a_positive_integer():
    with pytest.raises(ValueError, match="version"):
        rules.Policy(2026, Fraction(1, 2), 1, 1, 1, 1, version=0)


def test_policy_is_immutable_and_refuses_floats():
    with pytest.raises(TypeError):
        P.envelopes[(FormerRegion.NPDC, Section.OPERATING)] = 0
    with pytest.raises(ValueError, match="Fraction"):
        rules.Policy(2099, 0.5, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="integer"):
        rules.Policy(2099, Fraction(1, 2), 12500.0, 1, 1, 1)


# --- Event co-funding: the boundaries ----------------------------------------

def test_exactly_half_is_eligible():
    verdict = cofund(2_000_000, 1_000_000)
    assert verdict.eligible and verdict.violations == ()
    assert verdict.max_region_share_cents == 1_000_000


def test_half_plus_one_cent_exceeds_the_rate():
    verdict = cofund(2_000_000, 1_000_001)
    assert not verdict.eligible
    assert verdict.codes == ["rate_exceeded"]
    assert verdict.violations[0].params["max_cents"] == 1_000_000


def test_exactly_the_cap_at_25000_euros():
    verdict = cofund(2_500_000, 1_250_000)
    assert verdict.eligible
    assert verdict.max_region_share_cents == 1_250_000


def test_one_cent_over_the_cap_at_25000_euros_breaks_rate_and_cap():
    assert cofund(2_500_000, 1_250_001).codes == ["rate_exceeded", "cap_exceeded"]


def test_one_cent_over_the_cap_on_a_bigger_event_breaks_only_the_cap():
    verdict = cofund(2_500_002, 1_250_001)  # exactly 50 %, one cent over 12,500 €
    assert verdict.codes == ["cap_exceeded"]
    assert verdict.max_region_share_cents == 1_250_000


@pytest.mark.parametrize("total", [2_500_001, 3_000_000, 10_000_000, 10**12])
def test_events_above_25000_euros_are_eligible_capped(total):
    verdict = cofund(total, 1_250_000)
    assert verdict.eligible
    assert verdict.max_region_share_cents == 1_250_000


@pytest.mark.parametrize(("total", "maximum"), [(1, 0), (3, 1), (2_000_001, 1_000_000),
                                                (2_499_999, 1_249_999)])
def test_odd_totals_round_the_maximum_down_to_the_cent(total, maximum):
    assert cofund(total, maximum).max_region_share_cents == maximum
    assert cofund(total, maximum).eligible
    assert cofund(total, maximum + 1).codes == ["rate_exceeded"]


def test_below_25000_euros_the_rate_binds():
    assert cofund(1_000_000, 500_000).max_region_share_cents == 500_000
    assert cofund(2_499_998, 0).max_region_share_cents == 1_249_999


def test_no_share_at_all_is_eligible_when_balanced():
    assert cofund(100, 0).eligible


def test_unbalanced_budget_either_way():
    short = cofund(2_000_000, 1_000_000, others=999_999)
    assert short.codes == ["unbalanced"]
    assert short.violations[0].params == {"revenues_cents": 1_999_999,
                                          "expenses_cents": 2_000_000,
                                          "difference_cents": -1}
    assert cofund(2_000_000, 1_000_000, others=1_000_001).codes == ["unbalanced"]


def test_region_led_events_are_not_cofunded():
    verdict = cofund(2_000_000, 1_000_000, region_led=True)
    assert not verdict.eligible
    assert verdict.codes == ["region_led"]
    assert verdict.max_region_share_cents == 1_000_000


def test_every_violation_is_reported_at_once():
    verdict = cofund(2_000_000, 1_300_000, others=600_000, region_led=True)
    assert verdict.codes == ["rate_exceeded", "cap_exceeded", "unbalanced", "region_led"]
    assert all(v.message for v in verdict.violations)


@pytest.mark.parametrize(("total", "share", "others", "fields"), [
    (0, 0, 0, ["total_cost"]),
    (-1, 0, 0, ["total_cost"]),
    (100, -1, 101, ["region_share"]),
    (100, 50, -1, ["other_revenues"]),
    (100.0, 50, 50, ["total_cost"]),
    (100, 50.5, 50, ["region_share"]),
    (100, 50, Fraction(50), ["other_revenues"]),
    (True, 0, 1, ["total_cost"]),
    (-5, -1, -1, ["total_cost", "region_share", "other_revenues"]),
])
def test_invalid_amounts(total, share, others, fields):
    verdict = check_event_cofunding(total, share, others, False, P)
    assert not verdict.eligible
    assert verdict.codes == ["invalid_amount"] * len(fields)
    assert [v.params["field"] for v in verdict.violations] == fields


def test_invalid_amounts_still_report_the_other_violations():
    # The total is valid: the rate is checked; the others are not, so no balance check.
    verdict = check_event_cofunding(2_000_000, 1_000_001, -1, True, P)
    assert verdict.codes == ["invalid_amount", "rate_exceeded", "region_led"]
    # An invalid total: no maximum, nothing to compare with.
    verdict = check_event_cofunding(0, 5, 0, False, P)
    assert verdict.max_region_share_cents == 0
    assert verdict.codes == ["invalid_amount"]


@given(total=st.integers(min_value=1, max_value=10**10),
       share=st.integers(min_value=0, max_value=10**10),
       others=st.integers(min_value=0, max_value=10**10),
       region_led=st.booleans())
def test_eligible_iff_within_maximum_balanced_and_not_region_led(total, share, others,
                                                                 region_led):
    verdict = check_event_cofunding(total, share, others, region_led, P)
    maximum = verdict.max_region_share_cents
    assert maximum <= total // 2
    assert maximum <= P.cofunding_cap_cents
    assert maximum == min(total // 2, P.cofunding_cap_cents)
    assert verdict.eligible == (share <= maximum and share + others == total and not region_led)
    assert verdict.eligible == (verdict.violations == ())


# --- Grants ---------------------------------------------------------------------

def test_grants_at_the_caps_are_eligible():
    verdict = check_grants(500_000, 500_000, 500_000, None, P)
    assert verdict.eligible and verdict.violations == ()
    assert (verdict.max_operating_cents, verdict.max_investment_cents,
            verdict.max_structure_cents) == (500_000, 500_000, 500_000)


@pytest.mark.parametrize(("amounts", "code"), [
    ((500_001, 0, 0), "operating_cap_exceeded"),
    ((0, 500_001, 0), "investment_cap_exceeded"),
    ((0, 0, 500_001), "structure_cap_exceeded"),
])
def test_one_cent_over_a_cap(amounts, code):
    verdict = check_grants(*amounts, Received(), P)
    assert verdict.codes == [code]
    assert verdict.violations[0].params == {"asked_cents": 500_001, "received_cents": 0,
                                            "cap_cents": 500_000, "remaining_cents": 500_000}


def test_all_caps_exceeded_at_once():
    assert check_grants(500_001, 600_000, 10**9, {}, P).codes == [
        "operating_cap_exceeded", "investment_cap_exceeded", "structure_cap_exceeded"]


def test_what_was_already_received_counts():
    received = Received(operating_cents=300_000, investment_cents=500_000,
                        structure_cents=499_999)
    verdict = check_grants(200_000, 0, 1, received, P)  # exactly up to every cap
    assert verdict.eligible
    assert (verdict.max_operating_cents, verdict.max_investment_cents,
            verdict.max_structure_cents) == (200_000, 0, 1)
    verdict = check_grants(200_001, 1, 2, received, P)
    assert verdict.codes == ["operating_cap_exceeded", "investment_cap_exceeded",
                             "structure_cap_exceeded"]
    assert verdict.violations[0].params["remaining_cents"] == 200_000
    # The message names what was received.
    assert "already received" in verdict.violations[0].message


def test_already_received_as_a_mapping_and_over_the_cap():
    verdict = check_grants(0, 0, 0, {"operating": 600_000}, P)
    assert verdict.eligible  # asking nothing more is fine
    assert verdict.max_operating_cents == 0
    assert check_grants(1, 0, 0, {"operating": 600_000}, P).codes == ["operating_cap_exceeded"]
    with pytest.raises(ValueError, match="unknown kinds"):
        check_grants(0, 0, 0, {"travel": 1}, P)


@pytest.mark.parametrize(("args", "fields"), [
    ((-1, 0, 0, None), ["operating"]),
    ((0, 1.5, 0, None), ["investment"]),
    ((0, 0, "5", None), ["structure"]),
    ((0, 0, 0, Received(operating_cents=-1)), ["received_operating"]),
    ((0, 0, 0, {"investment": 0.5, "structure": -2}),
     ["received_investment", "received_structure"]),
])
def test_grant_invalid_amounts(args, fields):
    verdict = check_grants(*args, P)
    assert not verdict.eligible
    assert verdict.codes == ["invalid_amount"] * len(fields)
    assert [v.params["field"] for v in verdict.violations] == fields
