"""Views of the api feature."""

from inspir_events.api import bp  # noqa: F401
