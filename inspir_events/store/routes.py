"""Views of the store feature."""

from inspir_events.store import bp  # noqa: F401
