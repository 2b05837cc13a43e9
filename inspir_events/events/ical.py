"""iCalendar output (RFC 5545) with the ``icalendar`` library.

Stable UIDs (``event-<id>@<the platform's public host>``), DTSTAMP at the event's last
change (so an unchanged feed has an unchanged body and ETag), times in Europe/Paris with
its VTIMEZONE, SEQUENCE raised at each change, and STATUS:CANCELLED for cancelled events,
which stay in the feeds so calendars learn of the cancellation.

The VTIMEZONE is written as Google and Outlook write it (issue 18, section 2): one
DAYLIGHT and one STANDARD rule, each a yearly RRULE (last Sunday of March at 02:00 to
UTC+2, last Sunday of October at 03:00 to UTC+1), valid for every year. icalendar's
own (``Timezone.from_tzid``) lists every change from 1970 to 2038 as RDATEs, which
ical.js (Thunderbird) reads only the first of: every summer event was an hour late
there, and no client had rules after 2038.

A feed is built from pieces serialised once and kept: each VEVENT's bytes, keyed by
everything that goes into it (so a changed event, URL or domain is a new key, never a
stale entry), and the VTIMEZONE (see bench/README.md).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar import Event as VEvent

from inspir_events import markdown
from inspir_events.events.rules import EventStatus

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//INS'pir Events//Hauts-de-France//FR"
END = b"END:VCALENDAR\r\n"
# Serialised VEVENTs kept (per process): a feed holds at most 1000 events.
VEVENT_CACHE_SIZE = 2048


def domain(config) -> str:
    """The domain of the events' UIDs (``UID_DOMAIN``: the platform's public host, set by
    create_app): the same in the feeds and in the files e-mailed, so a calendar updates
    the event it already has."""
    return config["UID_DOMAIN"]


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


def _rule(kind, name: str, start: datetime, month: int, offset_from: int, offset_to: int):
    rule = kind()
    rule.add("dtstart", start)
    rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
    rule.add("tzname", name)
    rule.add("tzoffsetfrom", timedelta(hours=offset_from))
    rule.add("tzoffsetto", timedelta(hours=offset_to))
    return rule


@lru_cache(maxsize=1)
def paris_vtimezone() -> bytes:
    """Europe/Paris as two yearly rules (the EU's since 1996: the last Sunday of March at
    02:00 local, UTC+1 -> UTC+2; the last Sunday of October at 03:00 local, back to UTC+1)."""
    zone = Timezone()
    zone.add("tzid", PARIS.key)  # no X- property: strict readers (dateutil) refuse them
    zone.add_component(_rule(TimezoneDaylight, "CEST", datetime(1970, 3, 29, 2, 0), 3, 1, 2))
    zone.add_component(_rule(TimezoneStandard, "CET", datetime(1970, 10, 25, 3, 0), 10, 2, 1))
    return zone.to_ical()


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
            parts.append(paris_vtimezone())
        parts.append(_vevent_ical(_fields(event, url_for_event(event), domain)))
    parts.append(END)
    return b"".join(parts)
