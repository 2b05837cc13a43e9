"""Open data: the public needs as CSV and JSON, with the board's filters."""

from __future__ import annotations

import csv
import io

import pytest

from inspir_events.needs import services
from inspir_events.needs.rules import NeedStatus, Visibility
from tests.pages import parse

HEADER = ["id", "title", "description", "department", "former_region", "commune",
          "commune_code", "theme", "status", "tags", "supporters_count", "created_at", "url"]


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    body = response.get_data().decode("utf-8")
    reader = csv.reader(io.StringIO(body, newline=""))
    header = next(reader)
    assert header == HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


@pytest.fixture
def published(db, make_need, make_user):
    """Three public needs and three that must never be exported."""
    bus = make_need(title="Un bus le dimanche, enfin", description="Ligne «\u00a012\u00a0».",
                    department="80", commune="Abbeville", theme="transports",
                    tags=["bus", "dimanche"])
    services.set_support(make_user(), bus.id, True)
    make_need(title="Médecin de garde à Laon", department="02", theme="sante",
              tags=["médecin"])
    lille = make_need(title="Cabinet médical à Lille", department="59", theme="sante")
    services.mark_addressed([lille.id])
    db.session.commit()
    make_need(title="Caché", visibility=Visibility.HIDDEN, theme="sante")
    make_need(title="En attente", visibility=Visibility.PENDING, theme="sante")
    make_need(title="Retiré", status=NeedStatus.WITHDRAWN, theme="sante")
    return bus


def test_csv_export(client, published):
    response = client.get("/needs.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data().startswith(b'"id","title","description",')
    rows = csv_rows(response)
    assert [r["title"] for r in rows] == ["Cabinet médical à Lille", "Médecin de garde à Laon",
                                          "Un bus le dimanche, enfin"]
    bus = rows[2]
    assert bus["id"] == str(published.id)
    assert bus["description"] == "Ligne «\u00a012\u00a0»."  # accents and spaces intact
    assert bus["department"] == "80" and bus["former_region"] == "PICARDIE"
    assert bus["commune"] == "Abbeville" and bus["theme"] == "transports"
    assert bus["status"] == "published" and rows[0]["status"] == "addressed"
    assert bus["tags"] == "bus;dimanche"
    assert bus["supporters_count"] == "1"
    assert bus["created_at"].endswith("Z")  # ISO 8601 UTC, as the API writes it
    assert bus["url"] == f"http://localhost/needs/{published.id}"
    assert rows[1]["commune"] == ""


def test_json_export_has_the_same_fields(client, published):
    response = client.get("/needs.json")
    assert response.status_code == 200 and response.is_json
    data = response.get_json()
    assert data["count"] == 3 == len(data["needs"])
    bus = next(n for n in data["needs"] if n["id"] == published.id)
    assert set(bus) == set(HEADER)
    assert bus["title"] == "Un bus le dimanche, enfin"
    assert bus["tags"] == ["bus", "dimanche"]
    assert bus["supporters_count"] == 1 and bus["commune"] == "Abbeville"
    csv_bus = next(r for r in csv_rows(client.get("/needs.csv")) if r["id"] == str(published.id))
    for key in HEADER:
        expected = ";".join(bus[key]) if key == "tags" else str(bus[key])
        assert csv_bus[key] == expected, key


@pytest.mark.parametrize(("query", "expected"), [
    ("department=02", ["Médecin de garde à Laon"]),
    ("theme=sante", ["Cabinet médical à Lille", "Médecin de garde à Laon"]),
    ("q=medecin", ["Médecin de garde à Laon"]),
    ("q=MEDICAL", ["Cabinet médical à Lille"]),
    ("tag=dimanche", ["Un bus le dimanche, enfin"]),
    ("status=addressed", ["Cabinet médical à Lille"]),
    ("status=published&theme=sante", ["Médecin de garde à Laon"]),
    ("sort=supported", ["Un bus le dimanche, enfin", "Cabinet médical à Lille",
                        "Médecin de garde à Laon"]),
    ("theme=culture", []),
])
def test_exports_apply_the_board_filters(client, published, query, expected):
    assert [r["title"] for r in csv_rows(client.get(f"/needs.csv?{query}"))] == expected
    data = client.get(f"/needs.json?{query}").get_json()
    assert [n["title"] for n in data["needs"]] == expected and data["count"] == len(expected)


def test_hidden_pending_and_withdrawn_needs_are_never_exported(client, published):
    for query in ("", "?theme=sante", "?q=cache", "?status=withdrawn"):
        titles = {r["title"] for r in csv_rows(client.get(f"/needs.csv{query}"))}
        titles |= {n["title"] for n in client.get(f"/needs.json{query}").get_json()["needs"]}
        assert not titles & {"Caché", "En attente", "Retiré"}, query


def test_formulas_are_escaped_in_csv_but_not_in_json(client, db, make_need):
    need = make_need(title='=HYPERLINK("https://evil.example","Cliquez")',
                     description="+33 6 12 34 56 78", tags=["-x"])
    need.commune = "@Amiens"  # a free text of before the communes' list (migration 0021)
    db.session.commit()
    [row] = csv_rows(client.get("/needs.csv"))
    assert row["title"] == '\'=HYPERLINK("https://evil.example","Cliquez")'
    assert row["description"] == "'+33 6 12 34 56 78"
    assert row["commune"] == "'@Amiens"
    assert row["tags"] == "'-x"
    [need] = client.get("/needs.json").get_json()["needs"]
    assert need["title"] == '=HYPERLINK("https://evil.example","Cliquez")'


def test_the_board_links_to_exports_with_its_filters(client, published):
    doc = parse(client.get("/needs/territory/80?q=bus&page=1").get_data(as_text=True))
    links = {a.text: a.get("href") for a in doc.find("p", class_="open-data").find_all("a")}
    assert links["CSV"].startswith("/needs.csv?")
    assert "department=80" in links["CSV"] and "q=bus" in links["CSV"]
    assert "page=" not in links["CSV"]
    assert [r["title"] for r in csv_rows(client.get(links["CSV"]))] == [
        "Un bus le dimanche, enfin"]
    assert client.get(links["JSON"]).get_json()["count"] == 1
