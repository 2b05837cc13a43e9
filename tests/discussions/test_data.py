"""Comments' data (issue 20 §1): a deleted account's comments stay, shown as by
« Compte supprimé »; public comments are in the API and the open data without their
authors' names; a person's comments are in their personal-data export."""

from __future__ import annotations

import csv
import html
import io

import pytest

from inspir_events.discussions import moderation
from inspir_events.needs.rules import Visibility
from tests.conftest import PASSWORD


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_deleted_accounts_comments_stay_shown_as_such(client, db, make_need, make_user,
                                                        login):
    need = make_need()
    leaver = make_user(display_name="Lucie Départ")
    login(leaver)
    client.post_form(f"/comments/need/{need.id}", {"body": "Je témoigne ici"},
                     token_from=f"/needs/{need.id}")
    assert client.post_form("/account/delete", {"current_password": PASSWORD, "confirm": "y"},
                            token_from="/account/delete").status_code == 302
    page = text_of(client.get(f"/needs/{need.id}"))
    assert "Je témoigne ici" in page
    assert "Compte supprimé" in page and "Lucie Départ" not in page
    english = text_of(client.get(f"/needs/{need.id}", headers={"Accept-Language": "en"}))
    assert "Deleted account" in english


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_public_comments_are_in_the_api_without_names(client, db, backend, make_need,
                                                      make_user, comment):
    need, hidden_need = make_need(), make_need()
    author = make_user(display_name="Nom Secret", email="secret@example.org")
    shown = comment("need", need.id, "Un avis **public**", author=author)
    reply = comment("need", need.id, "Une réponse", author=author, parent=shown)
    masked = comment("need", need.id, "Masqué", author=author)
    moderation.hide(make_user(roles=("committee",)), masked.id, "Hors sujet")
    on_hidden = comment("need", hidden_need.id, "Sur un besoin masqué", author=author)
    hidden_need.visibility = Visibility.HIDDEN
    db.session.commit()

    answer = client.get("/api/v1/comments")
    assert answer.status_code == 200
    body = answer.get_json()
    assert [item["id"] for item in body["items"]] == [shown.id, reply.id]
    assert body["total"] == 2
    first = body["items"][0]
    assert set(first) == {"id", "subject_type", "subject_id", "parent_id", "body",
                          "created_at", "edited_at", "url"}
    assert first["subject_type"] == "need" and first["subject_id"] == need.id
    assert first["body"] == "Un avis **public**" and first["parent_id"] is None
    assert first["url"] == f"http://localhost/needs/{need.id}#comment-{shown.id}"
    assert body["items"][1]["parent_id"] == shown.id
    raw = answer.get_data(as_text=True)
    assert "Nom Secret" not in raw and "secret@example.org" not in raw
    assert '"author' not in raw and on_hidden.id not in [i["id"] for i in body["items"]]
    # Filters: one kind, one subject.
    assert client.get(f"/api/v1/comments?subject_type=need&subject_id={need.id}"
                      ).get_json()["total"] == 2
    assert client.get("/api/v1/comments?subject_type=idea").get_json()["total"] == 0
    assert client.get("/api/v1/comments?subject_type=sandwich").status_code == 400


def test_public_comments_are_in_the_open_data_without_names(client, db, make_need, make_user,
                                                            comment):
    need = make_need()
    author = make_user(display_name="Nom Secret")
    comment("need", need.id, "Premier avis", author=author)
    as_json = client.get("/comments.json").get_json()
    assert as_json["count"] == 1 and as_json["comments"][0]["body"] == "Premier avis"
    as_csv = client.get("/comments.csv")
    assert as_csv.status_code == 200
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert rows[0] == ["id", "subject_type", "subject_id", "parent_id", "body", "created_at",
                       "edited_at", "url"]
    assert rows[1][4] == "Premier avis"
    assert "Nom Secret" not in as_csv.get_data(as_text=True)
    page = text_of(client.get("/open-data"))
    assert "/comments.csv" in page and "sans le nom de leurs auteurs" in page


def test_a_persons_comments_and_reports_are_in_their_export(client, db, make_need, speaker,
                                                            comment):
    need = make_need()
    client.post_form(f"/comments/need/{need.id}", {"body": "Mon avis exporté"},
                     token_from=f"/needs/{need.id}")
    other = comment("need", need.id, "Un autre avis")
    client.post_form(f"/comments/{other.id}/report", {"reason": "Hors sujet"},
                     token_from=f"/needs/{need.id}")
    data = client.post_form("/account/export", {}, token_from="/account/export").get_json()
    assert [row["body"] for row in data["comments"]] == ["Mon avis exporté"]
    assert [row["reason"] for row in data["comment_reports"]] == ["Hors sujet"]
