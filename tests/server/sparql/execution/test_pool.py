"""Query processes of one release: answers, the time limit that kills and replaces, memory."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.release import current_target
from server.sparql.evaluation import Job
from server.sparql.execution.pool import Died, Expired, ProcessPool

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def job(query: str) -> Job:
    return Job(query, (), (), "json", "turtle", 1000, 10**7)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


@pytest.fixture
def pool(built_out: Path) -> Iterator[ProcessPool]:
    p = ProcessPool(current_target(built_out), 2, 10**6, 0)
    yield p
    p.close()


def test_answers_a_query_and_names_its_release(pool: ProcessPool, built_out: Path) -> None:
    outcome = pool.run(job("ASK { ?s ?p ?o }"), 5)
    assert (outcome.kind, outcome.body) == ("ok", b'{"head":{},"boolean":true}')
    assert outcome.build_id == current_target(built_out).name


def test_runaway_query_is_stopped_at_the_limit(pool: ProcessPool) -> None:
    started = time.monotonic()
    with pytest.raises(Expired):
        pool.run(job(RUNAWAY), 1.0)
    assert time.monotonic() - started < 5  # the limit is 1 s; a runaway alone never ends


def test_process_of_a_runaway_query_is_killed_and_replaced(pool: ProcessPool) -> None:
    before = set(pool.pids)
    with pytest.raises(Expired):
        pool.run(job(RUNAWAY), 1.0)
    after = set(pool.pids)
    (killed,) = before - after
    assert (len(after), len(after - before), alive(killed)) == (2, 1, False)


def test_pool_keeps_answering_after_a_timeout(pool: ProcessPool) -> None:
    with pytest.raises(Expired):
        pool.run(job(RUNAWAY), 1.0)
    assert all(pool.run(job("ASK {}"), 5).kind == "ok" for _ in range(4))


def test_query_over_the_memory_limit_kills_only_its_process(built_out: Path) -> None:
    pool = ProcessPool(current_target(built_out), 1, 10**6, memory_mb=1500)
    try:
        before = pool.pids
        greedy = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
        # The deadline only bounds the test: the query dies of its memory limit long before
        # on a quiet machine, and a loaded one must not turn that into an expiry.
        with pytest.raises(Died):
            pool.run(job(greedy), 120)
        assert (pool.pids != before, pool.run(job("ASK {}"), 5).kind) == (True, "ok")
    finally:
        pool.close()


def test_healthy_pool_has_no_problems(pool: ProcessPool) -> None:
    assert pool.problems(5, 10) == []


def test_a_dead_process_is_a_problem(pool: ProcessPool) -> None:
    pool.await_ready()
    os.kill(pool.pids[0], 9)
    time.sleep(0.2)
    assert any("exited" in p or "did not answer" in p for p in pool.problems(2, 10))


def test_a_release_that_cannot_be_opened_stops_the_processes(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    pool = ProcessPool(tmp_path, 1, 0, 0)
    try:
        with pytest.raises(Died):
            pool.await_ready()
    finally:
        pool.close()


def test_closed_pool_kills_its_processes(built_out: Path) -> None:
    pool = ProcessPool(current_target(built_out), 2, 0, 0)
    pool.run(job("ASK {}"), 5)
    pids = pool.pids
    pool.close()
    assert not any(alive(pid) for pid in pids)


def test_isolated_processes_leave_the_network(built_out: Path) -> None:
    pool = ProcessPool(current_target(built_out), 1, 0, 0, isolated=True)
    try:
        pool.await_ready()
        outcome = pool.run(
            job("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"), 5
        )
        assert outcome.kind == "error"
        assert pool._idle[0].isolated
    finally:
        pool.close()
