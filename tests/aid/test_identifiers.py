"""Beneficiaries' SIRET and RNA numbers (plain values)."""

from __future__ import annotations

from inspir_events.aid.identifiers import normalise_identifier, valid_rna, valid_siret


def test_siret_is_fourteen_digits_with_a_valid_luhn_key():
    assert valid_siret("73282932000074")
    assert not valid_siret("73282932000075")  # key wrong
    assert not valid_siret("7328293200007")  # 13 digits
    assert not valid_siret("732829320000741")
    assert not valid_siret("7328293200007A")
    assert not valid_siret("")
    assert not valid_siret(None)


def test_identifiers_are_normalised_before_checking():
    assert normalise_identifier(" 732 829 320 00074 ") == "73282932000074"
    assert normalise_identifier("w595001234") == "W595001234"
    assert valid_siret(normalise_identifier("732 829 320 00074"))


def test_rna_is_w_and_nine_digits():
    assert valid_rna("W595001234")
    assert not valid_rna("w595001234")  # not normalised
    assert not valid_rna("W59500123")
    assert not valid_rna("W5950012345")
    assert not valid_rna("X595001234")
    assert not valid_rna(None)
