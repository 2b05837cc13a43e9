"""The follow-up's pure rules: the final amount with the actual cost, the split over grant
rows, what can be paid, the SCDL payment terms (no app needed)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspir_events.aid.followup import rules
from inspir_events.aid.followup.rules import Family, Row, Settlement
from inspir_events.aid.rules import POLICY_2016, Section

cents = st.integers(min_value=0, max_value=10**9)


def test_an_event_that_cost_less_receives_less():
    """Granted 10,000 € on 25,000 € planned; it cost 16,000 €: 8,000 € (50 %)."""
    assert rules.event_final_cents(1_000_000, 1_600_000, POLICY_2016) == 800_000
    # It cost more than planned: never more than granted.
    assert rules.event_final_cents(1_000_000, 4_000_000, POLICY_2016) == 1_000_000
    # The cap holds whatever was granted.
    assert rules.event_final_cents(1_300_000, 4_000_000, POLICY_2016) == 1_250_000


def test_settlement_of_the_issue_figures():
    settlement = Settlement(granted_cents=1_000_000, final_cents=800_000, paid_cents=500_000)
    assert settlement.balance_cents == 300_000
    assert settlement.to_recover_cents == 0
    assert settlement.released_cents == 200_000
    over = Settlement(granted_cents=1_000_000, final_cents=400_000, paid_cents=500_000)
    assert over.balance_cents == 0 and over.to_recover_cents == 100_000


@given(granted=cents, actual=cents)
def test_event_final_never_above_granted_nor_rate_of_actual_cost(granted, actual):
    final = rules.event_final_cents(granted, actual, POLICY_2016)
    assert 0 <= final <= granted
    assert final <= actual * Fraction(1, 2)
    assert final <= POLICY_2016.cofunding_cap_cents


@given(granted=cents, actual=cents, more=cents)
def test_event_final_is_monotone_in_the_actual_cost(granted, actual, more):
    assert rules.event_final_cents(granted, actual, POLICY_2016) \
        <= rules.event_final_cents(granted, actual + more, POLICY_2016)


@given(granted=cents, actual=cents, more=cents)
def test_section_final_within_granted_and_actual_and_monotone(granted, actual, more):
    final = rules.section_final_cents(granted, actual)
    assert final <= granted and final <= actual
    assert final <= rules.section_final_cents(granted, actual + more)


@given(shares=st.lists(cents, min_size=1, max_size=5), data=st.data())
def test_split_sums_to_the_total_each_within_its_share(shares, data):
    total = data.draw(st.integers(min_value=0, max_value=sum(shares)))
    parts = rules.split(total, shares)
    assert sum(parts) == total
    assert all(0 <= part <= share for part, share in zip(parts, shares, strict=True))


@given(operating=cents, investment=cents, actual_op=cents, actual_inv=cents)
def test_final_amounts_of_an_event_and_of_a_project(operating, investment, actual_op,
                                                     actual_inv):
    rows = [Row(1, Section.OPERATING, operating), Row(2, Section.INVESTMENT, investment)]
    actual = {Section.OPERATING: actual_op, Section.INVESTMENT: actual_inv}
    event = rules.final_amounts(Family.EVENT, rows, actual, POLICY_2016)
    assert sum(event.values()) <= (actual_op + actual_inv) // 2
    assert event[1] <= operating and event[2] <= investment
    project = rules.final_amounts(Family.PROJECT, rows, actual, POLICY_2016)
    assert project == {1: min(operating, actual_op), 2: min(investment, actual_inv)}


def test_a_structure_grant_is_bounded_by_its_section_expenses():
    rows = [Row(7, Section.OPERATING, 400_000)]
    actual = {Section.OPERATING: 250_000, Section.INVESTMENT: 900_000}
    assert rules.final_amounts(Family.STRUCTURE, rows, actual, POLICY_2016) == {7: 250_000}


def test_advance_and_what_can_be_paid():
    assert rules.advance_cents(1_000_000, 50) == 500_000
    assert rules.advance_cents(333, 50) == 166  # rounded down to the cent
    with pytest.raises(ValueError):
        rules.advance_cents(100, 101)
    # The advance: what remains of it, until the final amount is known.
    assert rules.payable_cents(True, 1_000, 500, None, 200) == 300
    assert rules.payable_cents(True, 1_000, None, None, 0) == 0  # not scheduled
    assert rules.payable_cents(True, 1_000, 500, 800, 0) == 0  # final known: the balance
    # The balance: what remains of the final amount.
    assert rules.payable_cents(False, 1_000, 500, None, 500) == 0
    assert rules.payable_cents(False, 1_000, 500, 800, 500) == 300
    assert rules.payable_cents(False, 1_000, 500, 400, 500) == 0  # to recover, not to pay


def test_payment_terms_and_period_for_the_scdl():
    planned = rules.payment_period(50, date(2016, 6, 1), date(2016, 12, 1), [], False)
    assert planned == ("échelonné", date(2016, 6, 1), date(2016, 12, 1))
    single = rules.payment_period(0, None, date(2016, 12, 1), [], False)
    assert single == ("unique", date(2016, 12, 1), date(2016, 12, 1))
    paid = [date(2016, 6, 3), date(2016, 12, 20)]
    assert rules.payment_period(50, date(2016, 6, 1), date(2016, 12, 1), paid, True) == (
        "échelonné", date(2016, 6, 3), date(2016, 12, 20))
    assert rules.payment_period(50, date(2016, 6, 1), date(2016, 12, 1), paid[:1], True) == (
        "unique", date(2016, 6, 3), date(2016, 6, 3))
