"""Account rules as plain values (no Flask, no SQLAlchemy).

Passwords follow ASVS 2.1 / NIST SP 800-63B: at least 12 characters, at most
128, no composition rules.

Sessions (issue 10, ASVS 3.3.1 / 3.3.2): a server-side session lives while its last
activity is at most the idle timeout ago and it was opened at most the absolute lifetime
ago, however active ("remember me" included); both bounds are included. The periods are
settings (SESSION_IDLE_TIMEOUT, SESSION_ABSOLUTE_LIFETIME); the rule is here, once, for
the pages (``load_session``), the live vote's own transaction and the retention purge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
DISPLAY_NAME_MAX_LENGTH = 80
BIO_MAX_LENGTH = 500
EMAIL_MAX_LENGTH = 254

# A live session's last-seen time is written at most this often (one UPDATE a minute,
# not one per request).
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


def normalise_email(email: str) -> str:
    """The stored form of an address: trimmed and lower-cased (unique case-insensitively)."""
    return email.strip().lower()


@dataclass(frozen=True)
class SessionCutoffs:
    """The session rules at ``now``, as the instants a session's times are compared with
    (what a query needs: the same rule as :func:`session_alive`)."""

    alive_after: datetime  # last_seen_at >= alive_after: not idled out
    born_after: datetime  # created_at >= born_after: not past the absolute lifetime
    touch_before: datetime  # last_seen_at < touch_before: a live session is due to be touched

    @property
    def fresh_after(self) -> datetime:
        """last_seen_at >= fresh_after: not idled out and not due to be touched."""
        return max(self.alive_after, self.touch_before)


def session_cutoffs(now: datetime, idle: timedelta, absolute: timedelta) -> SessionCutoffs:
    """The session rules at ``now`` for an idle timeout and an absolute lifetime."""
    return SessionCutoffs(alive_after=now - idle, born_after=now - absolute,
                          touch_before=now - SESSION_TOUCH_INTERVAL)


def session_alive(created_at: datetime, last_seen_at: datetime, now: datetime,
                  idle: timedelta, absolute: timedelta) -> bool:
    """A session lives while it was last seen at most ``idle`` ago and opened at most
    ``absolute`` ago (both bounds included); otherwise it has ended and is deleted."""
    cutoffs = session_cutoffs(now, idle, absolute)
    return last_seen_at >= cutoffs.alive_after and created_at >= cutoffs.born_after


def session_touch_due(last_seen_at: datetime, now: datetime) -> bool:
    """A live session's last-seen time is written again once it is older than the
    touch interval (not at every request)."""
    return last_seen_at < now - SESSION_TOUCH_INTERVAL
