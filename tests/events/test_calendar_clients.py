"""The calendars read right in every client (issue 18, section 2).

The feeds are read by independent parsers, each interpreting the feed's own VTIMEZONE (not
its own copy of the time zone database):

- **ical.js** under node (tests/js: the engine of Thunderbird's calendar), the feed's
  VTIMEZONEs registered as Thunderbird does; it used to read only the first value of each
  RDATE list, so every summer event was an hour late (2027-07-01 09:00 Paris as 08:00Z);
- **python-dateutil**'s ``tzical``, which builds a time zone from the VTIMEZONE's rules;
- **icalendar** building a time zone from the VTIMEZONE (``to_tz(lookup_tzid=False)``).

Each reads a winter and a summer event, both days of the clock change (before and after
the change), and events after 2038 (the old RDATE lists stopped there) as the UTC instants
stored. Without node or its ical.js (``npm ci`` in tests/js, done by ``make install-test``)
the ical.js test is skipped locally and fails under CI=true.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz as dateutil_tz
from icalendar import Calendar

from inspir_events.timeutil import utcnow
from tests.conftest import service_missing

JS = Path(__file__).resolve().parents[1] / "js"
PARIS = ZoneInfo("Europe/Paris")
DTSTART = re.compile(r"^DTSTART;TZID=Europe/Paris:(\d{8}T\d{6})\r?$", re.MULTILINE)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def cases() -> dict[str, tuple[datetime, datetime]]:
    """Summary -> (Paris wall-clock time, the UTC instant it is)."""
    year = utcnow().year + 1
    spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
    local = {
        "Hiver": datetime(year, 1, 15, 9, 0),
        "Été": datetime(year, 7, 1, 9, 0),
        "Printemps, avant le changement": datetime.combine(spring, datetime.min.time())
        .replace(hour=1, minute=30),
        "Printemps, après le changement": datetime.combine(spring, datetime.min.time())
        .replace(hour=3, minute=30),
        "Automne, avant le changement": datetime.combine(autumn, datetime.min.time())
        .replace(hour=1, minute=30),
        "Automne, après le changement": datetime.combine(autumn, datetime.min.time())
        .replace(hour=3, minute=30),
        "Été 2041": datetime(2041, 7, 1, 9, 0),
        "Hiver 2041": datetime(2041, 12, 1, 9, 0),
        "Printemps 2041, après le changement": datetime(2041, 3, 31, 3, 30),
    }
    return {summary: (wall, wall.replace(tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None))
            for summary, wall in local.items()}


def test_the_cases_are_what_the_clock_says():
    """The expected instants, by hand: summer is UTC+2, winter UTC+1, after 2038 too."""
    found = cases()
    year = utcnow().year + 1
    assert found["Été"][1] == datetime(year, 7, 1, 7, 0)
    assert found["Hiver"][1] == datetime(year, 1, 15, 8, 0)
    assert found["Été 2041"][1] == datetime(2041, 7, 1, 7, 0)  # the example, after 2038
    assert found["Hiver 2041"][1] == datetime(2041, 12, 1, 8, 0)
    spring = found["Printemps, avant le changement"][0].date()
    assert spring.weekday() == 6 and spring.month == 3 and (spring + timedelta(7)).month == 4
    assert found["Printemps, après le changement"][1] - found[
        "Printemps, avant le changement"][1] == timedelta(hours=1)  # 02:00 -> 03:00
    assert found["Automne, après le changement"][1] - found[
        "Automne, avant le changement"][1] == timedelta(hours=3)  # 03:00 -> 02:00


@pytest.fixture
def feed(client, make_event, tmp_path) -> tuple[bytes, dict[str, datetime], Path]:
    """The public feed holding one event per case, and its file."""
    expected = {}
    for summary, (_wall, instant) in cases().items():
        make_event(title=summary, starts_at=instant, ends_at=instant + timedelta(hours=2))
        expected[summary] = instant
    response = client.get("/events.ics")
    assert response.status_code == 200
    body = response.get_data()
    path = tmp_path / "inspir-events.ics"
    path.write_bytes(body)
    return body, expected, path


def vtimezone_text(body: bytes) -> str:
    text = body.decode()
    (block,) = re.findall(r"BEGIN:VTIMEZONE\r?\n.*?END:VTIMEZONE", text, re.DOTALL)
    return block


def test_the_vtimezone_is_two_yearly_rules(feed):
    body, _expected, _path = feed
    block = vtimezone_text(body)
    assert "RDATE" not in block
    assert block.count("BEGIN:STANDARD") == 1 and block.count("BEGIN:DAYLIGHT") == 1
    (vtimezone,) = Calendar.from_ical(body).walk("VTIMEZONE")
    rules = {sub.name: sub for sub in vtimezone.subcomponents}
    daylight, standard = rules["DAYLIGHT"], rules["STANDARD"]
    assert daylight["RRULE"] == {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYDAY": ["-1SU"]}
    assert standard["RRULE"] == {"FREQ": ["YEARLY"], "BYMONTH": [10], "BYDAY": ["-1SU"]}
    assert daylight.decoded("DTSTART").time() == datetime(1970, 1, 1, 2, 0).time()
    assert standard.decoded("DTSTART").time() == datetime(1970, 1, 1, 3, 0).time()
    assert (daylight.decoded("TZOFFSETFROM"), daylight.decoded("TZOFFSETTO")) == (
        timedelta(hours=1), timedelta(hours=2))
    assert (standard.decoded("TZOFFSETFROM"), standard.decoded("TZOFFSETTO")) == (
        timedelta(hours=2), timedelta(hours=1))
    assert len(body.split(b"BEGIN:VTIMEZONE")) == 2  # one, however many events


def local_starts(body: bytes) -> dict[str, datetime]:
    """Each VEVENT's DTSTART as written (Paris wall-clock), by summary."""
    found = {}
    for item in Calendar.from_ical(body).walk("VEVENT"):
        assert item["DTSTART"].params["TZID"] == "Europe/Paris"
        found[str(item["SUMMARY"])] = item.decoded("DTSTART").replace(tzinfo=None)
    return found


def test_the_feed_writes_paris_wall_clock_times(feed):
    body, _expected, _path = feed
    assert local_starts(body) == {s: wall for s, (wall, _utc) in cases().items()}


@pytest.mark.parametrize("parser", ["dateutil.tzical", "icalendar.to_tz"])
def test_python_parsers_read_the_vtimezone_right(feed, parser):
    body, expected, _path = feed
    if parser == "dateutil.tzical":
        zone = dateutil_tz.tzical(io.StringIO(vtimezone_text(body))).get("Europe/Paris")
    else:
        (vtimezone,) = Calendar.from_ical(body).walk("VTIMEZONE")
        zone = vtimezone.to_tz(lookup_tzid=False)  # from the rules, not the tz database
        assert not isinstance(zone, ZoneInfo)
    read = {summary: wall.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
            for summary, wall in local_starts(body).items()}
    assert read == expected


def node_reader() -> list[str]:
    node = shutil.which("node")
    if node is None:
        service_missing("node (for ical.js)", "not on PATH")
    if not (JS / "node_modules" / "ical.js").is_dir():
        service_missing("ical.js", f"not installed: run `npm ci` in {JS}")
    return [node, str(JS / "read_ics.mjs")]


def read_with_icaljs(*paths: Path) -> dict[str, list[dict]]:
    result = subprocess.run([*node_reader(), *map(str, paths)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def as_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def test_icaljs_reads_every_case_right(feed):
    _body, expected, path = feed
    (events,) = read_with_icaljs(path).values()
    assert {e["tzid"] for e in events} == {"Europe/Paris"}
    read = {e["summary"]: as_utc(e["start"]) for e in events}
    assert read == expected
    for event in events:  # two hours long, across a clock change too
        assert as_utc(event["end"]) - as_utc(event["start"]) == timedelta(hours=2)


def test_icaljs_reads_one_events_file_and_the_uid(client, make_event, tmp_path):
    instant = datetime(2041, 7, 1, 7, 0)  # 09:00 in Paris
    event = make_event(title="Atelier 2041", starts_at=instant,
                       ends_at=instant + timedelta(hours=3))
    path = tmp_path / "one.ics"
    path.write_bytes(client.get(f"/events/{event.id}.ics").get_data())
    ((item,),) = read_with_icaljs(path).values()
    assert item["start"] == "2041-07-01T07:00:00Z" and item["local_start"] == "2041-07-01T09:00:00"
    assert item["uid"] == f"event-{event.id}@inspir-events"
    assert item["status"] == "CONFIRMED" and item["sequence"] == 0
