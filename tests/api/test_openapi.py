"""The OpenAPI document covers every /api/v1 route, and only those."""

from __future__ import annotations

import re

from inspir_events.api import openapi

# The catch-all that answers JSON 404s for unknown addresses is not an operation.
NOT_OPERATIONS = {"api.unknown"}


def _api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in NOT_OPERATIONS:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method.lower(), path))
    return routes


def _documented(document) -> set[tuple[str, str]]:
    return {(method, path) for path, item in document["paths"].items() for method in item}


def test_every_api_route_is_documented_and_every_documented_one_exists(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    routes = _api_routes(app)
    assert len(routes) >= 14
    assert routes == _documented(document)
    # The simulator's two routes (the aid feature's) are in it too.
    assert ("get", "/api/v1/aid/cofunding-check") in routes


def test_the_document_is_openapi_3_1_with_closed_item_schemas(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    schemas = document["components"]["schemas"]
    for name in ("Need", "Event", "Idea", "Project", "StoreEntry", "Statistics", "Error"):
        assert schemas[name]["additionalProperties"] is False, name
        assert set(schemas[name]["required"]) <= set(schemas[name]["properties"]), name
    assert schemas["Need"]["properties"]["created_at"]["format"] == "date-time"
    assert schemas["Need"]["properties"]["url"]["format"] == "uri"
    for path, item in document["paths"].items():
        operation = item["get"]
        assert "200" in operation["responses"], path
        if "{" in path:
            assert "404" in operation["responses"], path
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "per_page":
                assert parameter["schema"]["maximum"] == 100


def test_a_route_missing_from_the_document_is_caught(app, monkeypatch):
    paths = dict(openapi.PATHS)
    del paths["/api/v1/ideas"]
    monkeypatch.setattr(openapi, "PATHS", paths)
    assert _api_routes(app) != _documented(openapi.document())


def test_every_referenced_schema_exists(client):
    document = client.get("/api/v1/openapi.json").get_data(as_text=True)
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in re.findall(r'"#/components/schemas/([A-Za-z]+)"', document):
        assert name in schemas
