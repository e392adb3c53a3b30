"""Per-client rate limit: a token bucket for each client address.

Each client may make ``burst`` requests at once and then ``rate`` per second.
A request that finds the bucket empty is refused with 429 and a
``Retry-After`` saying when a token will be there. Buckets live in the memory of
one HTTP worker process, so a client spread over several workers (several
connections) may get up to ``workers`` times the rate; the limit is a guard
against floods, not an accounting tool.
"""

from __future__ import annotations

import math
import threading
import time

__all__ = ["RateLimiter"]

_PRUNE_AT = 10_000


class RateLimiter:
    """Token buckets keyed by client; ``rate <= 0`` disables the limit."""

    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(max(1, burst))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    def acquire(self, client: str, now: float | None = None) -> int:
        """Take a token for ``client``: 0 if allowed, else the seconds to wait (at least 1)."""
        if self._rate <= 0:
            return 0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, stamp = self._buckets.get(client, (self._burst, now))
            tokens = min(self._burst, tokens + (now - stamp) * self._rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                if len(self._buckets) > _PRUNE_AT:
                    self._prune(now)
                return 0
            self._buckets[client] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self._rate))

    def _prune(self, now: float) -> None:
        full_after = self._burst / self._rate
        stale = [k for k, (_, stamp) in self._buckets.items() if now - stamp > full_after]
        for key in stale:
            del self._buckets[key]
