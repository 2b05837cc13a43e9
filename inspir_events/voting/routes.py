"""Voting pages (ideas, rounds, results): thin views."""

from inspir_events.voting import bp  # noqa: F401
