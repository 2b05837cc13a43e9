"""The programme's evaluation in the JSON API: /api/v1/statistics carries it, per year."""

from __future__ import annotations

import jsonschema_rs

from tests.stats import evaluation_world


def _schema(client) -> dict:
    document = client.get("/api/v1/openapi.json").get_json()
    return {"$ref": "#/components/schemas/Statistics", **document}


def test_the_api_returns_the_evaluation_of_the_year_asked(client, db, make_user):
    expected = evaluation_world.build(db, make_user)
    body = client.get("/api/v1/statistics?year=2026").get_json()
    evaluation = body["evaluation"]
    assert evaluation["year"] == 2026 == body["money"]["year"]
    assert {row["subject"]: (row["asked"], row["granted"], row["refused"])
            for row in evaluation["labels"]} == expected[2026]["labels"]
    assert evaluation["cofunding"] == {
        "asked": {"count": 3, "amount_cents": 1_700_000},
        "granted": {"count": 1, "amount_cents": 900_000},
        "refused": {"count": 1, "amount_cents": 500_000}, "awaiting": 1}
    assert evaluation["funnel"] == {"needs": 4, "with_event": 2, "with_idea": 3,
                                    "with_project": 2}
    assert evaluation["projects"] == {"diffused": 1, "stopped": 1}
    assert evaluation["reproductions"] == {"declarations": 2, "projects": 1}
    assert {row["programme"]: row["count"] for row in evaluation["oriented"]
            if row["count"]} == {"innovation_sociale": 1, "projets_etudiants": 1}
    assert evaluation["teams"] == {"members": 3, "inhabitants_or_future_users": 1,
                                   "teams": 2, "teams_with_inhabitants_or_future_users": 1}
    assert {row["code"]: (row["grants"], row["amount_cents"])
            for row in evaluation["aid_by_department"] if row["grants"]} == expected[2026]["aid"]
    jsonschema_rs.validate(_schema(client), body)  # as the OpenAPI document says

    older = client.get("/api/v1/statistics?year=2025").get_json()["evaluation"]
    assert older["year"] == 2025
    assert older["funnel"] == {"needs": 1, "with_event": 1, "with_idea": 1, "with_project": 1}
    assert older["teams"]["members"] == 1


def test_no_names_in_the_evaluation(client, db, make_user):
    evaluation_world.build(db, make_user)
    text = client.get("/api/v1/statistics?year=2026").get_data(as_text=True)
    for name in ("Membre", "Besoin 1", "Diffusé", "Association", "@example.org"):
        assert name not in text
