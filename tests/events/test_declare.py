"""Declaring and editing events: who may, Paris time in forms, bad input, the life cycle."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role
from inspir_events.events import participation, services
from inspir_events.events.models import Event
from inspir_events.events.rules import EventKind, EventStatus, RunBy
from inspir_events.needs.models import Need
from inspir_events.needs.rules import NeedStatus, Visibility
from inspir_events.notifications.models import Notification
from inspir_events.timeutil import utcnow
from tests.events.conftest import text_of
from tests.pages import parse


def post_event(client, data, url="/events/new", **kwargs):
    return client.post_form(url, data, token_from="/events/new" if url == "/events/new" else url,
                            **kwargs)


def count_events(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def field_error(response, name: str) -> str:
    element = parse(response.get_data(as_text=True)).by_id(f"{name}-error")
    assert element is not None, f"no error shown for {name}"
    return element.text


def input_value(response, name: str) -> str | None:
    element = parse(response.get_data(as_text=True)).find("input", name=name)
    return element.get("value") if element else None


# --- Who may declare ---

def test_an_organiser_declares_a_draft(client, db, login, organiser, event_form):
    login(organiser)
    response = post_event(client, event_form(themes="transports"))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert response.headers["Location"] == f"/events/{event.id}"
    assert event.title == "Hackathon des mobilités rurales"
    assert event.kind == EventKind.HACKATHON and event.run_by == RunBy.THIRD_PARTY
    assert event.status == EventStatus.DRAFT and event.sequence == 0
    assert event.venue_commune == "Amiens" and event.department_code == "80"
    assert event.capacity == 30 and event.confirmed_count == 0
    assert [t.code for t in event.themes] == ["transports"]
    assert event.organiser_ids == {organiser.id} and event.created_by_id == organiser.id
    assert "<strong>des transports</strong>" in event.description_html
    page = client.get(response.headers["Location"])
    assert "L’événement est enregistré comme brouillon" in text_of(page)


def test_an_admin_may_declare(client, db, login, make_user, event_form):
    login(make_user(roles=(Role.ADMIN,)))
    assert client.get("/events/new").status_code == 200
    assert post_event(client, event_form()).status_code == 302
    assert count_events(db) == 1


def test_a_citizen_may_not_declare(client, db, login, make_user, event_form):
    login(make_user())
    assert client.get("/events/new").status_code == 403
    response = client.post_form("/events/new", event_form())
    assert response.status_code == 403
    assert count_events(db) == 0
    with pytest.raises(services.EventForbidden):
        services.declare(make_user(roles=(Role.COMMITTEE,)), services.EventInput(
            title="Atelier", kind=EventKind.WORKSHOP, description="x",
            starts_at=datetime(2030, 1, 1, 9), ends_at=datetime(2030, 1, 1, 12),
            venue_name="v", venue_address="a", venue_commune="c", department_code="80",
            run_by=RunBy.REGION))


@pytest.mark.parametrize("method", ["get", "post"])
def test_visitors_are_sent_to_log_in(client, db, event_form, method):
    if method == "get":
        response = client.get("/events/new")
    else:
        response = client.post_form("/events/new", event_form())
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert count_events(db) == 0


def test_the_declare_button_shows_for_organisers_only(app, client, login, make_user,
                                                      organiser):
    assert "/events/new" not in client.get("/events").get_data(as_text=True)
    citizen = app.test_client()
    login(make_user(), on=citizen)
    assert "/events/new" not in citizen.get("/events").get_data(as_text=True)
    login(organiser)
    assert 'href="/events/new"' in client.get("/events").get_data(as_text=True)


# --- Paris time in, UTC stored, Paris time out ---

@pytest.mark.parametrize(("typed", "stored"), [
    ("07-14T10:00", (7, 14, 8, 0)),    # summer: UTC+2
    ("01-14T10:00", (1, 14, 9, 0)),    # winter: UTC+1
])
def test_times_are_typed_in_paris_and_stored_in_utc(client, db, login, organiser, event_form,
                                                    typed, stored):
    year = utcnow().year + 1
    month, day, hour, minute = stored
    login(organiser)
    response = post_event(client, event_form(
        starts_at=f"{year}-{typed}", ends_at=f"{year}-{typed[:6]}18:00",
        registration_opens_at=f"{year - 1 if month == 1 else year}-{typed[:2]}-01T09:30",
        registration_closes_at=f"{year}-{typed[:6]}09:00"))
    assert response.status_code == 302, text_of(response)[:2000]
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(year, month, day, hour, minute)
    assert event.ends_at == datetime(year, month, day, hour + 8, minute)
    assert event.registration_closes_at == datetime(year, month, day, hour - 1, minute)
    # shown back in Paris time when editing
    edit = client.get(f"/events/{event.id}/edit")
    assert input_value(edit, "starts_at") == f"{year}-{typed}"
    assert input_value(edit, "ends_at") == f"{year}-{typed[:6]}18:00"
    assert input_value(edit, "registration_closes_at") == f"{year}-{typed[:6]}09:00"


def test_the_edit_form_is_filled_with_the_event(client, db, login, organiser, make_event,
                                               make_need):
    need = make_need(title="Un bus le dimanche")
    event = make_event(capacity=12, need_ids=[need.id], theme_codes=["sante"],
                       kind=EventKind.WORKSHOP, run_by=RunBy.REGION)
    login(organiser)
    doc = parse(client.get(f"/events/{event.id}/edit").get_data(as_text=True))
    assert doc.find("input", name="title").get("value") == event.title
    assert doc.find("input", name="capacity").get("value") == "12"
    assert doc.find("option", value="atelier").attrs.keys() >= {"selected"}
    assert doc.find("option", value="80").attrs.keys() >= {"selected"}
    assert doc.find("input", name="run_by", value="region").attrs.keys() >= {"checked"}
    assert doc.find("input", name="themes", value="sante").attrs.keys() >= {"checked"}
    assert doc.find("input", name="needs", value=str(need.id)).attrs.keys() >= {"checked"}


# --- Bad input ---

BAD = [
    ("ends_at", {"ends_at": "{year}-07-14T09:00"}, "La fin doit venir après le début."),
    ("ends_at", {"ends_at": "{year}-07-14T10:00"}, "La fin doit venir après le début."),
    ("capacity", {"capacity": "0"}, "La capacité est un nombre de places entre 1 et 100000"),
    ("capacity", {"capacity": "-5"}, "La capacité est un nombre de places entre 1 et 100000"),
    ("capacity", {"capacity": "99999999999999999999"},
     "La capacité est un nombre de places entre 1 et 100000"),
    ("capacity", {"capacity": "beaucoup"}, ""),
    ("registration_closes_at", {"registration_closes_at": "{year}-07-14T19:00"},
     "Les inscriptions doivent fermer avant la fin de l’événement."),
    ("registration_closes_at", {"registration_opens_at": "{year}-07-01T10:00",
                                "registration_closes_at": "{year}-06-30T10:00"},
     "Les inscriptions doivent fermer après leur ouverture."),
    ("venue_name", {"venue_name": "  "}, "Indiquez le lieu."),
    ("title", {"title": ""}, "Donnez un titre à l’événement."),
    ("starts_at", {"starts_at": "demain"}, ""),
    ("department", {"department": "75"}, "Choisissez un département des Hauts-de-France."),
    ("themes", {"themes": "astrologie"}, "Thème inconnu."),
]


@pytest.mark.parametrize(("field", "change", "message"), BAD,
                         ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(BAD)])
def test_bad_input_is_refused_with_a_field_error_and_kept(client, db, login, organiser,
                                                         event_form, field, change, message):
    year = utcnow().year + 1
    change = {k: v.format(year=year) for k, v in change.items()}
    login(organiser)
    data = event_form(**change)
    response = post_event(client, data)
    assert response.status_code == 422
    assert message in field_error(response, field)
    assert count_events(db) == 0
    doc = parse(response.get_data(as_text=True))
    assert doc.find("div", class_="error-summary") is not None
    # what was typed is kept
    assert input_value(response, "venue_commune") == "Amiens"
    assert doc.find("textarea", name="description").text == data["description"].strip()
    for name, value in change.items():
        if name == "department":
            assert doc.find("option", value=value) is None  # not offered, so not kept
        elif name == "themes":
            assert doc.find("input", name="themes", value="transports") is not None
        else:
            assert input_value(response, name) == value


def test_a_lower_capacity_than_the_confirmed_people_is_refused(client, db, login, organiser,
                                                              make_event, make_user):
    event = make_event(capacity=3)
    for _ in range(3):
        participation.register(make_user(), event.id)
    login(organiser)
    url = f"/events/{event.id}/edit"
    form = _edit_data(event, capacity="2")
    response = client.post_form(url, form, token_from=url)
    assert response.status_code == 422
    assert "3 personnes sont déjà confirmées" in field_error(response, "capacity")
    assert input_value(response, "capacity") == "2"
    assert db.session.get(Event, event.id).capacity == 3


def _edit_data(event, **changes):
    from tests.events.conftest import paris_field

    data = {
        "title": event.title, "kind": event.kind.value, "description": event.description,
        "starts_at": paris_field(event.starts_at), "ends_at": paris_field(event.ends_at),
        "venue_name": event.venue_name, "venue_address": event.venue_address,
        "venue_commune": event.venue_commune, "department": event.department_code,
        "capacity": str(event.capacity or ""), "run_by": event.run_by.value,
        "registration_opens_at": "", "registration_closes_at": "",
    }
    data.update(changes)
    return data


# --- Life cycle and visibility ---

def test_draft_then_published_then_cancelled(client, db, login, organiser, make_event,
                                             make_user):
    event = make_event(published=False)
    login(organiser)
    assert client.get(f"/events/{event.id}").status_code == 200
    assert "Brouillon" in text_of(client.get(f"/events/{event.id}"))
    response = client.post_form(f"/events/{event.id}/publish", token_from=f"/events/{event.id}")
    assert response.status_code == 302
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    assert "L’événement est publié." in text_of(client.get(f"/events/{event.id}"))
    # publishing twice is refused
    client.post_form(f"/events/{event.id}/publish", token_from=f"/events/{event.id}")
    assert "Seul un brouillon peut être publié." in text_of(client.get(f"/events/{event.id}"))
    response = client.post_form(f"/events/{event.id}/cancel", token_from=f"/events/{event.id}")
    assert response.status_code == 302
    cancelled = db.session.get(Event, event.id)
    assert cancelled.status == EventStatus.CANCELLED and cancelled.cancelled_at is not None
    page = text_of(client.get(f"/events/{event.id}"))
    assert "Cet événement est annulé." in page
    # a cancelled event is no longer edited, nor cancelled again
    url = f"/events/{event.id}/edit"
    token = client.csrf_token(f"/events/{event.id}")
    for send in (lambda: client.get(url),
                 lambda: client.post(url, data=_edit_data(cancelled, title="Autre titre",
                                                          csrf_token=token))):
        response = send()
        assert response.status_code == 303  # a refusal: back to the event (errors.on_refusal)
        assert response.headers["Location"] == f"/events/{event.id}"
        assert "Un événement annulé ne peut plus être modifié." in text_of(
            client.get(f"/events/{event.id}"))
    assert db.session.get(Event, event.id).title == cancelled.title
    client.post_form(f"/events/{event.id}/cancel", token_from=f"/events/{event.id}")
    assert "Cet événement est déjà annulé." in text_of(client.get(f"/events/{event.id}"))
    with pytest.raises(services.EventConflict):
        services.update(organiser, event.id, services.EventInput(
            title="Autre titre", kind=cancelled.kind, description="x",
            starts_at=cancelled.starts_at, ends_at=cancelled.ends_at, venue_name="v",
            venue_address="a", venue_commune="c", department_code="80",
            run_by=cancelled.run_by))


def test_drafts_are_invisible_to_others(app, client, db, login, make_user, make_event,
                                        organiser):
    draft = make_event(published=False, title="Atelier secret en préparation")
    published = make_event(title="Atelier public")
    for who in (None, make_user(), make_user(roles=(Role.ORGANISER,)),
                make_user(roles=(Role.ADMIN,))):
        other = app.test_client()
        if who:
            login(who, on=other)
        assert other.get(f"/events/{draft.id}").status_code == 404
        assert other.get(f"/events/{draft.id}.ics").status_code == 404
        assert other.get(f"/events/{draft.id}/edit").status_code in (302, 404)
        listing = text_of(other.get("/events?when=all"))
        assert "Atelier public" in listing and "Atelier secret" not in listing
        feed = text_of(other.get("/events.ics"))
        assert "Atelier public" in feed and "Atelier secret" not in feed
    assert published.status == EventStatus.PUBLISHED


def test_only_organisers_edit(client, db, login, make_user, make_event, organiser):
    event = make_event(title="Atelier de Nadia", capacity=20)
    login(make_user(roles=(Role.ORGANISER,)))
    url = f"/events/{event.id}/edit"
    assert client.get(url).status_code == 403
    response = client.post_form(url, _edit_data(event, title="Atelier piraté"),
                                token_from=f"/events/{event.id}")
    assert response.status_code == 403
    for action in ("publish", "cancel"):
        assert client.post_form(f"/events/{event.id}/{action}",
                                token_from=f"/events/{event.id}").status_code == 403
    fresh = db.session.get(Event, event.id)
    assert fresh.title == "Atelier de Nadia" and fresh.status == EventStatus.PUBLISHED
    with pytest.raises(services.EventForbidden):
        services.update(make_user(), event.id, services.EventInput(
            title="x" * 10, kind=fresh.kind, description="x", starts_at=fresh.starts_at,
            ends_at=fresh.ends_at, venue_name="v", venue_address="a", venue_commune="c",
            department_code="80", run_by=fresh.run_by))


def test_an_organiser_edits_the_event(client, db, login, organiser, make_event):
    event = make_event(title="Atelier de janvier", capacity=20)
    starts_at, sequence = event.starts_at, event.sequence
    login(organiser)
    url = f"/events/{event.id}/edit"
    response = client.post_form(url, _edit_data(event, title="Atelier de février",
                                                venue_commune="Abbeville"), token_from=url)
    assert response.status_code == 302
    fresh = db.session.get(Event, event.id)
    assert fresh.title == "Atelier de février" and fresh.venue_commune == "Abbeville"
    assert fresh.starts_at == starts_at and fresh.sequence == sequence + 1
    assert "L’événement est enregistré." in text_of(client.get(f"/events/{event.id}"))


def test_the_creator_adds_a_co_organiser(app, client, db, login, organiser, make_user,
                                         make_event):
    event = make_event(title="Rencontre des tiers-lieux")
    colleague = make_user("sami@example.org", display_name="Sami", roles=(Role.ORGANISER,))
    login(organiser)
    response = client.post_form(f"/events/{event.id}/organisers", {"email": "SAMI@example.org"},
                                token_from=f"/events/{event.id}")
    assert response.status_code == 302
    assert db.session.get(Event, event.id).organiser_ids == {organiser.id, colleague.id}
    page = text_of(client.get(f"/events/{event.id}"))
    assert "Sami co-organise désormais l’événement." in page
    assert "Sami" in parse(page).by_id("organisers-title").parent.text
    # the colleague is told, and can now edit
    note = db.session.scalar(select(Notification).where(Notification.user_id == colleague.id))
    assert note.kind == "organiser.added" and note.url == f"/events/{event.id}"
    other = app.test_client()
    login(colleague, on=other)
    url = f"/events/{event.id}/edit"
    assert other.get(url).status_code == 200
    assert other.post_form(url, _edit_data(event, title="Rencontre des tiers-lieux 2"),
                           token_from=url).status_code == 302
    assert db.session.get(Event, event.id).title == "Rencontre des tiers-lieux 2"
    # adding them again, or an unknown address, is refused with a message
    client.post_form(f"/events/{event.id}/organisers", {"email": "sami@example.org"},
                     token_from=f"/events/{event.id}")
    assert "Sami organise déjà cet événement." in text_of(client.get(f"/events/{event.id}"))
    client.post_form(f"/events/{event.id}/organisers", {"email": "personne@example.org"},
                     token_from=f"/events/{event.id}")
    assert "Aucun compte n’utilise cette adresse" in text_of(client.get(f"/events/{event.id}"))
    # a co-organiser does not add others
    third = make_user("tom@example.org")
    response = other.post_form(f"/events/{event.id}/organisers", {"email": "tom@example.org"},
                               token_from=f"/events/{event.id}")
    assert response.status_code == 403
    assert third.id not in db.session.get(Event, event.id).organiser_ids


def test_strangers_cannot_add_organisers(client, db, login, make_user, make_event):
    event = make_event()
    stranger = make_user("x@example.org", roles=(Role.ORGANISER,))
    login(stranger)
    response = client.post_form(f"/events/{event.id}/organisers", {"email": "x@example.org"},
                                token_from=f"/events/{event.id}")
    assert response.status_code == 403
    assert stranger.id not in db.session.get(Event, event.id).organiser_ids


# --- Needs ---

def test_publishing_marks_the_linked_needs_addressed(client, db, login, organiser, make_need,
                                                     event_form):
    need = make_need(title="Un bus le dimanche")
    other = make_need(title="Un médecin à Laon")
    login(organiser)
    form = client.get(f"/events/new?need={need.id}")
    assert parse(form.get_data(as_text=True)).find(
        "input", name="needs", value=str(need.id)).attrs.keys() >= {"checked"}
    response = post_event(client, event_form(needs=str(need.id)))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert [n.id for n in event.needs] == [need.id]
    # a draft does not address anything yet
    assert db.session.get(Need, need.id).status == NeedStatus.PUBLISHED
    assert "Hackathon des mobilités rurales" not in text_of(client.get(f"/needs/{need.id}"))
    client.post_form(f"/events/{event.id}/publish", token_from=f"/events/{event.id}")
    assert db.session.get(Need, need.id).status == NeedStatus.ADDRESSED
    assert db.session.get(Need, other.id).status == NeedStatus.PUBLISHED
    need_page = parse(client.get(f"/needs/{need.id}").get_data(as_text=True))
    assert need_page.find("a", href=f"/events/{event.id}").text == "Hackathon des mobilités rurales"
    event_page = parse(client.get(f"/events/{event.id}").get_data(as_text=True))
    assert event_page.find("a", href=f"/needs/{need.id}").text == "Un bus le dimanche"


def test_editing_a_published_event_marks_newly_linked_needs(client, db, login, organiser,
                                                            make_event, make_need):
    event = make_event()
    need = make_need()
    login(organiser)
    url = f"/events/{event.id}/edit"
    data = _edit_data(event, needs=str(need.id))
    assert client.post_form(url, data, token_from=url).status_code == 302
    assert db.session.get(Need, need.id).status == NeedStatus.ADDRESSED


def test_hidden_needs_cannot_be_picked(client, db, login, organiser, make_need, event_form):
    hidden = make_need(title="Un besoin masqué", visibility=Visibility.HIDDEN)
    public = make_need(title="Un besoin public")
    login(organiser)
    form = client.get("/events/new").get_data(as_text=True)
    assert "Un besoin public" in form and "Un besoin masqué" not in form
    response = post_event(client, event_form(needs=str(hidden.id)))
    assert response.status_code == 422
    assert field_error(response, "needs") == (
        "Choisissez des besoins publiés sur le tableau des besoins.")
    assert count_events(db) == 0
    assert db.session.get(Need, hidden.id).status == NeedStatus.PUBLISHED
    for unknown in ("987654", "99999999999999999999"):
        response = post_event(client, event_form(needs=unknown))
        assert response.status_code == 422 and count_events(db) == 0
    assert post_event(client, event_form(needs=str(public.id))).status_code == 302


def test_a_draft_is_not_cancelled_into_public_view(client, db, login, organiser, make_event):
    draft = make_event(published=False, title="Brouillon abandonné")
    login(organiser)
    page = parse(client.get(f"/events/{draft.id}").get_data(as_text=True))
    assert page.find("form", action=f"/events/{draft.id}/cancel") is None
    client.post_form(f"/events/{draft.id}/cancel", token_from=f"/events/{draft.id}")
    assert "Seul un événement publié peut être annulé." in text_of(
        client.get(f"/events/{draft.id}"))
    assert db.session.get(Event, draft.id).status == EventStatus.DRAFT
    assert "Brouillon abandonné" not in text_of(client.get("/events?when=all"))
