"""SCDL « subventions » rows from plain values, and their validation (no app needed)."""

from __future__ import annotations

from datetime import date

import pytest

from inspir_events.aid import identifiers
from inspir_events.aid.opendata import scdl
from inspir_events.aid.opendata.scdl import (
    Attribuant,
    GrantFacts,
    build_row,
    build_rows,
    validate_row,
)

REGION = Attribuant(name="Région Hauts-de-France", siret="20005374200017",
                    scheme="INS'pir - innovation numérique et sociale")
SIRET = "73282932000074"
RNA = "W595012345"
DAY = date(2016, 6, 14)


def facts(**overrides) -> GrantFacts:
    values = {"reference": "INSPIR-2016-COF-1", "decided_on": DAY,
              "beneficiary_name": "Association La Machinerie", "beneficiary_siret": SIRET,
              "beneficiary_rna": None, "purpose": "Co-financement du hackathon mobilité",
              "amount_cents": 1_250_000, "total_cost_cents": 2_500_000}
    values.update(overrides)
    return GrantFacts(**values)


def good_row(**overrides) -> dict:
    row = build_row(REGION, facts())
    row.update(overrides)
    return row


def test_a_row_has_the_scdl_columns_in_order_and_exact_values():
    row = build_row(REGION, facts())
    assert tuple(row) == scdl.COLUMNS
    assert row == {
        "nomAttribuant": "Région Hauts-de-France",
        "idAttribuant": "20005374200017",
        "dateConvention": "2016-06-14",
        "referenceDecision": "INSPIR-2016-COF-1",
        "nomBeneficiaire": "Association La Machinerie",
        "idBeneficiaire": SIRET,
        "rnaBeneficiaire": "",
        "objet": "Co-financement du hackathon mobilité",
        "montant": "12500.00",
        "nature": "aide en numéraire",
        "conditionsVersement": "unique",
        "datesPeriodeVersement": "2016-06-14",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "0.50",
        "dispositifAide": "INS'pir - innovation numérique et sociale",
    }
    assert validate_row(row) == []


def test_a_split_decision_is_one_row_with_the_sum():
    investment = facts(amount_cents=400_000, payment_start=date(2016, 7, 1))
    operating = facts(amount_cents=850_050, payment_start=date(2016, 7, 1),
                      payment_end=date(2016, 12, 31), decided_on=date(2016, 6, 15))
    other = facts(reference="INSPIR-2016-PRJ-3", beneficiary_siret=None, beneficiary_rna=RNA,
                  beneficiary_name="Les Petits Débrouillards", amount_cents=500_000,
                  total_cost_cents=None, decided_on=date(2016, 5, 2))
    rows = build_rows(REGION, [investment, operating, other])
    assert len(rows) == 2
    assert [r["referenceDecision"] for r in rows] == ["INSPIR-2016-PRJ-3", "INSPIR-2016-COF-1"]
    split = rows[1]
    assert split["montant"] == "12500.50"  # 4,000.00 + 8,500.50
    assert split["dateConvention"] == "2016-06-14"  # the decision's first row
    assert split["datesPeriodeVersement"] == "2016-07-01/2016-12-31"
    assert split["pourcentageSubvention"] == "0.50"  # 12,500.50 / 25,000.00 -> 0.50002
    rna_row = rows[0]
    assert (rna_row["idBeneficiaire"], rna_row["rnaBeneficiaire"]) == ("", RNA)
    assert rna_row["pourcentageSubvention"] == "1.00"  # cost unknown: the whole
    assert all(validate_row(r) == [] for r in rows)


def test_rows_of_one_reference_for_two_beneficiaries_are_two_decisions():
    rows = build_rows(REGION, [facts(), facts(beneficiary_siret="35600000000048")])
    assert [r["idBeneficiaire"] for r in rows] == [SIRET, "35600000000048"]


def test_differing_terms_and_costs_of_a_decision():
    a = facts(amount_cents=100_000, total_cost_cents=200_000, payment_terms="unique")
    b = facts(amount_cents=100_000, total_cost_cents=600_000, payment_terms="échelonné")
    merged = scdl.decisions([a, b])[0]
    assert merged.total_cost_cents == 800_000 and merged.payment_terms == "autre"
    assert scdl.decisions([a, facts(total_cost_cents=None)])[0].total_cost_cents is None


@pytest.mark.parametrize(("amount", "cost", "expected"), [
    (1_250_000, 2_500_000, "0.50"),
    (1, 3, "0.33"),  # 0.333...
    (2, 3, "0.67"),  # 0.666... rounds up
    (1_250_000, 2_500_001, "0.50"),  # 0.4999998
    (125, 10_000, "0.01"),  # 0.0125 -> 0.01
    (1, 1_000_000, "0.01"),  # 0.000001: at least 0.01
    (5, 1_000, "0.01"),  # 0.005 rounds half up to 0.01
    (995, 1_000, "1.00"),  # 0.995 rounds up to 1
    (3_000, 2_000, "1.00"),  # more than the cost: at most 1
    (1_000, None, "1.00"),
    (1_000, 0, "1.00"),
])
def test_the_percentage_is_rounded_to_two_decimals_between_001_and_1(amount, cost, expected):
    assert scdl.percentage(amount, cost) == expected


@pytest.mark.parametrize(("cents", "text"), [
    (1_250_000, "12500.00"), (1, "0.01"), (10, "0.10"), (123_456_789, "1234567.89")])
def test_montant_has_a_decimal_point_and_two_decimals(cents, text):
    assert scdl.format_amount(cents) == text


def test_a_long_objet_is_cut_cleanly_under_256_characters():
    words = "Co-financement de la semaine de l'innovation numérique et sociale " * 10
    row = build_row(REGION, facts(purpose=words))
    assert len(row["objet"]) <= 255 and row["objet"].endswith("…")
    assert words.startswith(row["objet"][:-1])
    assert row["objet"][:-1].rstrip() == row["objet"][:-1]
    assert words[len(row["objet"]) - 1] == " "  # cut between two words
    assert validate_row(row) == []
    exact = "x" * 255
    assert scdl.cut(exact) == exact
    assert len(scdl.cut("y" * 300)) == 255  # one long word: cut inside it


def test_free_texts_lose_line_breaks_and_formula_starts():
    row = build_row(REGION, facts(beneficiary_name="=HYPERLINK(\"x\")",
                                  purpose="- atelier\nd'écriture  ", reference="@ref"))
    assert row["nomBeneficiaire"] == 'HYPERLINK("x")'
    assert row["objet"] == "atelier d'écriture"
    assert row["referenceDecision"] == "ref"
    assert validate_row(row) == []


@pytest.mark.parametrize(("value", "expected"), [
    ("unique", "unique"), ("échelonné", "échelonné"), ("echelonne", "échelonné"),
    ("autre", "autre"), ("trimestriel", "autre"), ("", "unique")])
def test_payment_terms(value, expected):
    assert scdl.payment_terms(value) == expected


def test_the_payment_period_without_dates_is_the_decision_date():
    assert scdl.payment_period(facts()) == "2016-06-14"
    assert scdl.payment_period(facts(payment_start=date(2016, 9, 1))) == "2016-09-01"
    assert scdl.payment_period(facts(payment_end=date(2016, 12, 31))) == \
        "2016-06-14/2016-12-31"


@pytest.mark.parametrize(("changes", "column"), [
    ({"idAttribuant": "20005374200012"}, "idAttribuant"),  # bad Luhn key
    ({"idAttribuant": ""}, "idAttribuant"),
    ({"dateConvention": "14/06/2016"}, "dateConvention"),
    ({"dateConvention": "2016-02-30"}, "dateConvention"),
    ({"idBeneficiaire": "", "rnaBeneficiaire": ""}, "idBeneficiaire"),
    ({"idBeneficiaire": "7328293200007"}, "idBeneficiaire"),  # 13 digits
    ({"idBeneficiaire": "73282932000075"}, "idBeneficiaire"),  # bad key
    ({"idBeneficiaire": "", "rnaBeneficiaire": "W12345678"}, "rnaBeneficiaire"),
    ({"idBeneficiaire": "", "rnaBeneficiaire": "X123456789"}, "rnaBeneficiaire"),
    ({"nomBeneficiaire": ""}, "nomBeneficiaire"),
    ({"nomAttribuant": "  "}, "nomAttribuant"),
    ({"objet": ""}, "objet"),
    ({"objet": "o" * 256}, "objet"),
    ({"objet": "=1+1"}, "objet"),
    ({"objet": "deux\nlignes"}, "objet"),
    ({"montant": "12500"}, "montant"),
    ({"montant": "12500,00"}, "montant"),
    ({"montant": "12500.5"}, "montant"),
    ({"montant": "-12.00"}, "montant"),
    ({"montant": "0.00"}, "montant"),
    ({"montant": "1e4"}, "montant"),
    ({"nature": "aide en numeraire"}, "nature"),
    ({"conditionsVersement": "mensuel"}, "conditionsVersement"),
    ({"datesPeriodeVersement": "2016-06"}, "datesPeriodeVersement"),
    ({"datesPeriodeVersement": "2016-06-14/"}, "datesPeriodeVersement"),
    ({"datesPeriodeVersement": "2016-06-14/2016-13-01"}, "datesPeriodeVersement"),
    ({"datesPeriodeVersement": "2016-12-31/2016-01-01"}, "datesPeriodeVersement"),
    ({"notificationUE": "Non"}, "notificationUE"),
    ({"notificationUE": ""}, "notificationUE"),
    ({"pourcentageSubvention": "0"}, "pourcentageSubvention"),
    ({"pourcentageSubvention": "0.001"}, "pourcentageSubvention"),
    ({"pourcentageSubvention": "1.01"}, "pourcentageSubvention"),
    ({"pourcentageSubvention": "50"}, "pourcentageSubvention"),
    ({"pourcentageSubvention": "0,5"}, "pourcentageSubvention"),
    ({"dispositifAide": "d" * 256}, "dispositifAide"),
    ({"montant": 12500}, "montant"),  # not a string
])
def test_validate_row_rejects_each_kind_of_bad_row(changes, column):
    errors = validate_row(good_row(**changes))
    assert errors, changes
    assert all(e.startswith(column + ":") for e in errors), errors


@pytest.mark.parametrize("changes", [
    {"idBeneficiaire": "", "rnaBeneficiaire": RNA},
    {"rnaBeneficiaire": RNA},  # both identifiers
    {"pourcentageSubvention": "1"}, {"pourcentageSubvention": "0.5"},
    {"pourcentageSubvention": "0.01"},
    {"datesPeriodeVersement": "2016-06-14/2016-06-14"},
    {"conditionsVersement": "échelonné"}, {"notificationUE": "oui"},
    {"nature": "aide en nature"}, {"objet": "o" * 255},
])
def test_validate_row_accepts_the_allowed_variants(changes):
    assert validate_row(good_row(**changes)) == []


def test_validate_row_wants_every_column_in_order():
    row = good_row()
    del row["idRAE"]
    assert any(e.startswith("columns:") for e in validate_row(row))
    reordered = dict(reversed(list(good_row().items())))
    assert any(e.startswith("columns:") for e in validate_row(reordered))
    assert validate_row(["not", "a", "dict"]) != []


def test_the_configured_region_siret_is_a_valid_siret():
    assert identifiers.valid_siret(REGION.siret)
