"""Needs and territories (issue 20 §3): the commune chosen from the list in the need's form,
the boards per intercommunality, the EPCI filter and the map of the board."""

from __future__ import annotations

import io
from csv import DictReader

from sqlalchemy import select

from inspir_events.needs.models import Need
from tests.needs.test_submit import GOOD, post_need
from tests.pages import parse
from tests.reference.test_map import page_map

# CA Amiens Métropole (Amiens, Camon) and CC du Vimeu (Feuquières-en-Vimeu).
AMIENS_METROPOLE, VIMEU = "248000531", "200070944"


def test_a_need_names_its_commune_from_the_list(client, db, citizen):
    response = post_need(client, {**GOOD, "commune": "abbéville"})
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert (need.commune_code, need.commune) == ("80001", "Abbeville")
    assert need.commune_row.department_code == "80"
    page = parse(client.get(f"/needs/{need.id}/edit").get_data(as_text=True))
    assert page.find("input", id="commune").get("value") == "Abbeville (80001)"
    assert page.find("input", id="commune").get("data-commune-combobox") is not None
    # The form sends the field as the combobox fills it: name and code.
    post = client.post_form(f"/needs/{need.id}/edit", {**GOOD, "commune": "Amiens (80021)"},
                            token_from=f"/needs/{need.id}/edit")
    assert post.status_code == 302
    db.session.refresh(need)
    assert (need.commune_code, need.commune) == ("80021", "Amiens")


def test_the_commune_must_be_in_the_department_chosen(client, db, citizen):
    response = post_need(client, {**GOOD, "department": "80", "commune": "Lille"})
    assert response.status_code == 422
    doc = parse(response.get_data(as_text=True))
    field = doc.find("input", id="commune")
    assert field.get("value") == "Lille"  # what was typed is kept
    assert field.get("aria-invalid") == "true"
    assert "n’est pas dans le département choisi (elle est dans le 59)" in doc.find(
        "p", id="commune-error").text
    assert db.session.scalar(select(Need)) is None


def test_an_unknown_commune_is_refused_and_a_blank_one_is_allowed(client, db, citizen):
    refused = post_need(client, {**GOOD, "commune": "Abbevile-sur-Mer"})
    assert refused.status_code == 422
    assert "Aucune commune des Hauts-de-France ne porte ce nom" in refused.get_data(
        as_text=True)
    assert post_need(client, {**GOOD, "commune": ""}).status_code == 302
    need = db.session.scalar(select(Need))
    assert need.commune is None and need.commune_code is None


def test_an_intercommunality_has_its_board(client, make_need):
    make_need(title="Besoin à Amiens", commune="Amiens")
    make_need(title="Besoin à Camon", commune="Camon")
    make_need(title="Besoin à Feuquières", commune="Feuquières-en-Vimeu")
    make_need(title="Besoin sans commune")
    page = client.get(f"/needs/epci/{AMIENS_METROPOLE}")
    assert page.status_code == 200
    doc = parse(page.get_data(as_text=True))
    assert doc.find("h1").text == "Besoins de l’intercommunalité CA Amiens Métropole"
    titles = {card.find("h3").text for card in doc.find_all("article", class_="need-card")}
    assert titles == {"Besoin à Amiens", "Besoin à Camon"}
    assert doc.find("select", id="epci") is None  # the board's own filter is fixed
    assert client.get("/needs/epci/999999999").status_code == 404


def test_the_board_filters_by_intercommunality(client, make_need):
    make_need(title="Besoin à Amiens", commune="Amiens")
    make_need(title="Besoin à Feuquières", commune="Feuquières-en-Vimeu")
    doc = parse(client.get(f"/needs?epci={VIMEU}").get_data(as_text=True))
    titles = {card.find("h3").text for card in doc.find_all("article", class_="need-card")}
    assert titles == {"Besoin à Feuquières"}
    select_ = doc.find("select", id="epci")
    assert "selected" in select_.find("option", value=VIMEU).attrs
    assert doc.find("label", **{"for": "epci"}) is not None
    export = client.get(f"/needs.json?epci={VIMEU}").get_json()["needs"]
    assert [n["title"] for n in export] == ["Besoin à Feuquières"]


def test_the_needs_board_shows_the_map_with_its_table(client, make_need):
    for department in ("59", "59", "80"):
        make_need(department=department)
    hidden = make_need(department="02", visibility="hidden")
    assert hidden
    names, rows = page_map(client.get("/needs").get_data(as_text=True), "needs-map")
    assert names["59"] == "59 Nord : Besoins 2"
    assert names["02"] == "02 Aisne : Besoins 0"  # the hidden need is not counted
    assert rows["59"] == ["2"] and rows["80"] == ["1"] and rows["total"] == ["3"]
    body = client.get("/needs").get_data(as_text=True)
    assert 'href="/needs/territory/59"' in body




def test_a_needs_page_links_to_its_intercommunalitys_board(client, make_need):
    need = make_need(commune="Camon")
    doc = parse(client.get(f"/needs/{need.id}").get_data(as_text=True))
    link = doc.find("a", href=f"/needs/epci/{AMIENS_METROPOLE}")
    assert link is not None and link.text == "CA Amiens Métropole"


def test_the_api_and_open_data_give_the_insee_code_and_filter_by_intercommunality(
        client, make_need):
    make_need(title="Besoin à Amiens", commune="Amiens")
    make_need(title="Besoin à Feuquières", commune="Feuquières-en-Vimeu")
    make_need(title="Besoin sans commune")
    page = client.get(f"/api/v1/needs?epci={AMIENS_METROPOLE}").get_json()
    assert [(n["title"], n["commune"], n["commune_code"]) for n in page["items"]] == [
        ("Besoin à Amiens", "Amiens", "80021")]
    everything = {n["title"]: n["commune_code"]
                  for n in client.get("/api/v1/needs").get_json()["items"]}
    assert everything["Besoin sans commune"] is None
    assert client.get("/api/v1/needs?epci=24800%3B").status_code == 400
    rows = list(DictReader(io.StringIO(client.get("/needs.csv").get_data(as_text=True))))
    assert {(r["commune"], r["commune_code"]) for r in rows} >= {("Amiens", "80021")}
