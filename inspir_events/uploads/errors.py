"""The refusal an upload gets: a message for the person, next to the file's field."""

from __future__ import annotations

from inspir_events.domain import DomainError


class UploadRefused(DomainError):
    """A file that is not what it claims, too large or unreadable (422, on its field)."""
