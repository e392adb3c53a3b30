"""The query engine: client errors for time-outs and crashes, switching releases."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from server.errors import QueryTimeout, ServiceUnavailable
from server.release import Lease, current_target
from server.settings import ServerSettings
from server.sparql.evaluation import Job
from server.sparql.execution.engine import QueryEngine
from server.sparql.execution.pool import Died

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def job(query: str) -> Job:
    return Job(query, (), (), "json", "turtle", 1000, 10**7)


@pytest.fixture
def engine(server_settings: ServerSettings, built_out: Path) -> Iterator[QueryEngine]:
    settings = replace(server_settings, query_timeout_s=1.0, queue_timeout_s=0.3)
    e = QueryEngine(settings, Lease.current(built_out))
    yield e
    e.close()


def test_runaway_query_is_a_query_timeout(engine: QueryEngine) -> None:
    with pytest.raises(QueryTimeout, match="stopped after 1 s"):
        engine.execute("a", job(RUNAWAY))


def test_no_slot_in_time_is_503_with_retry_after(
    server_settings: ServerSettings, built_out: Path
) -> None:
    settings = replace(server_settings, query_processes=1, queue_timeout_s=0.2)
    engine = QueryEngine(settings, Lease.current(built_out))
    try:
        with engine._admission.slot("someone"), pytest.raises(ServiceUnavailable) as refused:
            engine.execute("other", job("ASK {}"))
        assert refused.value.headers["Retry-After"].isdigit()
    finally:
        engine.close()


def test_switch_serves_the_new_release(
    engine: QueryEngine, built_out: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "again"
    shutil.copytree(current_target(built_out), copy)
    old_pids = set(engine.pids)
    engine.switch(Lease(copy))
    assert (engine.release_dir, set(engine.pids) & old_pids) == (copy, set())
    assert engine.execute("a", job("ASK {}")).kind == "ok"


def test_a_release_its_processes_cannot_open_is_not_switched_to(
    engine: QueryEngine, tmp_path: Path
) -> None:
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    before = engine.release_dir
    with pytest.raises(Died):
        engine.switch(Lease(tmp_path))
    assert (engine.release_dir, engine.execute("a", job("ASK {}")).kind) == (before, "ok")
