"""Check-in at the door (issue 17 §5): the ticket's signed token and QR code, its page on
an organiser's phone with one button, every refusal with its reason, the search by name,
and pages that work without JavaScript."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from inspir_events.accounts import tokens
from inspir_events.accounts.models import Role
from inspir_events.audit.models import AuditEntry
from inspir_events.events import participation, tickets
from inspir_events.events.models import Registration
from inspir_events.events.rules import Attendance
from tests.events.conftest import text_of
from tests.events.qr import decode
from tests.pages import parse


@pytest.fixture
def door(app, db, make_user, make_event, organiser, login):
    """An event with Nadia confirmed and Paul waitlisted; the organiser's phone signed in."""
    event = make_event(title="Hackathon des mobilités", capacity=1)
    nadia = make_user("nadia@example.org", display_name="Nadia Benali")
    paul = make_user("paul@example.org", display_name="Paul Martin")
    participation.register(nadia, event.id)
    participation.register(paul, event.id)
    phone = app.test_client()
    login(organiser, on=phone)

    def registration(user) -> Registration:
        return db.session.scalar(select(Registration).where(
            Registration.user_id == user.id, Registration.event_id == event.id))

    return {"event": event, "nadia": nadia, "paul": paul, "phone": phone,
            "registration": registration}


def ticket_path(registration) -> str:
    return urlsplit(tickets.check_in_url(registration)).path


def test_a_ticket_names_its_registration_and_nothing_else(app, db, door):
    registration = door["registration"](door["nadia"])
    token = tickets.token_for(registration)
    assert tickets.read(token) == tickets.Ticket(registration.id, registration.event_id)
    assert "nadia" not in token.lower()
    payload = tokens.read(tickets.SALT, token, timedelta(days=1))
    assert payload == {"r": registration.id, "e": registration.event_id}
    assert tickets.read(token[:-2] + "xx") is None  # altered
    assert tickets.read(tokens.sign(tokens.VERIFY, {"r": 1, "e": 1})) is None  # another use
    app.config["TICKET_MAX_AGE"] = timedelta(seconds=-1)
    assert tickets.read(token) is None  # too old


def test_the_qr_code_holds_the_check_in_address(db, door):
    registration = door["registration"](door["nadia"])
    url = decode(tickets.png_for(registration))
    assert url.startswith(f"http://localhost/events/{registration.event_id}/check-in/")
    assert tickets.read(url.rsplit("/", 1)[1]).registration_id == registration.id


def test_one_tap_marks_the_person_present_once(db, door, organiser):
    registration = door["registration"](door["nadia"])
    path, phone = ticket_path(registration), door["phone"]
    page = phone.get(path)
    assert page.status_code == 200
    assert "Nadia Benali" in text_of(page) and "Marquer présent·e" in text_of(page)
    response = phone.post_form(path, token_from=path)
    assert response.status_code == 303
    assert "est marqué·e présent·e" in text_of(phone.get(response.headers["Location"]))
    db.session.refresh(registration)
    first = registration.checked_in_at
    assert first is not None and registration.attendance == Attendance.PRESENT
    again = phone.post_form(path, token_from="/")  # a second tap: nothing changes
    assert again.status_code == 303
    db.session.refresh(registration)
    assert registration.checked_in_at == first
    entries = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "registration.check_in")))
    assert [(e.actor_id, e.object_id) for e in entries] == [(organiser.id, str(registration.id))]
    assert "Marquer présent·e" not in text_of(phone.get(path))  # present: no button left


def refusal(response) -> str:
    return text_of(response)


def test_a_ticket_of_another_event_is_refused(db, door, make_event, organiser):
    other = make_event(title="Atelier de Beauvais")
    registration = door["registration"](door["nadia"])
    token = tickets.token_for(registration)
    # The address names the other event (which the organiser also organises).
    response = door["phone"].get(f"/events/{other.id}/check-in/{token}")
    assert response.status_code == 409
    assert "Ce billet est pour un autre événement" in refusal(response)
    assert "Hackathon des mobilités" in refusal(response)
    post = door["phone"].post_form(f"/events/{other.id}/check-in/{token}")
    assert post.status_code == 409
    db.session.refresh(registration)
    assert registration.checked_in_at is None


def test_someone_who_does_not_organise_the_event_is_refused_with_the_reason(
        app, db, door, make_user, login):
    stranger = make_user("autre@example.org", roles=(Role.ORGANISER,))
    phone = app.test_client()
    login(stranger, on=phone)
    path = ticket_path(door["registration"](door["nadia"]))
    for response in (phone.get(path), phone.post_form(path)):
        assert response.status_code == 403
        assert ("Seuls les organisateurs de «\u00a0Hackathon des mobilités\u00a0»"
                in refusal(response))
    assert door["registration"](door["nadia"]).checked_in_at is None
    assert app.test_client().get(path).status_code == 302  # signed out: to the log-in


def test_a_cancelled_or_waitlisted_registration_is_refused(db, door):
    nadia_path = ticket_path(door["registration"](door["nadia"]))
    paul_path = ticket_path(door["registration"](door["paul"]))
    waiting = door["phone"].get(paul_path)
    assert waiting.status_code == 409 and "liste d'attente" in refusal(waiting)
    participation.unregister(door["nadia"], door["event"].id)
    cancelled = door["phone"].get(nadia_path)
    assert cancelled.status_code == 409
    assert "L'inscription de Nadia Benali a été annulée" in refusal(cancelled)
    assert door["phone"].post_form(nadia_path).status_code == 409


def test_a_forged_ticket_is_refused(door):
    path = ticket_path(door["registration"](door["nadia"]))
    for forged in (path[:-3] + "abc", f"/events/{door['event'].id}/check-in/x"):
        response = door["phone"].get(forged)
        assert response.status_code == 422
        assert "Ce billet n'est pas valable" in refusal(response)


def test_the_check_in_page_finds_people_by_name_and_works_without_javascript(db, door,
                                                                            make_user):
    event, phone = door["event"], door["phone"]
    search = f"/events/{event.id}/check-in"
    everyone = phone.get(search)
    assert everyone.status_code == 200 and "Nadia Benali" in text_of(everyone)
    assert "Paul Martin" not in text_of(everyone)  # waitlisted: not expected at the door
    assert "Nadia" not in text_of(phone.get(search + "?q=martin"))
    page = phone.get(search + "?q=BENA")
    tree = parse(page.get_data(as_text=True))
    (form,) = [f for f in tree.find_all("form") if f.get("method") == "get"
               and f.get("action") == search]
    assert form.find("input", name="q").get("value") == "BENA"
    assert "Nadia Benali" in text_of(page)
    for wildcard in ("%25", "_"):  # no wildcard: nobody is named "%" or "_"
        assert "Nadia Benali" not in text_of(phone.get(f"{search}?q={wildcard}"))
    # The button is a plain form: posting its fields marks Nadia present, back to the list.
    (button_form,) = [f for f in tree.find_all("form") if f.get("method") == "post"
                      and f.get("action", "").startswith(search + "/")]
    fields = {i.get("name"): i.get("value") for i in button_form.find_all("input")}
    assert set(fields) == {"csrf_token", "next"}
    response = phone.post(button_form.get("action"), data=fields)
    assert response.status_code == 303 and response.headers["Location"] == fields["next"]
    assert door["registration"](door["nadia"]).checked_in_at is not None
    assert "Présent·e depuis" in text_of(phone.get(fields["next"]))


def test_each_person_sees_their_ticket(app, db, door, login):
    event = door["event"]
    nadia = app.test_client()
    login(door["nadia"], on=nadia)
    image = nadia.get(f"/events/{event.id}/ticket.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert tickets.read(decode(image.data).rsplit("/", 1)[1]).registration_id == \
        door["registration"](door["nadia"]).id
    for page in (f"/events/{event.id}", "/events/mine"):
        assert f'src="/events/{event.id}/ticket.png"' in nadia.get(page).get_data(as_text=True)
    paul = app.test_client()
    login(door["paul"], on=paul)
    assert paul.get(f"/events/{event.id}/ticket.png").status_code == 404  # waitlisted
    assert "ticket.png" not in paul.get(f"/events/{event.id}").get_data(as_text=True)
