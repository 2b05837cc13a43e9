"""The open data page and its downloads: CSV (UTF-8, comma, formula-safe) and JSON that
agree with the API."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus
from tests.api.conftest import walk


def _csv(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_open_data_page_lists_every_data_set_with_its_columns_and_licence(client, seeded):
    page = client.get("/open-data").get_data(as_text=True)
    for url in ("/needs.csv", "/needs.json", "/events.csv", "/events.json", "/store.csv",
                "/store.json", "/aid/open-data/subventions.csv",
                "/aid/open-data/subventions.json", "/comments.csv", "/comments.json",
                "/api/v1/openapi.json"):
        assert f'href="{url}"' in page, url
    assert "Licence Ouverte / Etalab 2.0" in page
    assert page.count("<caption>") == 5 and 'scope="col"' in page
    assert "<code>supporters_count</code>" in page and "<code>montant</code>" in page
    assert "<time datetime=" in page  # last update of each data set


def test_the_footer_links_to_the_open_data_page(client):
    assert 'href="/open-data"' in client.get("/").get_data(as_text=True)


def test_events_download_agrees_with_the_api(client, seeded):
    api = walk(client, "/api/v1/events")
    rows = _csv(client, "/events.csv")
    data = client.get("/events.json").get_json()
    assert [int(r["id"]) for r in rows] == [e["id"] for e in api] == [e["id"] for e in
                                                                      data["events"]]
    assert data["count"] == len(api) and data["events"] == api
    first = rows[0]
    assert first["title"] == api[0]["title"] and first["starts_at"] == api[0]["starts_at"]
    assert first["labelled"] == str(int(api[0]["labelled"]))
    assert first["themes"] == ";".join(api[0]["themes"])
    drafts = seeded.session.scalars(select(Event.id).where(Event.status == EventStatus.DRAFT))
    assert not set(drafts) & {int(r["id"]) for r in rows}
    filtered = _csv(client, "/events.csv?department=80")
    assert filtered and {r["department"] for r in filtered} == {"80"}
    assert client.get("/events.csv?kind=party").status_code == 400


def test_store_download_agrees_with_the_api(client, seeded):
    api = walk(client, "/api/v1/store")
    rows = _csv(client, "/store.csv")
    data = client.get("/store.json").get_json()
    assert api and data["store"] == api and data["count"] == len(api)
    assert [int(r["id"]) for r in rows] == [e["id"] for e in api]
    assert [r["granted_cents"] for r in rows] == [str(e["granted_cents"]) for e in api]
    assert _csv(client, "/store.csv?stage=abandonne") and all(
        r["stage"] == "abandonne" for r in _csv(client, "/store.csv?stage=abandonne"))


def test_csv_downloads_are_safe_from_spreadsheet_formulas(client, seeded):
    event = seeded.session.scalar(select(Event).where(Event.status == EventStatus.PUBLISHED))
    event.title = '=HYPERLINK("http://evil.example","clic")'
    event.venue_name = "+33 salle"
    seeded.session.commit()
    row = next(r for r in _csv(client, "/events.csv") if int(r["id"]) == event.id)
    assert row["title"] == "'" + event.title
    assert row["venue_name"] == "'+33 salle"
    # The JSON keeps the exact text.
    assert any(e["title"] == event.title for e in client.get("/events.json").get_json()["events"])
