"""The communes as one types (/territories/communes), read by static/js/communes.js."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static" / "js" / "communes.js"


def test_suggestions_list_the_departments_communes_starting_with_what_was_typed(client):
    response = client.get("/territories/communes?q=amie&department=80")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    found = response.get_json()
    assert found[0] == {"code": "80021", "name": "Amiens", "department": "80",
                        "label": "Amiens (80021)", "epci": "248000531"}
    assert all(c["department"] == "80" for c in found) and len(found) <= 10
    assert "max-age" in response.headers["Cache-Control"]


def test_suggestions_ignore_case_and_accents_and_need_a_word(client):
    names = [c["name"] for c in client.get("/territories/communes?q=BETHUNE").get_json()]
    assert names[0] == "Béthune"
    assert client.get("/territories/communes?q=").get_json() == []
    assert client.get("/territories/communes?q=%25%25").get_json() == []
    assert client.get("/territories/communes?q=zzzz").get_json() == []


def test_the_combobox_follows_the_aria_pattern():
    script = STATIC.read_text(encoding="utf-8")
    for piece in ('"combobox"', '"aria-autocomplete", "list"', '"aria-expanded"',
                  '"aria-controls"', '"aria-activedescendant"', '"listbox"', '"option"',
                  '"ArrowDown"', '"ArrowUp"', '"Enter"', '"Escape"', '"status"'):
        assert piece in script, piece
