"""Events and territories (issue 20 §3): the venue's commune from the list, in the event's
department; the listing's EPCI filter (and the calendar feed's); the listing's map."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.events.models import Event
from tests.events.test_declare import field_error, input_value, post_event
from tests.pages import parse
from tests.reference.test_map import page_map

AMIENS_METROPOLE = "248000531"


def test_the_venue_names_its_commune_from_the_list(client, db, login, organiser, event_form):
    login(organiser)
    response = post_event(client, event_form(venue_commune="amiens"))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert (event.venue_commune_code, event.venue_commune) == ("80021", "Amiens")
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert parse(edit).find("input", id="venue_commune").get("value") == "Amiens (80021)"
    assert "js/communes.js" in edit


def test_a_venue_outside_the_department_is_refused_with_the_input_kept(
        client, db, login, organiser, event_form):
    login(organiser)
    response = post_event(client, event_form(venue_commune="Arras", department="80"))
    assert response.status_code == 422
    assert "pas dans le département choisi (elle est dans le 62)" in field_error(
        response, "venue_commune")
    assert input_value(response, "venue_commune") == "Arras"
    assert db.session.scalar(select(Event)) is None


def test_the_listing_and_its_feed_filter_by_intercommunality(client, make_event):
    make_event(title="Atelier à Camon", venue_commune="Camon")
    make_event(title="Atelier à Abbeville", venue_commune="Abbeville")
    doc = parse(client.get(f"/events?epci={AMIENS_METROPOLE}").get_data(as_text=True))
    titles = [card.find("h3").text for card in doc.find_all("article")]
    assert titles == ["Atelier à Camon"]
    assert "selected" in doc.find("select", id="epci").find(
        "option", value=AMIENS_METROPOLE).attrs
    feed = client.get(f"/events.ics?epci={AMIENS_METROPOLE}").get_data(as_text=True)
    assert "Atelier à Camon" in feed and "Abbeville" not in feed


def test_the_events_listing_shows_the_map_of_the_listed_events(client, make_event):
    make_event(department_code="59")
    make_event(department_code="62", published=False)  # a draft is not listed
    make_event()
    names, rows = page_map(client.get("/events").get_data(as_text=True), "events-map")
    assert names["59"] == "59 Nord : Événements 1" and rows["62"] == ["0"]
    assert rows["total"] == ["2"]
    body = client.get("/events?kind=atelier").get_data(as_text=True)
    assert page_map(body, "events-map")[1]["total"] == ["0"]  # the listing's filters apply
    assert 'href="/events?kind=atelier&amp;department=59"' in body


def test_an_events_page_links_to_its_intercommunalitys_events(client, make_event):
    event = make_event(venue_commune="Camon")
    doc = parse(client.get(f"/events/{event.id}").get_data(as_text=True))
    link = doc.find("a", href=f"/events?epci={AMIENS_METROPOLE}")
    assert link is not None and link.text == "CA Amiens Métropole"


def test_the_api_gives_the_venue_insee_code_and_filters_by_intercommunality(
        client, make_event):
    make_event(title="Atelier à Camon", venue_commune="Camon")
    make_event(title="Atelier à Abbeville", venue_commune="Abbeville")
    items = client.get(f"/api/v1/events?epci={AMIENS_METROPOLE}").get_json()["items"]
    assert [(e["title"], e["venue_commune_code"]) for e in items] == [
        ("Atelier à Camon", "80164")]
