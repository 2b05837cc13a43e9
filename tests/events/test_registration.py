"""Registering: capacity, waitlist, promotions, the window, the organisers' list and check-in."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role
from inspir_events.events import participation, services
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import Attendance, EventStatus, RegistrationStatus
from inspir_events.notifications.models import Notification
from inspir_events.timeutil import utcnow
from tests.events.conftest import paris_field, text_of
from tests.pages import parse

CONFIRMED, WAITLISTED, CANCELLED = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED,
                                    RegistrationStatus.CANCELLED)


def register(client, event_id):
    return client.post_form(f"/events/{event_id}/register", token_from=f"/events/{event_id}")


def unregister(client, event_id):
    return client.post_form(f"/events/{event_id}/unregister", token_from=f"/events/{event_id}")


def rows(db, event_id) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event_id)
                                   .order_by(Registration.position)))


def statuses(db, event_id) -> dict[int, RegistrationStatus]:
    return {r.user_id: r.status for r in rows(db, event_id)}


def assert_counter_matches(db, event_id):
    """The event's confirmed_count equals its confirmed rows, within its capacity."""
    event = db.session.get(Event, event_id)
    confirmed = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event_id, Registration.status == CONFIRMED))
    assert event.confirmed_count == confirmed
    assert event.capacity is None or confirmed <= event.capacity
    return confirmed


def notifications_of(db, user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


@pytest.fixture
def person(app, login, make_user):
    """``person(name)``: a signed-in citizen on a client of their own -> (user, client)."""

    def factory(name: str):
        user = make_user(display_name=name)
        browser = app.test_client()
        login(user, on=browser)
        return user, browser

    return factory


def test_register_then_the_waitlist_when_full(db, make_event, person):
    event = make_event(capacity=2)
    (alice, a), (bruno, b), (chloe, c), (dora, d) = (person(n) for n in (
        "Alice", "Bruno", "Chloé", "Dora"))
    page = parse(a.get(f"/events/{event.id}").get_data(as_text=True))
    assert "2 places restantes" in page.find("dl", class_="facts").text
    response = register(a, event.id)
    assert response.status_code == 302 and response.headers["Location"] == f"/events/{event.id}"
    page = text_of(a.get(f"/events/{event.id}"))
    assert "Vous êtes inscrit. À bientôt\u00a0!" in page and "1 place restante" in page
    register(b, event.id)
    register(c, event.id)
    page = text_of(c.get(f"/events/{event.id}"))
    assert "L’événement est complet\u00a0: vous êtes sur la liste d’attente." in page
    assert "Vous êtes sur la liste d’attente, en position 1." in page
    assert "0 place restante" in page
    # a full event offers the waitlist
    assert "Rejoindre la liste d’attente" in text_of(d.get(f"/events/{event.id}"))
    register(d, event.id)
    assert "en position 2." in text_of(d.get(f"/events/{event.id}"))
    assert statuses(db, event.id) == {alice.id: CONFIRMED, bruno.id: CONFIRMED,
                                      chloe.id: WAITLISTED, dora.id: WAITLISTED}
    assert [r.position for r in rows(db, event.id)] == [1, 2, 3, 4]
    assert assert_counter_matches(db, event.id) == 2


def test_registering_twice_keeps_one_registration(db, make_event, person):
    event = make_event(capacity=5)
    user, browser = person("Alice")
    register(browser, event.id)
    response = register(browser, event.id)
    assert response.status_code == 302
    assert "Vous êtes déjà inscrit à cet événement." in text_of(browser.get(f"/events/{event.id}"))
    assert len(rows(db, event.id)) == 1
    assert assert_counter_matches(db, event.id) == 1
    registration, created = participation.register(user, event.id)
    assert not created and registration.status == CONFIRMED
    assert assert_counter_matches(db, event.id) == 1


def test_cancelling_confirms_the_first_waitlisted_and_tells_them(db, make_event, person):
    event = make_event(capacity=1, title="Atelier santé")
    (alice, a), (bruno, b), (chloe, c) = (person(n) for n in ("Alice", "Bruno", "Chloé"))
    for browser in (a, b, c):
        register(browser, event.id)
    assert notifications_of(db, bruno) == []
    response = unregister(a, event.id)
    assert response.status_code == 302
    assert "Votre inscription est annulée." in text_of(a.get(f"/events/{event.id}"))
    assert statuses(db, event.id) == {alice.id: CANCELLED, bruno.id: CONFIRMED,
                                      chloe.id: WAITLISTED}
    assert assert_counter_matches(db, event.id) == 1
    (note,) = notifications_of(db, bruno)
    assert note.kind == "registration.promoted" and note.url == f"/events/{event.id}"
    assert notifications_of(db, chloe) == []
    centre = text_of(b.get("/notifications"))
    assert "Une place s’est libérée\u00a0: votre inscription à «\u00a0Atelier santé\u00a0» est " \
           "confirmée." in centre
    assert "Vous êtes sur la liste d’attente, en position 1." in text_of(
        c.get(f"/events/{event.id}"))
    # unregistering twice is refused with a message
    unregister(a, event.id)
    assert "Vous n’êtes pas inscrit à cet événement." in text_of(a.get(f"/events/{event.id}"))
    # coming back puts Alice at the end of the queue
    register(a, event.id)
    assert statuses(db, event.id)[alice.id] == WAITLISTED
    assert "en position 2." in text_of(a.get(f"/events/{event.id}"))
    assert len(rows(db, event.id)) == 3


def test_leaving_the_waitlist_confirms_nobody(db, make_event, make_user):
    event = make_event(capacity=1)
    first, second, third = (make_user() for _ in range(3))
    for user in (first, second, third):
        participation.register(user, event.id)
    participation.unregister(second, event.id)
    assert statuses(db, event.id) == {first.id: CONFIRMED, second.id: CANCELLED,
                                      third.id: WAITLISTED}
    assert notifications_of(db, third) == []


def test_capacity_is_never_exceeded_in_sequence(db, make_event, make_user):
    event = make_event(capacity=3)
    people = [make_user() for _ in range(8)]
    for i, user in enumerate(people):
        participation.register(user, event.id)
        assert assert_counter_matches(db, event.id) == min(i + 1, 3)
    for user in people[:5]:
        participation.unregister(user, event.id)
        assert assert_counter_matches(db, event.id) == 3
    confirmed = [r.user_id for r in rows(db, event.id) if r.status == CONFIRMED]
    assert confirmed == [u.id for u in people[5:]]


@pytest.mark.parametrize(("window", "message"), [
    ({"registration_opens_at": 1}, "Les inscriptions ne sont pas encore ouvertes."),
    ({"registration_closes_at": -1}, "Les inscriptions sont closes."),
])
def test_registration_is_refused_outside_its_window(db, make_event, person, window, message):
    when = {k: utcnow() + timedelta(days=days) for k, days in window.items()}
    if "registration_closes_at" in when:
        when["registration_opens_at"] = utcnow() - timedelta(days=5)
    event = make_event(**when)
    user, browser = person("Alice")
    page = text_of(browser.get(f"/events/{event.id}"))
    assert message in page
    assert parse(page).find("form", action=f"/events/{event.id}/register") is None
    response = register(browser, event.id)
    assert response.status_code == 303  # refused: back to the event
    assert message in text_of(browser.get(f"/events/{event.id}"))
    assert rows(db, event.id) == []
    with pytest.raises(services.EventConflict):
        participation.register(user, event.id)


def test_registration_closes_when_the_event_ends(db, make_event, make_user):
    start = utcnow() - timedelta(days=2)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=3))
    with pytest.raises(services.EventConflict) as refused:
        participation.register(make_user(), event.id)
    assert str(refused.value.message) == "Les inscriptions sont closes."
    assert rows(db, event.id) == []


def test_cancelled_events_and_drafts_take_no_registration(db, make_event, person):
    cancelled = make_event(cancelled=True)
    draft = make_event(published=False)
    user, browser = person("Alice")
    register(browser, cancelled.id)
    assert "Cet événement est annulé\u00a0: les inscriptions sont closes." in text_of(
        browser.get(f"/events/{cancelled.id}"))
    assert register(browser, draft.id).status_code == 404
    assert rows(db, cancelled.id) == [] and rows(db, draft.id) == []
    with pytest.raises(services.EventConflict):
        participation.register(user, cancelled.id)
    with pytest.raises(services.EventNotFound):
        participation.register(user, draft.id)


def test_visitors_are_asked_to_sign_in(client, db, make_event):
    event = make_event()
    page = parse(client.get(f"/events/{event.id}").get_data(as_text=True))
    assert page.find("a", href=f"/login?next=/events/{event.id}") is not None
    response = register(client, event.id)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert rows(db, event.id) == []


def test_cancelling_the_event_tells_registered_people_and_keeps_the_list(
        client, db, login, organiser, make_event, make_user):
    event = make_event(capacity=1, title="Rencontre à Laon")
    confirmed, waiting, gone = make_user(), make_user(), make_user()
    for user in (confirmed, waiting, gone):
        participation.register(user, event.id)
    participation.unregister(gone, event.id)  # leaves the waitlist: not told later
    before = {r.user_id: r.status for r in rows(db, event.id)}
    login(organiser)
    client.post_form(f"/events/{event.id}/cancel", token_from=f"/events/{event.id}")
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    for user in (confirmed, waiting):
        (note,) = [n for n in notifications_of(db, user) if n.kind == "event.cancelled"]
        assert note.params == {"event": "Rencontre à Laon"}
    assert [n.kind for n in notifications_of(db, gone)] == []
    assert statuses(db, event.id) == before
    listing = text_of(client.get(f"/events/{event.id}/registrations"))
    assert all(user.display_name in listing for user in (confirmed, waiting))


def test_raising_the_capacity_confirms_waitlisted_people(client, db, login, organiser,
                                                         make_event, make_user):
    event = make_event(capacity=1)
    people = [make_user() for _ in range(4)]
    for user in people:
        participation.register(user, event.id)
    login(organiser)
    url = f"/events/{event.id}/edit"
    data = {
        "title": event.title, "kind": event.kind.value, "description": event.description,
        "starts_at": paris_field(event.starts_at), "ends_at": paris_field(event.ends_at),
        "venue_name": event.venue_name, "venue_address": event.venue_address,
        "venue_commune": event.venue_commune, "department": event.department_code,
        "capacity": "3", "run_by": event.run_by.value,
    }
    assert client.post_form(url, data, token_from=url).status_code == 302
    assert [statuses(db, event.id)[u.id] for u in people] == [
        CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    assert assert_counter_matches(db, event.id) == 3
    assert [len(notifications_of(db, u)) for u in people] == [0, 1, 1, 0]
    # removing the limit confirms everybody
    data["capacity"] = ""
    assert client.post_form(url, data, token_from=url).status_code == 302
    assert set(statuses(db, event.id).values()) == {CONFIRMED}
    assert assert_counter_matches(db, event.id) == 4


def test_lowering_the_capacity_below_the_confirmed_is_refused(db, organiser, make_event,
                                                              make_user):
    event = make_event(capacity=5)
    for _ in range(3):
        participation.register(make_user(), event.id)
    data = services.EventInput(
        title=event.title, kind=event.kind, description=event.description,
        starts_at=event.starts_at, ends_at=event.ends_at, venue_name=event.venue_name,
        venue_address=event.venue_address, venue_commune=event.venue_commune,
        department_code=event.department_code, run_by=event.run_by, capacity=2)
    with pytest.raises(services.EventError) as refused:
        services.update(organiser, event.id, data)
    assert refused.value.field == "capacity"
    data.capacity = 3
    services.update(organiser, event.id, data)
    assert db.session.get(Event, event.id).capacity == 3


# --- The organisers' list, CSV and check-in ---

@pytest.fixture
def crowd(db, make_event, make_user):
    """A full event (capacity 2) with two confirmed people and one waitlisted."""
    event = make_event(capacity=2, title="Hackathon santé")
    people = [make_user("formule@example.org", display_name="=HYPERLINK(\"http://x\")"),
              make_user("bruno@example.org", display_name="Bruno"),
              make_user("chloe@example.org", display_name="Chloé")]
    for user in people:
        participation.register(user, event.id)
    return event, people


def test_organisers_see_the_list(client, login, organiser, crowd):
    event, people = crowd
    login(organiser)
    response = client.get(f"/events/{event.id}/registrations")
    assert response.status_code == 200
    doc = parse(response.get_data(as_text=True))
    table_rows = doc.find("table").find("tbody").find_all("tr")
    assert [r.find("th").text for r in table_rows] == [p.display_name for p in people]
    assert [r.find_all("td")[1].text for r in table_rows] == [
        "Confirmé", "Confirmé", "En liste d’attente"]
    # check-in forms for the confirmed only
    assert [r.find("select") is not None for r in table_rows] == [True, True, False]


def test_the_csv_export(client, login, organiser, crowd):
    event, people = crowd
    login(organiser)
    response = client.get(f"/events/{event.id}/registrations.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["email"] for r in lines] == [p.email for p in people]
    assert lines[0]["name"] == "'=HYPERLINK(\"http://x\")"  # no formula for spreadsheets
    assert [r["status"] for r in lines] == ["confirmed", "confirmed", "waitlisted"]
    assert [r["position"] for r in lines] == ["1", "2", "3"]
    assert all(r["registered_at"].endswith("Z") for r in lines)


def test_checking_people_in(client, db, login, organiser, crowd):
    event, (first, second, waiting) = crowd
    login(organiser)
    regs = {r.user_id: r for r in rows(db, event.id)}
    url = f"/events/{event.id}/registrations"
    for user, value in ((first, "present"), (second, "absent")):
        response = client.post_form(f"{url}/{regs[user.id].id}/attendance",
                                    {"attendance": value}, token_from=url)
        assert response.status_code == 302 and response.headers["Location"] == url
    fresh = {r.user_id: r for r in rows(db, event.id)}
    assert fresh[first.id].attendance == Attendance.PRESENT
    assert fresh[first.id].checked_in_at is not None
    assert fresh[second.id].attendance == Attendance.ABSENT
    assert fresh[second.id].checked_in_at is None
    doc = parse(client.get(url).get_data(as_text=True))
    assert doc.find("select", id=f"attendance-{regs[first.id].id}").find(
        "option", value="present").attrs.keys() >= {"selected"}
    csv_text = client.get(f"{url}.csv").get_data(as_text=True)
    assert '"present"' in csv_text and '"absent"' in csv_text
    # a waitlisted person is not checked in; clearing a mark works
    client.post_form(f"{url}/{regs[waiting.id].id}/attendance", {"attendance": "present"},
                     token_from=url)
    assert "Seuls les participants confirmés sont pointés." in text_of(client.get(url))
    assert db.session.get(Registration, regs[waiting.id].id).attendance is None
    client.post_form(f"{url}/{regs[first.id].id}/attendance", {"attendance": ""},
                     token_from=url)
    assert db.session.get(Registration, regs[first.id].id).attendance is None


def test_others_cannot_see_the_list_nor_check_in(app, db, login, make_user, crowd):
    event, (first, *_) = crowd
    registration = rows(db, event.id)[0]
    url = f"/events/{event.id}/registrations"
    for who in (first, make_user(roles=(Role.ORGANISER,)), make_user(roles=(Role.ADMIN,))):
        browser = app.test_client()
        login(who, on=browser)
        assert browser.get(url).status_code == 403
        assert browser.get(f"{url}.csv").status_code == 403
        response = browser.post_form(f"{url}/{registration.id}/attendance",
                                     {"attendance": "present"}, token_from=f"/events/{event.id}")
        assert response.status_code == 403
    assert db.session.get(Registration, registration.id).attendance is None
    visitor = app.test_client()
    assert visitor.get(url).status_code == 302


def test_check_in_of_another_events_registration_is_not_found(client, db, login, organiser,
                                                              make_event, make_user, crowd):
    event, _ = crowd
    other = make_event()
    participation.register(make_user(), other.id)
    foreign = rows(db, other.id)[0]
    login(organiser)
    response = client.post_form(f"/events/{event.id}/registrations/{foreign.id}/attendance",
                                {"attendance": "present"},
                                token_from=f"/events/{event.id}/registrations")
    assert response.status_code == 404


def test_my_events_lists_my_registrations(client, db, login, make_event, make_user):
    confirmed = make_event(title="Atelier confirmé", capacity=1)
    full = make_event(title="Atelier complet", capacity=1)
    left = make_event(title="Atelier quitté")
    participation.register(make_user(), full.id)
    me = make_user()
    for event in (confirmed, full, left):
        participation.register(me, event.id)
    participation.unregister(me, left.id)
    login(me)
    page = parse(client.get("/events/mine").get_data(as_text=True))
    items = [li.text for li in page.by_id("registered-title").parent.find_all("li")]
    assert len(items) == 2
    assert "Atelier confirmé" in items[0] and "Confirmé" in items[0]
    assert "Atelier complet" in items[1] and "En liste d’attente" in items[1]


def test_the_list_shows_confirmed_then_waitlisted_then_cancelled(client, db, login, organiser,
                                                                 make_event, make_user):
    event = make_event(capacity=1)
    gone = make_user(display_name="Agathe")
    confirmed = make_user(display_name="Bruno")
    waiting = make_user(display_name="Chloé")
    participation.register(gone, event.id)      # 1: confirmed, then leaves
    participation.register(confirmed, event.id)  # 2: waitlisted, then promoted
    participation.register(waiting, event.id)    # 3: waitlisted
    participation.unregister(gone, event.id)
    login(organiser)
    doc = parse(client.get(f"/events/{event.id}/registrations").get_data(as_text=True))
    table_rows = doc.find("table").find("tbody").find_all("tr")
    assert [(r.find("th").text, r.find_all("td")[1].text) for r in table_rows] == [
        ("Bruno", "Confirmé"), ("Chloé", "En liste d’attente"), ("Agathe", "Annulé")]
    lines = list(csv.DictReader(io.StringIO(
        client.get(f"/events/{event.id}/registrations.csv").get_data(as_text=True))))
    assert [r["status"] for r in lines] == ["confirmed", "waitlisted", "cancelled"]
