"""ResponseCache: LRU order, byte budget, oversize entries, gzip variant."""

from __future__ import annotations

import gzip

from server.sparql.cache import CachedResponse, ResponseCache


def _entry(size: int, compressible: bool = False) -> CachedResponse:
    return CachedResponse("200 OK", [], b"x" * size, '"tag"', compressible)


def test_get_returns_what_was_put() -> None:
    cache = ResponseCache(10_000)
    entry = _entry(10)
    cache.put("k", entry)
    assert cache.get("k") is entry


def test_missing_key_counts_a_miss() -> None:
    cache = ResponseCache(10_000)
    assert cache.get("absent") is None
    assert (cache.hits, cache.misses) == (0, 1)


def test_least_recently_used_is_evicted_first() -> None:
    cache = ResponseCache(8 * 612)  # room for eight 100-byte entries with their overhead
    for key in "abcdefgh":
        cache.put(key, _entry(100))
    cache.get("a")
    cache.put("i", _entry(100))
    assert (cache.get("a") is not None, cache.get("b"), cache.get("i") is not None) == (
        True,
        None,
        True,
    )


def test_budget_is_never_exceeded() -> None:
    cache = ResponseCache(5_000)
    for i in range(50):
        cache.put(i, _entry(100))
    assert cache.bytes <= 5_000


def test_entry_larger_than_an_eighth_of_the_budget_is_not_kept() -> None:
    cache = ResponseCache(8_000)
    cache.put("big", _entry(2_000))
    assert cache.get("big") is None


def test_replacing_a_key_does_not_leak_budget() -> None:
    cache = ResponseCache(10_000)
    cache.put("k", _entry(100))
    before = cache.bytes
    cache.put("k", _entry(100))
    assert cache.bytes == before


def test_zero_budget_disables() -> None:
    assert not ResponseCache(0).enabled


def test_gzipped_body_decompresses_to_the_body() -> None:
    entry = _entry(5_000, compressible=True)
    assert gzip.decompress(entry.gzipped()) == entry.body
