"""The error every use case raises when it refuses (no Flask, no SQLAlchemy)."""

from __future__ import annotations


class DomainError(Exception):
    """A use case refused.

    ``message`` is what the user reads (a translatable string), ``field`` the form
    field at fault (None: the whole form), ``status`` the HTTP answer a page gives
    (422 by default: refused input, like a form's own field errors). Each feature
    derives its own errors from it (NeedError, EventError, TeamError...).
    """

    status = 422

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
