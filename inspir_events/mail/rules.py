"""Delivery rules as plain values (no Flask, no SQLAlchemy): a message's states, the
delay before a retry, when a failure is final, and which messages a person's preference
stops.

Issue 17 §1: SMTP errors are retried with a growing delay (doubled at each attempt, up
to a ceiling); after ``max_attempts`` attempts a message is *failed* and waits for an
admin. A server's permanent refusal (a 5xx reply: unknown mailbox, rejected content) is
final at once: sending it again would be refused again. Essential messages (confirming
an address, resetting a password) are always sent; any other kind stops when the person
chose "never" for it (RFC 8058 one-click unsubscribe, or their preferences), and is
*held* for the next daily digest when they chose "daily" (issue 17 §4), unless the kind
is itself a digest (the committee's weekly one): those go at once.
"""

from __future__ import annotations

import enum

# The daily digest's kind: it carries the messages held for it (mail/digest.py).
DIGEST = "digest.daily"


class MailStatus(enum.StrEnum):
    """Where a message is: waiting (or waiting again), claimed by a worker, sent, failed;
    or held for a daily digest, then digested."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"  # waits for the person's daily digest (never sent on its own)
    DIGESTED = "digested"  # told in a daily digest (the digest is a message of its own)


class MailMode(enum.StrEnum):
    """How a person receives one kind of message: at once, in a daily digest, never."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    NEVER = "never"


def retry_delay(attempts: int, first: float, ceiling: float) -> float:
    """Seconds before the next attempt, after ``attempts`` attempts failed: ``first``,
    then twice as long each time, never more than ``ceiling``."""
    if attempts < 1:
        return 0.0
    return min(ceiling, first * 2 ** min(attempts - 1, 32))


def is_permanent(smtp_code: int | None) -> bool:
    """A 5xx SMTP reply is a permanent refusal; 4xx and network errors are temporary."""
    return smtp_code is not None and 500 <= smtp_code < 600


def status_after_failure(attempts: int, max_attempts: int, permanent: bool) -> MailStatus:
    """A failed attempt leaves the message pending (to be retried) or, when it was the
    last allowed or the refusal is permanent, failed."""
    if permanent or attempts >= max_attempts:
        return MailStatus.FAILED
    return MailStatus.PENDING


def stopped(essential: bool, mode: MailMode | None) -> bool:
    """Whether a message of a kind is not written at all: only a non-essential kind the
    person set to "never"."""
    return not essential and mode == MailMode.NEVER


def held(essential: bool, mode: MailMode | None, digestible: bool = True) -> bool:
    """Whether a message waits for the person's daily digest instead of going at once: a
    kind they chose "daily" for, neither essential nor itself a digest."""
    return not essential and digestible and mode == MailMode.DAILY


def once_key(kind: str, period: str, user_id: int) -> str:
    """The key that makes a periodic message unique: one ``kind`` per person and
    ``period`` (a day "2026-03-02", an ISO week "2026-W10")."""
    return f"{kind}:{period}:{user_id}"
