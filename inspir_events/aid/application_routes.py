"""Co-funding applications: the organiser's form and the committee's queue."""

from inspir_events.aid import bp  # noqa: F401
