"""With some SERVICE endpoints allowed, a query process reaches those and nothing else.

These tests give the query processes queries directly, past the SERVICE check of the HTTP
side: what stops a call here is the network the process is left with, nothing else.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.release import current_target
from server.sparql.evaluation import Job, Outcome
from server.sparql.execution.egress import Route, plan
from server.sparql.execution.pool import ProcessPool
from tests.server.listener import Listener
from tests.server.support import free_port, write_release


def service(endpoint: str, silent: bool = False) -> Job:
    keyword = "SERVICE SILENT" if silent else "SERVICE"
    return Job(
        f"SELECT ?x WHERE {{ {keyword} <{endpoint}> {{ ?x ?p ?o }} }}",
        (),
        (),
        "json",
        "",
        100,
        10**6,
    )


def values(outcome: Outcome) -> list[str]:
    assert outcome.kind == "ok", outcome.message
    return [b["x"]["value"] for b in json.loads(outcome.body)["results"]["bindings"] if b]


@pytest.fixture(scope="module")
def allowed() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def other() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def redirecting(other: Listener) -> Iterator[Listener]:
    listener = Listener(redirect_to=other.url)
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def pool(
    tmp_path_factory: pytest.TempPathFactory, allowed: Listener, redirecting: Listener
) -> Iterator[ProcessPool]:
    out = write_release(tmp_path_factory.mktemp("egress"), [])
    by_name = f"http://localhost:{allowed.port}/by-name"
    endpoints = (allowed.url, by_name, redirecting.url)
    p = ProcessPool(current_target(out), 1, 0, 0, isolated=True, allowed=endpoints)
    p.await_ready()
    yield p
    p.close()


def test_the_allowed_endpoint_answers(pool: ProcessPool, allowed: Listener) -> None:
    before = allowed.connections
    assert values(pool.run(service(allowed.url), 10)) == ["from-listener"]
    assert allowed.connections == before + 1


def test_an_endpoint_allowed_by_host_name_answers(pool: ProcessPool, allowed: Listener) -> None:
    assert values(pool.run(service(f"http://localhost:{allowed.port}/by-name"), 10)) == [
        "from-listener"
    ]


def test_the_other_listener_sees_no_connection(pool: ProcessPool, other: Listener) -> None:
    for endpoint in (other.url, other.url.replace("127.0.0.1", "localhost")):
        assert pool.run(service(endpoint), 10).kind == "error"
    time.sleep(0.3)
    assert other.connections == 0


def test_a_redirect_from_an_allowed_endpoint_reaches_nothing_else(
    pool: ProcessPool, redirecting: Listener, other: Listener
) -> None:
    pool.run(service(redirecting.url, silent=True), 10)
    time.sleep(0.3)
    assert (redirecting.connections >= 1, other.connections) == (True, 0)


def test_an_allowed_endpoint_that_is_down_fails_as_a_call(pool: ProcessPool) -> None:
    down = f"http://127.0.0.1:{free_port()}/sparql"
    p = pool  # the down endpoint is not routed either: refused inside, like any other address
    assert p.run(service(down), 10).kind == "error"


def test_the_query_process_is_in_a_network_of_its_own(pool: ProcessPool) -> None:
    pid = pool.pids[0]
    assert Path(f"/proc/{pid}/ns/net").readlink() != Path("/proc/self/ns/net").readlink()


def test_plan_routes_loopback_literals_as_they_are_and_names_through_127_77() -> None:
    routes = plan(
        (
            "http://127.0.0.1:8890/sparql",
            "https://query.example.org/sparql",
            "http://[::1]:7/q",
            "http://query.example.org/other",
            "ftp://x/y",
        )
    )
    assert routes == [
        Route("127.0.0.1", 8890, "127.0.0.1"),
        Route("query.example.org", 443, "127.77.0.1"),
        Route("::1", 7, "::1"),
        Route("query.example.org", 80, "127.77.0.1"),
    ]


def test_plan_leaves_out_an_ip_literal_that_is_not_loopback() -> None:
    assert plan(("http://192.0.2.1/sparql",)) == []
