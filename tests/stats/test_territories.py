"""The statistics' territorial levels (issue 20 §3): per department for projects too, per
intercommunality for needs, events held and projects; the page's map and EPCI table."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.aid.projects.models import Project
from inspir_events.events.models import Event
from inspir_events.needs.models import Need
from inspir_events.stats import queries
from tests.pages import parse
from tests.reference.test_map import page_map

AMIENS_METROPOLE, LILLE_METROPOLE = "248000531", "200093201"


def place(db, model, title: str, column: str, code: str) -> None:
    row = db.session.scalar(select(model).where(model.title == title))
    setattr(row, column, code)


def test_needs_events_and_projects_per_intercommunality(client, db, stats_world):
    place(db, Need, "Bus du dimanche", "commune_code", "80021")  # Amiens
    place(db, Need, "Covoiturage", "commune_code", "80164")  # Camon, same EPCI
    place(db, Need, "Médecin traitant", "commune_code", "59350")  # Lille
    place(db, Need, "Caché", "commune_code", "80021")  # hidden: not counted
    place(db, Event, "Hackathon passé", "venue_commune_code", "80021")
    place(db, Event, "Hackathon à venir", "venue_commune_code", "59350")  # not held yet
    place(db, Project, "Diffusé", "commune_code", "59350")
    place(db, Project, "En attente", "commune_code", "59350")  # awaiting: not listed
    db.session.commit()

    data = queries.public_statistics().as_dict()
    by_epci = {part: {r["code"]: r["count"] for r in data[part]["by_epci"] if r["count"]}
               for part in ("needs", "events", "projects")}
    assert by_epci == {"needs": {AMIENS_METROPOLE: 2, LILLE_METROPOLE: 1},
                       "events": {AMIENS_METROPOLE: 1}, "projects": {LILLE_METROPOLE: 1}}
    assert len(data["needs"]["by_epci"]) == 92  # every EPCI, zeros included
    projects = {r["code"]: r["count"] for r in data["projects"]["by_department"]}
    assert projects == {"02": 0, "59": 0, "60": 0, "62": 0, "80": 3}

    body = client.get("/statistics").get_data(as_text=True)
    table = parse(body).find("table", id="stats-epci-table")
    rows = {tr.find("th").text: [td.text for td in tr.find_all("td")]
            for tr in table.find("tbody").find_all("tr")}
    assert rows == {"CA Amiens Métropole": ["2", "1", "0"],
                    "Métropole Européenne de Lille": ["1", "0", "1"]}
    assert f'href="/needs/epci/{AMIENS_METROPOLE}"' in body
    names, map_rows = page_map(body, "stats-map")
    assert map_rows["80"] == ["2", "1", "3"] and map_rows["59"] == ["1", "1", "0"]
    assert names["80"] == "80 Somme : Besoins 2, Événements ayant eu lieu 1, Projets 3"
