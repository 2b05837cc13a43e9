"""Coalescing tallies for the live broadcast (no Flask, no SQLAlchemy).

A vote is stored at once, but the room's tally is broadcast on a timer, a few
times a second at most, and only when it changed: one broadcast per tick, not
one per vote (fan-out would otherwise cost votes x clients). The version of a
round's tally is the id of its latest vote: it only grows, and every server
process computes the same one from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TICK_SECONDS = 0.2


@dataclass
class Broadcaster:
    """Remembers the last version sent per round; says which rounds to send again."""

    sent: dict[int, int] = field(default_factory=dict)

    def changed(self, versions: dict[int, int]) -> list[int]:
        """Rounds whose version moved since the last broadcast (and records it)."""
        moved = [r for r, v in sorted(versions.items()) if self.sent.get(r, -1) != v]
        for round_id in moved:
            self.sent[round_id] = versions[round_id]
        for gone in set(self.sent) - set(versions):
            del self.sent[gone]
        return moved


@dataclass
class RateLimiter:
    """A per-user token bucket: ``rate`` votes a second, bursts up to ``burst``."""

    rate: float = 5.0
    burst: float = 5.0
    buckets: dict[int, tuple[float, float]] = field(default_factory=dict)

    def allow(self, user_id: int, now: float) -> bool:
        tokens, last = self.buckets.get(user_id, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self.buckets[user_id] = (tokens, now)
            return False
        self.buckets[user_id] = (tokens - 1, now)
        return True
