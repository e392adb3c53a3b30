"""scripts/soak.py: it samples the server it started, part by part, and warms up until
every HTTP worker's result cache is full (docs/reliability.md, "Soak")."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from scripts.soak import Memory, roles_rss_kb
from tests.server.support import launch


def test_memory_is_sampled_for_each_part_of_the_server_it_started_and_no_other(
    built_out: Path, tmp_path: Path
) -> None:
    """Another server runs beside it, with brokers and query processes of its own."""
    flags = ("--rate-limit-per-s", "0", "--no-access-log")
    sampled = launch(built_out, tmp_path, "--workers", "2", "--query-processes", "2", *flags)
    try:
        other = launch(built_out, tmp_path, "--workers", "1", "--query-processes", "3", *flags)
        try:
            by_role, by_pid = roles_rss_kb(sampled.process.pid)
        finally:
            other.stop()
    finally:
        sampled.stop()
    parts = Counter(role for role, _ in by_pid.values())
    assert parts == Counter(front=1, http_workers=2, broker=1, query_processes=2)
    assert all(by_role[role] > 0 for role in parts)


def test_the_warm_up_waits_for_every_workers_cache_to_be_full() -> None:
    memory = Memory(workers={101, 102}, cache_budget=8_000)
    memory.cache_bytes = {101: 7_990, 102: 6_999}
    assert not memory.caches_full()
    memory.cache_bytes[102] = 7_000  # within an eighth of the budget: it has evicted
    assert memory.caches_full()
