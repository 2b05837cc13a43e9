"""iCalendar output, parsed back with ``icalendar``: one event, the public and private feeds."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from inspir_events.events import participation, services
from inspir_events.events.models import CalendarFeed, Event
from inspir_events.events.rules import EventKind
from inspir_events.timeutil import utcnow
from tests.events.conftest import soon, text_of

DESCRIPTION = "Un **atelier** pour imaginer des navettes.\n\n- Abbeville\n- Amiens"


def calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.get_data())


def vevents(cal: Calendar) -> dict[str, object]:
    return {str(item["summary"]): item for item in cal.walk("VEVENT")}


def utc(value) -> object:
    """An aware datetime as the naive UTC storage convention."""
    return value.astimezone(UTC).replace(tzinfo=None)


def edit(organiser, event: Event, **changes) -> Event:
    values = {
        "title": event.title, "kind": event.kind, "description": event.description,
        "starts_at": event.starts_at, "ends_at": event.ends_at, "venue_name": event.venue_name,
        "venue_address": event.venue_address, "venue_commune": event.venue_commune,
        "department_code": event.department_code, "run_by": event.run_by,
        "capacity": event.capacity,
    }
    values.update(changes)
    return services.update(organiser, event.id, services.EventInput(**values))


def test_one_event_and_every_field(client, db, make_event):
    event = make_event(title="Atelier navettes", description=DESCRIPTION,
                       venue_name="Tiers-lieu La Briqueterie", venue_address="3 rue des Prés",
                       venue_commune="Abbeville")
    response = client.get(f"/events/{event.id}.ics")
    assert f'filename="inspir-event-{event.id}.ics"' in response.headers["Content-Disposition"]
    cal = calendar(response)
    assert str(cal["version"]) == "2.0" and "INS'pir" in str(cal["prodid"])
    (timezone,) = cal.walk("VTIMEZONE")
    assert str(timezone["tzid"]) == "Europe/Paris"
    (item,) = cal.walk("VEVENT")
    assert str(item["uid"]) == f"event-{event.id}@inspir-events"
    assert str(item["summary"]) == "Atelier navettes"
    for name, stored in (("dtstart", event.starts_at), ("dtend", event.ends_at)):
        assert item[name].params["TZID"] == "Europe/Paris"
        assert utc(item.decoded(name)) == stored
        assert item.decoded(name).utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert item.decoded("dtstamp").utcoffset() == timedelta(0)
    assert utc(item.decoded("dtstamp")) == event.updated_at.replace(microsecond=0)
    assert str(item["location"]) == "Tiers-lieu La Briqueterie, 3 rue des Prés, Abbeville"
    assert str(item["url"]) == f"http://localhost/events/{event.id}"
    description = str(item["description"])
    assert description.startswith("Un atelier pour imaginer des navettes.")
    assert "**" not in description and description.endswith(f"/events/{event.id}")
    assert item.decoded("sequence") == 0
    assert str(item["status"]) == "CONFIRMED"


def test_summer_and_winter_times(client, db, make_event):
    year = utcnow().year + 1
    summer = make_event(title="Été", starts_at=datetime(year, 7, 14, 8, 0),
                        ends_at=datetime(year, 7, 14, 16, 0))
    winter = make_event(title="Hiver", starts_at=datetime(year, 1, 14, 9, 0),
                        ends_at=datetime(year, 1, 14, 17, 0))
    items = vevents(calendar(client.get("/events.ics")))
    assert items["Été"].decoded("dtstart").hour == 10  # Paris wall-clock time
    assert items["Hiver"].decoded("dtstart").hour == 10
    assert utc(items["Été"].decoded("dtstart")) == summer.starts_at
    assert utc(items["Hiver"].decoded("dtend")) == winter.ends_at


def test_uid_is_stable_and_sequence_rises_with_each_change(client, db, organiser, make_event):
    event = make_event(title="Atelier navettes")
    first = client.get(f"/events/{event.id}.ics")
    (item,) = calendar(first).walk("VEVENT")
    uid = str(item["uid"])
    assert str(calendar(client.get(f"/events/{event.id}.ics")).walk("VEVENT")[0]["uid"]) == uid
    edit(organiser, event, title="Atelier navettes (nouvelle salle)", venue_name="Salle B")
    (item,) = calendar(client.get(f"/events/{event.id}.ics")).walk("VEVENT")
    assert str(item["uid"]) == uid and item.decoded("sequence") == 1
    assert str(item["location"]).startswith("Salle B")
    edit(organiser, db.session.get(Event, event.id), starts_at=event.starts_at + timedelta(hours=1))
    (item,) = calendar(client.get(f"/events/{event.id}.ics")).walk("VEVENT")
    assert item.decoded("sequence") == 2
    assert utc(item.decoded("dtstart")) == event.starts_at
    services.cancel(organiser, event.id)
    (item,) = calendar(client.get(f"/events/{event.id}.ics")).walk("VEVENT")
    assert str(item["uid"]) == uid and item.decoded("sequence") == 3
    assert str(item["status"]) == "CANCELLED"
    # the UID is also the one in the public feed
    assert str(vevents(calendar(client.get("/events.ics")))[
        "Atelier navettes (nouvelle salle)"]["uid"]) == uid


def test_drafts_have_no_sequence_to_publish(client, db, organiser, make_event):
    event = make_event(published=False)
    edit(organiser, event, title="Titre revu avant publication")
    services.publish(organiser, event.id)
    (item,) = calendar(client.get(f"/events/{event.id}.ics")).walk("VEVENT")
    assert item.decoded("sequence") == 0


def test_etag_and_if_none_match(client, db, organiser, make_event):
    event = make_event()
    for url in (f"/events/{event.id}.ics", "/events.ics"):
        first = client.get(url)
        etag = first.headers["ETag"]
        assert etag and first.status_code == 200
        assert client.get(url).headers["ETag"] == etag  # unchanged: same body
        cached = client.get(url, headers={"If-None-Match": etag})
        assert cached.status_code == 304 and cached.get_data() == b""
    etags = {url: client.get(url).headers["ETag"]
             for url in (f"/events/{event.id}.ics", "/events.ics")}
    edit(organiser, event, title="Un titre changé")
    for url, old in etags.items():
        response = client.get(url, headers={"If-None-Match": old})
        assert response.status_code == 200
        assert response.headers["ETag"] != old
        assert "Un titre changé" in response.get_data(as_text=True)


def test_cancelled_events_stay_in_the_feed_as_cancelled(client, make_event):
    make_event(title="Atelier maintenu")
    make_event(title="Atelier annulé", cancelled=True)
    make_event(title="Atelier en brouillon", published=False)
    items = vevents(calendar(client.get("/events.ics")))
    assert set(items) == {"Atelier maintenu", "Atelier annulé"}
    assert str(items["Atelier annulé"]["status"]) == "CANCELLED"
    assert str(items["Atelier maintenu"]["status"]) == "CONFIRMED"


def test_the_public_feed_applies_the_listing_filters(client, make_event, make_user, organiser):
    make_event(title="Atelier à Amiens", kind=EventKind.WORKSHOP, theme_codes=["transports"])
    make_event(title="Rencontre à Laon", kind=EventKind.MEETING, department_code="02",
               theme_codes=["sante"])
    start = utcnow() - timedelta(days=10)
    make_event(title="Hackathon récent", starts_at=start, ends_at=start + timedelta(hours=5))
    start = utcnow() - timedelta(days=90)
    make_event(title="Hackathon ancien", starts_at=start, ends_at=start + timedelta(hours=5))
    assert set(vevents(calendar(client.get("/events.ics")))) == {
        "Atelier à Amiens", "Rencontre à Laon", "Hackathon récent"}
    for query, expected in (("department=02", {"Rencontre à Laon"}),
                            ("kind=atelier", {"Atelier à Amiens"}),
                            ("theme=transports", {"Atelier à Amiens"}),
                            ("labelled=1", set())):
        assert set(vevents(calendar(client.get(f"/events.ics?{query}")))) == expected, query


def test_an_unknown_event_calendar_is_not_found(client):
    assert client.get("/events/4242.ics").status_code == 404


# --- The private feed ---

ADDRESS_RE = re.compile(r'value="http://localhost/calendar/([^"/]+)\.ics"')


def make_address(client) -> str:
    """Make (or renew) the signed-in person's private address; its token, read from the one
    page that shows it."""
    response = client.post_form("/calendar/token", {"next": "/events/mine"},
                                token_from="/events/mine")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return ADDRESS_RE.search(response.get_data(as_text=True)).group(1)


@pytest.fixture
def subscriber(client, db, login, make_user):
    user = make_user(display_name="Alice")
    login(user)
    user.token = make_address(client)
    return user


def token_of(db, user) -> str | None:
    """The token the subscriber was shown, while their feed exists."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return getattr(user, "token", None) if feed else None


def test_the_private_feed_lists_my_events(app, client, db, subscriber, make_event, make_user):
    mine = make_event(title="Mon atelier", starts_at=soon(3))
    waiting = make_event(title="Mon atelier complet", capacity=1, starts_at=soon(4))
    cancelled = make_event(title="Mon atelier annulé", starts_at=soon(5))
    left = make_event(title="Atelier quitté")
    make_event(title="Atelier d’un autre")
    participation.register(make_user(), waiting.id)
    for event in (mine, waiting, cancelled, left):
        participation.register(subscriber, event.id)
    participation.unregister(subscriber, left.id)
    services.cancel(cancelled.created_by, cancelled.id)
    token = token_of(db, subscriber)
    assert len(token) >= 40
    # Only its hash is stored; the pages never show it again.
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == subscriber.id))
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    for page in ("/events/mine", "/profile"):
        assert token not in client.get(page).get_data(as_text=True), page
    # no session needed: calendar applications fetch it anonymously
    anonymous = app.test_client()
    items = vevents(calendar(anonymous.get(f"/calendar/{token}.ics")))
    assert list(items) == ["Mon atelier", "Mon atelier complet", "Mon atelier annulé"]
    assert str(items["Mon atelier annulé"]["status"]) == "CANCELLED"
    assert str(items["Mon atelier"]["uid"]) == f"event-{mine.id}@inspir-events"


def test_forged_tokens_are_not_found(client, db, subscriber):
    token = token_of(db, subscriber)
    for forged in ("x", token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), "a" * 43):
        assert client.get(f"/calendar/{forged}.ics").status_code == 404


def test_renewing_gives_a_new_address_and_the_old_one_stops(client, db, subscriber):
    old = token_of(db, subscriber)
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    new = make_address(client)
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_revoking_the_address(client, db, subscriber):
    token = token_of(db, subscriber)
    response = client.post_form("/calendar/token/revoke", token_from="/events/mine")
    assert response.status_code == 302
    assert "L’adresse de votre agenda privé ne fonctionne plus." in text_of(
        client.get("/events/mine"))
    assert token_of(db, subscriber) is None
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert "Créer mon adresse privée" in text_of(client.get("/events/mine"))


def test_tokens_are_managed_by_signed_in_people_with_the_form(app, client, db, login,
                                                              make_user):
    response = client.post_form("/calendar/token", token_from="/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert db.session.scalar(select(CalendarFeed)) is None
    signed_in = app.test_client()
    login(make_user(), on=signed_in)
    assert signed_in.post("/calendar/token").status_code == 400  # no CSRF token
    assert db.session.scalar(select(CalendarFeed)) is None


@pytest.mark.parametrize(("settings", "domain"), [
    ({"PUBLIC_URL": "https://inspir.hautsdefrance.fr"}, "inspir.hautsdefrance.fr"),
    ({}, "inspir-events"),  # development and tests: no public address
])
def test_uids_take_the_public_host(make_app, settings, domain):
    from inspir_events.events import ical

    application = make_app(**settings)
    assert application.config["UID_DOMAIN"] == domain

    class Stored:
        id = 7

    assert ical.uid(Stored(), application.config["UID_DOMAIN"]) == f"event-7@{domain}"
