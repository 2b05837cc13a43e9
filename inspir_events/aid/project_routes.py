"""The maturation pipeline: projects, proposals, the committee's moves and grants."""

from inspir_events.aid import bp  # noqa: F401
