"""Token bucket per client, shared by every HTTP worker through one file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from server.http.ratelimit import SLOTS, RateLimiter
from tests.server.support import LiveServer


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


def test_buckets_in_one_file_are_shared_between_limiters(tmp_path: Path) -> None:
    first = RateLimiter(rate=0.01, burst=2, path=tmp_path / "table")
    second = RateLimiter(rate=0.01, burst=2, path=tmp_path / "table")  # another worker
    answers = [
        first.acquire("a", now=5.0),
        second.acquire("a", now=5.0),
        first.acquire("a", now=5.0),
    ]
    assert (answers[:2], answers[2] > 0) == ([0, 0], True)
    first.close()
    second.close()


def test_a_full_table_reuses_the_oldest_bucket(tmp_path: Path) -> None:
    limiter = RateLimiter(rate=1.0, burst=1)
    for i in range(SLOTS + 100):
        limiter.acquire(f"client-{i}", now=float(i))
    assert limiter.acquire("newcomer", now=float(SLOTS + 100)) == 0


def test_the_limit_holds_across_every_http_worker(
    start_server: Callable[..., LiveServer], built_out: Path
) -> None:
    server = start_server(
        built_out, "--workers", "2", "--rate-limit-per-s", "0.01", "--rate-limit-burst", "6"
    )
    statuses = [server.get(f"/sparql?query=ASK%7B%7D%23{i}")[0] for i in range(12)]
    assert statuses == [200] * 6 + [429] * 6  # each request on a new connection, any worker
