"""Views of the stats feature."""

from inspir_events.stats import bp  # noqa: F401
