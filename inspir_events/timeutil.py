"""Time helpers. Datetimes are stored as naive UTC; pages show them in Europe/Paris."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    """The current time as a naive UTC datetime (the storage convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def paris_to_utc(local: datetime) -> datetime:
    """A wall-clock time typed in Europe/Paris as naive UTC (the earlier instant when ambiguous)."""
    return local.replace(tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)


def utc_to_paris(moment: datetime) -> datetime:
    """A stored naive-UTC datetime as naive Europe/Paris wall-clock time (for form fields)."""
    return moment.replace(tzinfo=UTC).astimezone(PARIS).replace(tzinfo=None)


def iso_utc(moment: datetime | None) -> str | None:
    """A stored naive-UTC datetime as ISO 8601 UTC with "Z" (seconds precision), as the
    API, the open data and the feeds write it."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")
