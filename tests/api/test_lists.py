"""Pagination, filters, errors (in French and English), 404s and cache headers of /api/v1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from inspir_events.aid.projects.models import Project
from inspir_events.events.models import Event
from inspir_events.needs.models import Need
from inspir_events.timeutil import utc_to_paris
from tests.api.conftest import walk

EN = {"Accept-Language": "en"}


# ---- pagination ----------------------------------------------------------------------------

@pytest.mark.parametrize("query, parameter", [
    ("per_page=101", "per_page"), ("per_page=0", "per_page"), ("page=0", "page"),
    ("page=-1", "page"), ("page=abc", "page"), ("per_page=1.5", "per_page"),
    ("page=99999999999999", "page"),
])
def test_out_of_range_or_malformed_paging_is_a_400_naming_the_parameter(client, query,
                                                                        parameter):
    for url in ("/api/v1/needs", "/api/v1/events", "/api/v1/ideas", "/api/v1/projects",
                "/api/v1/store"):
        response = client.get(f"{url}?{query}", headers=EN)
        assert response.status_code == 400, (url, query)
        error = response.get_json()["error"]
        assert error["code"] == "invalid_parameter"
        assert error["parameter"] == parameter
        assert parameter in error["message"] and "100" in error["message"] \
            if parameter == "per_page" else parameter in error["message"]
        assert response.headers["Cache-Control"] == "no-store"


def test_per_page_100_is_allowed_and_the_default_is_20(client, make_need):
    for _ in range(23):
        make_need()
    assert client.get("/api/v1/needs?per_page=100").status_code == 200
    page = client.get("/api/v1/needs").get_json()
    assert page["per_page"] == 20 and len(page["items"]) == 20 and page["total"] == 23


def test_next_walks_every_item_exactly_once(client, make_need, db):
    made = {make_need().id for _ in range(11)}
    hidden = make_need(visibility="hidden").id
    seen, url, pages = [], "/api/v1/needs?per_page=3&sort=newest", 0
    while url:
        page = client.get(url).get_json()
        assert page["total"] == 11
        seen += [item["id"] for item in page["items"]]
        url, pages = page["next"], pages + 1
    assert pages == 4
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    assert hidden not in seen
    # The next link keeps the filters and is absolute.
    first = client.get("/api/v1/needs?per_page=3&department=80").get_json()
    assert first["next"].startswith("http://localhost/api/v1/needs?")
    assert "department=80" in first["next"] and "page=2" in first["next"]


def test_a_page_past_the_end_is_empty(client, make_need):
    make_need()
    page = client.get("/api/v1/needs?page=5").get_json()
    assert page["items"] == [] and page["total"] == 1 and page["next"] is None


# ---- filters -------------------------------------------------------------------------------

def test_need_filters_as_on_the_boards(client, make_need):
    bus = make_need(title="Un bus le dimanche", department="80", theme="transports")
    school = make_need(title="Une école numérique", department="59", theme="education")
    closed = make_need(title="Un besoin clos", department="59", status="closed")

    def ids(query):
        return [item["id"] for item in client.get(f"/api/v1/needs?{query}").get_json()["items"]]

    assert ids("department=80") == [bus.id]
    assert ids("theme=transports&department=80") == [bus.id]
    assert ids("status=closed") == [closed.id]
    assert ids("q=ECOLE") == [school.id]  # accents and case ignored, as on the boards
    assert ids("department=99") == []
    assert client.get("/api/v1/needs?status=withdrawn").status_code == 400
    assert client.get("/api/v1/needs?sort=oldest").status_code == 400
    assert client.get("/api/v1/needs?department=%3Cscript%3E").status_code == 400


def test_event_filters(client, seeded):
    events = walk(client, "/api/v1/events")
    assert events and all(e["status"] != "draft" for e in events)
    starts = [e["starts_at"] for e in events]
    assert starts == sorted(starts)  # by start, past and upcoming
    labelled = walk(client, "/api/v1/events?labelled=1")
    assert labelled and all(e["labelled"] for e in labelled)
    assert len(labelled) < len(events)
    hackathons = walk(client, "/api/v1/events?kind=hackathon")
    assert [e["title"] for e in hackathons] == ["Hackathon des mobilités rurales"]
    assert all(e["department"] == "80" for e in walk(client, "/api/v1/events?department=80"))
    first = seeded.session.scalar(select(Event).where(Event.title == "Rencontre santé et "
                                                      "territoires"))
    day = utc_to_paris(first.starts_at).date()
    window = walk(client, f"/api/v1/events?from={day}&to={day}")
    assert [e["id"] for e in window] == [first.id]
    later = walk(client, f"/api/v1/events?from={day + timedelta(days=1)}")
    assert first.id not in [e["id"] for e in later] and later
    response = client.get(f"/api/v1/events?from={day}&to={day - timedelta(days=1)}",
                          headers=EN)
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "to"
    for bad in ("from=2026-13-01", "from=0001-01-01", "labelled=yes", "kind=party"):
        assert client.get(f"/api/v1/events?{bad}").status_code == 400, bad


def test_idea_and_project_and_store_filters(client, seeded):
    ideas = walk(client, "/api/v1/ideas")
    assert ideas and all(i["results"] for i in ideas)
    event_id = ideas[0]["event_id"]
    assert all(i["event_id"] == event_id for i in walk(client, f"/api/v1/ideas?event={event_id}"))
    assert walk(client, "/api/v1/ideas?event=999999") == []
    winners = [r for i in ideas for r in i["results"] if r["winner"]]
    assert winners and all(r["rank"] >= 1 for r in winners)

    projects = walk(client, "/api/v1/projects")
    stages = {p["stage"] for p in projects}
    assert len(stages) >= 3
    for stage in stages:
        assert {p["stage"] for p in walk(client, f"/api/v1/projects?stage={stage}")} == {stage}
    assert client.get("/api/v1/projects?stage=secret").status_code == 400

    store = walk(client, "/api/v1/store")
    assert store and {e["stage"] for e in store} <= {"diffusion", "abandonne"}
    stopped = walk(client, "/api/v1/store?stage=abandonne")
    assert stopped and all(e["stage"] == "abandonne" and e["lessons"] for e in stopped)
    assert client.get("/api/v1/store?stage=projet").status_code == 400
    assert client.get("/api/v1/store?year=1800").status_code == 400


def test_project_detail_has_its_history_and_grants_in_cents(client, seeded):
    granted = seeded.session.scalar(select(Project).where(Project.id.in_(
        select(Project.id).join(Project.moves))).order_by(Project.id))
    detail = client.get(f"/api/v1/projects/{granted.id}").get_json()
    assert detail["history"] and "decided_by" not in str(detail)
    assert detail["granted_cents"] == sum(g["amount_cents"] for g in detail["grants"])
    assert all(isinstance(g["amount_cents"], int) for g in detail["grants"])
    assert detail["created_at"].endswith("Z")


# ---- errors, languages, caching ------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/needs/999999", "/api/v1/events/999999",
                                 "/api/v1/ideas/999999", "/api/v1/projects/999999",
                                 "/api/v1/store/999999", "/api/v1/needs/abc",
                                 "/api/v1/nothing-here", "/api/v1/needs/"])
def test_unknown_ids_and_addresses_are_json_404s(client, url):
    response = client.get(url, headers=EN)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == {"error": {
        "code": "not_found", "message": "This page does not exist or is no longer public."}}


def test_errors_are_in_french_by_default_and_in_english_on_request(client):
    french = client.get("/api/v1/needs/999999").get_json()["error"]["message"]
    assert french == "Cette page n’existe pas ou n’est plus publique."
    english = client.get("/api/v1/needs?per_page=101", headers=EN).get_json()["error"]
    assert english["message"] == "per_page must be a whole number between 1 and 100."
    default = client.get("/api/v1/needs?per_page=101").get_json()["error"]
    assert default["parameter"] == "per_page" and "100" in default["message"]
    assert "Accept-Language" in client.get("/api/v1/needs?per_page=101").headers["Vary"]


def test_answers_carry_an_etag_and_are_cacheable_a_minute(client, make_need):
    make_need()
    response = client.get("/api/v1/needs")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    etag = response.headers["ETag"]
    again = client.get("/api/v1/needs", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_need(title="Un besoin de plus")
    assert client.get("/api/v1/needs", headers={"If-None-Match": etag}).status_code == 200


def test_items_have_stable_fields_iso_dates_and_absolute_urls(client, seeded):
    need = walk(client, "/api/v1/needs")[0]
    assert set(need) == {"id", "title", "description", "department", "former_region", "commune",
                         "commune_code", "theme", "status", "tags", "supporters_count",
                         "created_at", "url"}
    assert need["url"] == f"http://localhost/needs/{need['id']}"
    row = seeded.session.get(Need, need["id"])
    assert need["created_at"] == row.created_at.replace(microsecond=0).isoformat() + "Z"
    event = walk(client, "/api/v1/events")[0]
    assert event["url"].startswith("http://localhost/events/")
    assert event["ical_url"].endswith(".ics")


def test_statistics_are_the_stats_pages_figures(client, seeded):
    body = client.get("/api/v1/statistics").get_json()
    assert body["needs"]["total"] == seeded.session.query(Need).filter(Need.is_public).count()
    assert body["money"]["amount_cents"] == 60_000_000
    assert client.get("/api/v1/statistics?year=1999").status_code == 400


def test_errors_raised_before_the_api_views_are_json_too(client):
    """An id beyond the database's range fails in routing, a POST in method matching: both
    still answer the API's JSON error, in French by default."""
    response = client.get("/api/v1/needs/99999999999")
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["error"]["code"] == "not_found"
    assert response.headers["Cache-Control"] == "no-store"
    response = client.post("/api/v1/needs", headers={"Accept-Language": "en"})
    assert response.status_code in (400, 405) and response.is_json
    assert response.get_json()["error"]["code"] in ("bad_request", "method_not_allowed")


def test_answers_are_the_same_compact_bytes_in_debug_mode(make_app):
    """Flask indents JSON in debug mode (through the pure-Python encoder); the API answers
    the same compact bytes, hence the same ETags, in every configuration."""
    debug = make_app(DEBUG=True)
    assert debug.debug
    answer = debug.test_client().get("/api/v1/needs")
    assert answer.status_code == 200
    assert answer.data.startswith(b'{"') and b"\n " not in answer.data


def test_a_page_of_needs_is_read_as_the_columns_the_api_gives(app, db, make_need):
    """api.queries.needs reads NEEDS_PAGE_FIELDS, not Need objects (a fifth of the answer
    went to loading them), and gives every field the items carry."""
    from inspir_events.api import queries
    from inspir_events.needs.rules import BoardFilters
    from inspir_events.needs.serializers import need_item

    make_need(title="Un abri vélo", tags=["vélo"])
    db.session.expunge_all()
    rows, total, tags = queries.needs(BoardFilters(), 0, 20)
    assert total == 1 and not any(isinstance(obj, Need) for obj in db.session.identity_map.values())
    with app.test_request_context():
        listed = need_item(rows[0], tags[rows[0].id])
        whole = need_item(db.session.get(Need, rows[0].id))
    assert listed == whole and listed["tags"] == ["vélo"]
