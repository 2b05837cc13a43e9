"""Every event, label and notification page reads in French by default and in English on
request, with nothing leaked."""

from __future__ import annotations

import html

import pytest

from inspir_events.accounts.models import Role
from inspir_events.events import participation, services
from inspir_events.labels import services as labels
from inspir_events.labels.charter import PRINCIPLE_CODES
from tests.test_i18n import leftover_strings


@pytest.fixture
def pages(client, db, login, make_user, make_event, make_need):
    """An organiser who is also on the committee: every section of every page shows."""
    me = make_user(display_name="Olivia", roles=(Role.ORGANISER, Role.COMMITTEE))
    login(me)
    need = make_need(title="Un bus le dimanche")
    event = make_event(by=me, title="Atelier des mobilités", capacity=1, need_ids=[need.id],
                       theme_codes=["transports"])
    participation.register(make_user(display_name="Bruno"), event.id)
    participation.register(me, event.id)  # waitlisted
    services.request_label(me, event.id, {c: "Oui." for c in PRINCIPLE_CODES}, "/x")
    labelled = make_event(by=me, title="Hackathon labellisé")
    request = services.request_label(me, labelled.id, {c: "Oui." for c in PRINCIPLE_CODES}, "/y")
    labels.decide(make_user(roles=(Role.COMMITTEE,)), request.id, True, "Bien.")
    make_event(by=me, cancelled=True, title="Réunion annulée")
    participation.renew_calendar_token(me)
    client.get("/")  # shows the log-in message, queued in French
    return ["/events", "/events?when=past", f"/events/{event.id}", f"/events/{labelled.id}",
            "/events/new", f"/events/{event.id}/edit", f"/events/{event.id}/label",
            f"/events/{event.id}/registrations", "/events/mine", "/committee/labels",
            "/notifications"]


def test_event_pages_have_no_english_left_in_french(client, pages):
    for path in pages:
        status, leaked, text = leftover_strings(client, path, "fr")
        assert status == 200, path
        assert not leaked, f"{path} shows untranslated strings: {leaked}"


def test_event_pages_have_no_french_left_in_english(client, pages):
    for path in pages:
        status, leaked, text = leftover_strings(client, path, "en")
        assert status == 200, path
        assert not leaked, f"{path} in English shows French strings: {leaked}"


def test_the_event_form_errors_follow_the_language(client, login, organiser, event_form):
    login(organiser)
    bad = event_form(capacity="0")
    french = html.unescape(client.post_form("/events/new", bad, token_from="/events/new")
                           .get_data(as_text=True))
    assert "La capacité est un nombre de places entre 1 et 100000 (laissez le champ vide" in french
    english = html.unescape(client.post_form(
        "/events/new", bad, token_from="/events/new", headers={"Accept-Language": "en"})
        .get_data(as_text=True))
    assert ("The capacity is a number of places between 1 and 100000 (leave it empty for no "
            "limit).") in english
