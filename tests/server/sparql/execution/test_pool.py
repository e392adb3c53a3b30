"""Query processes: answers, the time limit that kills and replaces, the bound on waiting."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.errors import QueryTimeout, ServiceUnavailable
from server.sparql.evaluation import Job
from server.query_pool import QueryPool

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def job(query: str) -> Job:
    return Job(query, (), (), "json", "turtle", 1000, 10**7)


@pytest.fixture
def pool(built_out: Path) -> Iterator[QueryPool]:
    p = QueryPool((built_out / "current").resolve(), 2, timeout_s=1.0, queue_timeout_s=0.3)
    yield p
    p.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_answers_a_query(pool: QueryPool) -> None:
    outcome = pool.execute(job("ASK { ?s ?p ?o }"))
    assert (outcome.kind, outcome.body) == ("ok", b'{"head":{},"boolean":true}')


def test_runaway_query_is_stopped_at_the_limit(pool: QueryPool) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="stopped after 1 s"):
        pool.execute(job(RUNAWAY))
    assert time.monotonic() - started < 3


def test_process_of_a_runaway_query_is_killed_and_replaced(pool: QueryPool) -> None:
    before = set(pool.pids)
    with pytest.raises(QueryTimeout):
        pool.execute(job(RUNAWAY))
    after = set(pool.pids)
    (killed,) = before - after
    assert (len(after), len(after - before), _alive(killed)) == (2, 1, False)


def test_pool_keeps_answering_after_a_timeout(pool: QueryPool) -> None:
    with pytest.raises(QueryTimeout):
        pool.execute(job(RUNAWAY))
    assert all(pool.execute(job("ASK {}")).kind == "ok" for _ in range(4))


def test_no_free_process_in_time_is_503_with_retry_after(pool: QueryPool) -> None:
    errors: list[BaseException] = []

    def occupy() -> None:
        try:
            pool.execute(job(RUNAWAY))
        except QueryTimeout as exc:
            errors.append(exc)

    threads = [threading.Thread(target=occupy) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    with pytest.raises(ServiceUnavailable) as refused:
        pool.execute(job("ASK {}"))
    for t in threads:
        t.join()
    assert refused.value.headers["Retry-After"].isdigit()
    assert pool.stats.rejected == 1


def test_query_over_the_memory_limit_is_503_and_its_process_replaced(built_out: Path) -> None:
    pool = QueryPool((built_out / "current").resolve(), 1, 20.0, 1.0, 10**6, memory_mb=1500)
    try:
        before = pool.pids
        greedy = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
        with pytest.raises(ServiceUnavailable, match="more memory"):
            pool.execute(job(greedy))
        assert (pool.pids != before, pool.execute(job("ASK {}")).kind) == (True, "ok")
    finally:
        pool.close()


def test_closed_pool_kills_its_processes(built_out: Path) -> None:
    pool = QueryPool((built_out / "current").resolve(), 2, timeout_s=5, queue_timeout_s=1)
    pool.execute(job("ASK {}"))
    pids = pool.pids
    pool.close()
    assert not any(_alive(pid) for pid in pids)
