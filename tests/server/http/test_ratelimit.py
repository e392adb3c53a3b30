"""Token bucket per client."""

from __future__ import annotations

from server.http.ratelimit import RateLimiter


def test_burst_is_allowed_then_refused() -> None:
    limiter = RateLimiter(rate=1.0, burst=3)
    results = [limiter.acquire("a", now=100.0) for _ in range(4)]
    assert results[:3] == [0, 0, 0]
    assert results[3] >= 1


def test_tokens_come_back_with_time() -> None:
    limiter = RateLimiter(rate=2.0, burst=1)
    assert limiter.acquire("a", now=10.0) == 0
    assert limiter.acquire("a", now=10.1) > 0
    assert limiter.acquire("a", now=10.6) == 0


def test_clients_have_separate_buckets() -> None:
    limiter = RateLimiter(rate=1.0, burst=1)
    assert (limiter.acquire("a", now=1.0), limiter.acquire("b", now=1.0)) == (0, 0)


def test_retry_after_is_the_wait_for_one_token() -> None:
    limiter = RateLimiter(rate=0.25, burst=1)
    limiter.acquire("a", now=0.0)
    assert limiter.acquire("a", now=0.0) == 4


def test_zero_rate_disables() -> None:
    limiter = RateLimiter(rate=0, burst=1)
    assert not limiter.enabled
    assert all(limiter.acquire("a", now=0.0) == 0 for _ in range(100))
