"""Amounts typed in euros, read exactly into cents (plain values)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspir_events.aid.euros import AmountError, parse_euros


@pytest.mark.parametrize(("text", "cents"), [
    ("12 500,50", 1_250_050),
    ("12\u00a0500,50", 1_250_050),
    ("12\u202f500.50", 1_250_050),
    ("1 250 000", 125_000_000),
    ("12500.5", 1_250_050),
    ("12500,05", 1_250_005),
    ("0.1", 10),
    ("0,01", 1),
    ("0", 0),
    ("12", 1200),
    ("  7,3  ", 730),
    ("12 500,50 €", 1_250_050),
    ("12500€", 1_250_000),
    ("007", 700),
])
def test_parse_euros(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize(("text", "code"), [
    ("", "empty"),
    ("   ", "empty"),
    ("€", "empty"),
    ("-5", "negative"),
    ("\u221212,50", "negative"),
    ("12,345", "too_many_decimals"),
    ("0.001", "too_many_decimals"),
    ("1.250,00", "malformed"),  # a point as thousands separator
    ("1,250.00", "malformed"),
    ("12 50", "malformed"),  # badly grouped
    ("1  250", "malformed"),
    ("12.", "malformed"),
    (".5", "malformed"),
    ("1e3", "malformed"),
    ("+5", "malformed"),
    ("douze", "malformed"),
    ("١٢", "malformed"),  # non-ASCII digits
    ("9" * 14, "malformed"),  # beyond any budget
    (12.5, "malformed"),
])
def test_parse_euros_refusals(text, code):
    with pytest.raises(AmountError) as info:
        parse_euros(text)
    assert info.value.code == code
    assert isinstance(info.value, ValueError)
    assert info.value.message


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_euros_reads_back_every_amount(cents):
    euros, rest = divmod(cents, 100)
    assert parse_euros(f"{euros},{rest:02d}") == cents
    assert parse_euros(f"{euros:,}.{rest:02d}".replace(",", " ")) == cents
