"""The charter is data: seven principles, each one a field of the label request form."""

from __future__ import annotations

from inspir_events.labels import charter
from inspir_events.labels.charter import PRINCIPLE_CODES, PRINCIPLES
from inspir_events.labels.forms import CharterForm
from tests.pages import parse

FRENCH_TITLES = [
    "Par et pour les habitants (co-design)",
    "Se donner les moyens d’impliquer les usagers",
    "Approches collectives",
    "Répondre à un besoin de la société régionale",
    "Subsidiarité",
    "Multidisciplinarité",
    "Innovation ouverte",
]


def test_seven_principles_from_the_deliberation():
    assert PRINCIPLE_CODES == ("co_design", "user_involvement", "collective", "regional_need",
                               "subsidiarity", "multidisciplinarity", "open_innovation")
    assert all(p.title and p.question for p in PRINCIPLES)


def test_missing_answers():
    full = {code: "Oui." for code in PRINCIPLE_CODES}
    assert charter.missing_answers(full) == []
    assert charter.missing_answers({**full, "collective": "   "}) == ["collective"]
    assert charter.missing_answers({}) == list(PRINCIPLE_CODES)


def test_the_form_has_one_field_per_principle(app):
    with app.test_request_context("/"):
        form = CharterForm(meta={"csrf": False})
        fields = [name for name in form._fields if name != "csrf_token"]
        assert fields == list(PRINCIPLE_CODES)


def test_the_request_page_shows_the_principles_in_french(client, login, organiser, make_event):
    event = make_event()
    login(organiser)
    page = client.get(f"/events/{event.id}/label").get_data(as_text=True)
    doc = parse(page)
    labels = [doc.find("label", for_=p.code).text for p in PRINCIPLES]
    assert labels == FRENCH_TITLES
    assert [t.get("name") for t in doc.find_all("textarea")] == list(PRINCIPLE_CODES)
    assert doc.by_id("co_design-help").text.startswith("Comment les habitants participent-ils")
    assert "à la conception des réponses\u00a0?" in page


def test_the_request_page_in_english(client, login, organiser, make_event):
    event = make_event()
    login(organiser)
    doc = parse(client.get(f"/events/{event.id}/label",
                           headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert [doc.find("label", for_=p.code).text for p in PRINCIPLES] == [
        p.title for p in PRINCIPLES]
