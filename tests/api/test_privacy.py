"""Hidden, moderated or private data never appears in the API nor in the downloads.

One test per data kind, on the demo's whole story plus private rows (tests/api/conftest.py
``private``): each looks through every API list (all pages), every detail and every
download, and also asks for the private row's own address.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from inspir_events.accounts.models import User
from tests.api.conftest import DOWNLOADS, LISTS, walk


def _found(answers, needle: str) -> list[str]:
    return [url for url, text in answers if needle in text]


def test_the_walk_sees_public_data_so_an_absence_means_something(client, private, everything,
                                                                 db):
    answers = everything(db)
    # Published things of the demo are there, in the API and in the downloads.
    assert _found(answers, "Hackathon des mobilités rurales")
    assert "/events.csv" in _found(answers, "Hackathon des mobilités rurales")
    assert _found(answers, "Agenda partagé des maisons de santé")
    for url in (*LISTS, *DOWNLOADS):
        assert client.get(url).status_code == 200, url


def test_a_need_hidden_by_a_moderator_never_appears(client, private, everything, db):
    assert _found(everything(db), "SECRET hidden need") == []
    assert client.get(f"/api/v1/needs/{private.hidden_need}").status_code == 404
    # Nor through what links to it: events, ideas, projects, store entries.
    for url in ("/api/v1/events", "/api/v1/ideas", "/api/v1/projects", "/api/v1/store"):
        for item in walk(client, url):
            assert private.hidden_need not in item.get("need_ids", [])
            assert item.get("need_id") != private.hidden_need


def test_a_need_pending_moderation_never_appears(client, private, everything, db):
    assert _found(everything(db), "SECRET pending need") == []
    assert client.get(f"/api/v1/needs/{private.pending_need}").status_code == 404
    assert all(private.pending_need not in e["need_ids"] for e in walk(client, "/api/v1/events"))


def test_a_withdrawn_need_never_appears(client, private, everything, db):
    assert _found(everything(db), "SECRET withdrawn need") == []
    assert client.get(f"/api/v1/needs/{private.withdrawn_need}").status_code == 404


def test_a_draft_event_never_appears_nor_its_ideas(client, private, everything, db):
    answers = everything(db)
    assert _found(answers, "SECRET draft event") == []
    assert _found(answers, "SECRET idea of a draft event") == []
    assert client.get(f"/api/v1/events/{private.draft_event}").status_code == 404
    assert client.get(f"/api/v1/ideas/{private.draft_idea}").status_code == 404
    assert all(p["event_id"] != private.draft_event for p in walk(client, "/api/v1/projects"))


def test_an_idea_of_an_open_round_never_appears(client, private, everything, db):
    assert _found(everything(db), "SECRET idea of an open round") == []
    assert client.get(f"/api/v1/ideas/{private.open_idea}").status_code == 404
    ideas = walk(client, "/api/v1/ideas")
    assert ideas and all(r["url"].endswith("/results") for i in ideas for r in i["results"])
    assert "Vote en cours" not in json.dumps(ideas)


def test_projects_awaiting_or_oriented_elsewhere_never_appear(client, private, everything, db):
    answers = everything(db)
    assert _found(answers, "SECRET project awaiting qualification") == []
    assert _found(answers, "SECRET project oriented elsewhere") == []
    for project_id in (private.awaiting_project, private.oriented_project):
        assert client.get(f"/api/v1/projects/{project_id}").status_code == 404
        assert client.get(f"/api/v1/store/{project_id}").status_code == 404


def test_no_email_and_no_user_id_anywhere(client, private, everything, db):
    answers = everything(db)
    emails = list(db.session.scalars(select(User.email)))
    assert len(emails) > 5
    for email in emails:
        assert _found(answers, email) == [], email
    for url, text in answers:
        for key in ('"email"', '"user_id"', '"author_id"', '"proposed_by_id"',
                    '"decided_by_id"', "'email'", "'user_id'"):
            assert key not in text, (url, key)


def test_a_store_lineage_names_the_team_by_display_name_only(client, seeded):
    entries = walk(client, "/api/v1/store")
    assert entries
    for entry in entries:
        detail = client.get(f"/api/v1/store/{entry['id']}").get_json()
        for member in detail["lineage"]["team"]:
            assert set(member) == {"name", "role"}
            assert "@" not in member["name"]
