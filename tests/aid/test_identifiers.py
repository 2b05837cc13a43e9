"""Beneficiaries' SIRET and RNA numbers (plain values)."""

from __future__ import annotations

from inspir_events.aid.identifiers import (
    normalise_identifier,
    valid_rna,
    valid_siren,
    valid_siret,
)


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


def test_la_postes_establishments_follow_their_own_rule():
    """La Poste (SIREN 356 000 000): its establishments' SIRET have no Luhn key, the sum of
    their digits is a multiple of 5 (python-stdnum knows; a Luhn check refused them)."""
    assert valid_siret("35600000000048")  # the head office: a Luhn key like any other
    assert valid_siret("35600000049837")  # an establishment: digits sum to 45
    assert valid_siret("35600000000015")  # digits sum to 20, Luhn key wrong: still valid
    assert not valid_siret("35600000000016")  # neither rule
    assert not valid_siret("35600000049838")


def test_the_siren_inside_a_siret_is_checked_too():
    assert not valid_siret("73282932100072")  # Luhn valid as 14 digits, its SIREN is not
    assert valid_siren("732829320")
    assert not valid_siren("732829321")
    assert not valid_siren("73282932")
    assert not valid_siren(None)


def test_the_module_uses_python_stdnum():
    from inspir_events.aid import identifiers

    assert identifiers.siret.__name__ == "stdnum.fr.siret"
    assert not hasattr(identifiers, "luhn_ok")  # no hand-written check left
