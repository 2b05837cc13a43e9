"""iCalendar output (RFC 5545) with the ``icalendar`` library.

Stable UIDs, DTSTAMP at the event's last change (so an unchanged feed has an
unchanged body and ETag), times in Europe/Paris with its VTIMEZONE, SEQUENCE
raised at each change, and STATUS:CANCELLED for cancelled events, which stay in
the feeds so calendars learn of the cancellation.

A feed is built from pieces serialised once and kept: each VEVENT's bytes, keyed by
everything that goes into it (so a changed event, URL or domain is a new key, never a
stale entry), and the Europe/Paris VTIMEZONE, which ``add_missing_timezones`` would
otherwise regenerate (1970-2038) for every calendar. The body is byte for byte the one
``Calendar.add_missing_timezones().to_ical()`` gives, at a fraction of the cost (see
bench/README.md).
"""

from __future__ import annotations

from datetime import UTC
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from inspir_events import markdown
from inspir_events.events.rules import EventStatus

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//INS'pir Events//Hauts-de-France//FR"
END = b"END:VCALENDAR\r\n"
# Serialised VEVENTs kept (per process): a feed holds at most 1000 events.
VEVENT_CACHE_SIZE = 2048


def domain(config) -> str:
    """The domain of the events' UIDs (``SERVER_NAME``, else a fixed name): the same in
    the feeds and in the files e-mailed, so a calendar updates the event it has."""
    return config.get("SERVER_NAME") or "inspir-events"


def uid(event, domain: str) -> str:
    return f"event-{event.id}@{domain}"


def _paris(moment):
    return moment.replace(tzinfo=UTC).astimezone(PARIS)


def _fields(event, url: str, domain: str) -> tuple:
    """Everything a VEVENT is made of: its cache key."""
    return (uid(event, domain), event.updated_at, event.created_at, event.starts_at,
            event.ends_at, event.title, event.description, event.venue_name,
            event.venue_address, event.venue_commune, url, event.sequence,
            event.status == EventStatus.CANCELLED)


def _build(fields: tuple) -> VEvent:
    (uid_, updated_at, created_at, starts_at, ends_at, title, description, venue_name,
     venue_address, venue_commune, url, sequence, cancelled) = fields
    item = VEvent()
    item.add("uid", uid_)
    item.add("dtstamp", updated_at.replace(tzinfo=UTC))
    item.add("last-modified", updated_at.replace(tzinfo=UTC))
    item.add("created", created_at.replace(tzinfo=UTC))
    item.add("dtstart", _paris(starts_at))
    item.add("dtend", _paris(ends_at))
    item.add("summary", title)
    item.add("description", markdown.to_text(description, limit=4000) + f"\n\n{url}")
    item.add("location", ", ".join(p for p in (venue_name, venue_address, venue_commune) if p))
    item.add("url", url)
    item.add("sequence", sequence)
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


@lru_cache(maxsize=VEVENT_CACHE_SIZE)
def _vevent_ical(fields: tuple) -> bytes:
    return _build(fields).to_ical()


@lru_cache(maxsize=4)
def _vtimezone_ical(tzid: str) -> bytes:
    """The VTIMEZONE ``add_missing_timezones`` adds for ``tzid`` (same default range)."""
    return Timezone.from_tzid(tzid).to_ical()


def calendar(events, name: str, url_for_event, domain: str) -> bytes:
    """A VCALENDAR of ``events`` with the Europe/Paris VTIMEZONE (when there is an event)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    head = cal.to_ical()
    parts = [head.removesuffix(END)]
    for event in events:
        if len(parts) == 1:  # every VEVENT's times are in Europe/Paris: one VTIMEZONE first
            parts.append(_vtimezone_ical(PARIS.key))
        parts.append(_vevent_ical(_fields(event, url_for_event(event), domain)))
    parts.append(END)
    return b"".join(parts)
