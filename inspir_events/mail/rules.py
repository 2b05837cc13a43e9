"""Delivery rules as plain values (no Flask, no SQLAlchemy): a message's states, the
delay before a retry, when a failure is final, and which messages a person's preference
stops.

Issue 17 §1: SMTP errors are retried with a growing delay (doubled at each attempt, up
to a ceiling); after ``max_attempts`` attempts a message is *failed* and waits for an
admin. A server's permanent refusal (a 5xx reply: unknown mailbox, rejected content) is
final at once: sending it again would be refused again. Essential messages (confirming
an address, resetting a password) are always sent; any other kind stops when the person
chose "never" for it (RFC 8058 one-click unsubscribe, or their preferences).
"""

from __future__ import annotations

import enum


class MailStatus(enum.StrEnum):
    """Where a message is: waiting (or waiting again), claimed by a worker, sent, failed."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


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
