"""The store filters by intercommunality (issue 20 §3): the projects whose commune is in it."""

from __future__ import annotations

from tests.pages import parse

AMIENS_METROPOLE = "248000531"


def test_the_store_filters_by_intercommunality(client, make_project):
    make_project("Projet de Liévin", department="62", commune_code="62510")
    make_project("Projet d'Amiens", commune_code="80021")
    make_project("Projet sans commune")
    store = parse(client.get(f"/store?epci={AMIENS_METROPOLE}").get_data(as_text=True))
    titles = {h.text for h in store.find_all("h2", class_="store-card-title")}
    assert titles == {"Projet d'Amiens"}
    assert "selected" in store.find("select", id="epci").find(
        "option", value=AMIENS_METROPOLE).attrs
