"""ResponseCache: LRU order, byte budget, oversize entries, gzip variant."""

from __future__ import annotations

import gc
import gzip
import tracemalloc
from urllib.parse import urlencode

import pytest

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


def _charge(key: str, size: int) -> int:
    """What the cache charges for one entry of ``size`` bytes under ``key``."""
    cache = ResponseCache(1 << 20)
    cache.put(key, _entry(size))
    return cache.bytes


def test_least_recently_used_is_evicted_first() -> None:
    cache = ResponseCache(8 * _charge("a", 100))  # room for eight such entries
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


def _answer(n: int, body: bytes) -> CachedResponse:
    """An entry shaped like a query answer: its headers and validators its own."""
    headers = [
        ("Content-Type", "text/csv; charset=utf-8"),
        ("Cache-Control", "public, max-age=300"),
        ("Vary", "Accept, Accept-Encoding"),
        ("X-Result-Rows", str(n)),
        ("X-Query-Hash", f"{n:016x}"),
    ]
    return CachedResponse("200 OK", headers, body, f'"5c7f229881ba0da2-{n:020x}"', True)


@pytest.mark.parametrize("answer_bytes", [4, 2_000, 20_000])
def test_memory_held_stays_within_the_budget_when_queries_are_longer_than_answers(
    answer_bytes: int,
) -> None:
    """Unique queries of 2 KB filed, as the server files a GET, under the parsed query and
    under the raw query string: the cache holds no more memory than its budget, however
    short the answers. Counting bodies alone, 4-byte answers held 4.6 times the budget."""
    budget = 1 << 20
    query = "SELECT ?zone ?label WHERE { ?zone rdfs:label ?label } # " + "实验区" * 100
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cache = ResponseCache(budget)
        for n in range(1_500):
            text = f"{query} {n}"
            entry = _answer(n, bytes(answer_bytes))
            cache.put(("5c7f229881ba0da2", text, (), (), "csv", ""), entry)
            raw = ("5c7f229881ba0da2", "/sparql", urlencode({"query": text}), "text/csv", "")
            cache.put(raw, entry)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(cache) > 10  # the cache is in use, not refusing everything
    assert held <= budget
