// Reads iCalendar files with ical.js, as Thunderbird does: the calendar's VTIMEZONEs are
// registered, then each VEVENT's start and end are converted to UTC.
// Usage: node read_ics.mjs FILE...  Prints one JSON object: {file: [event, ...]}.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function utc(time) {
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString();  // 2027-07-01T07:00:00Z
}

function read(path) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  }
  return calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
      local_start: event.startDate.toString(),
      start: utc(event.startDate),
      end: utc(event.endDate),
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
    };
  });
}

const out = {};
for (const path of process.argv.slice(2)) {
  out[path] = read(path);
}
process.stdout.write(JSON.stringify(out));
