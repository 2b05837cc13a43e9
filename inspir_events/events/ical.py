"""iCalendar output (RFC 5545) with the ``icalendar`` library.

Stable UIDs, DTSTAMP at the event's last change (so an unchanged feed has an
unchanged body and ETag), times in Europe/Paris with its VTIMEZONE, SEQUENCE
raised at each change, and STATUS:CANCELLED for cancelled events, which stay in
the feeds so calendars learn of the cancellation.
"""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as VEvent

from inspir_events import markdown
from inspir_events.events.rules import EventStatus

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//INS'pir Events//Hauts-de-France//FR"


def uid(event, domain: str) -> str:
    return f"event-{event.id}@{domain}"


def _paris(moment):
    return moment.replace(tzinfo=UTC).astimezone(PARIS)


def vevent(event, url: str, domain: str) -> VEvent:
    item = VEvent()
    item.add("uid", uid(event, domain))
    item.add("dtstamp", event.updated_at.replace(tzinfo=UTC))
    item.add("last-modified", event.updated_at.replace(tzinfo=UTC))
    item.add("created", event.created_at.replace(tzinfo=UTC))
    item.add("dtstart", _paris(event.starts_at))
    item.add("dtend", _paris(event.ends_at))
    item.add("summary", event.title)
    item.add("description", markdown.to_text(event.description, limit=4000) + f"\n\n{url}")
    item.add("location", ", ".join(p for p in (event.venue_name, event.venue_address,
                                               event.venue_commune) if p))
    item.add("url", url)
    item.add("sequence", event.sequence)
    item.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    return item


def calendar(events, name: str, url_for_event, domain: str) -> bytes:
    """A VCALENDAR of ``events`` with the Europe/Paris VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    for event in events:
        cal.add_component(vevent(event, url_for_event(event), domain))
    cal.add_missing_timezones()
    return cal.to_ical()
