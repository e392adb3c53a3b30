"""The broker: the engine behind a Unix socket, shared by HTTP workers through BrokerClient."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from server.errors import KGError
from server.release import Lease
from server.settings import ServerSettings
from server.sparql.evaluation import Job
from server.sparql.execution.broker import BrokerClient, BrokerServer
from server.sparql.execution.engine import QueryEngine

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def job(query: str) -> Job:
    return Job(query, (), (), "json", "turtle", 1000, 10**7)


@pytest.fixture
def client(socket_path: Path) -> Iterator[BrokerClient]:
    c = BrokerClient(socket_path, 10)
    yield c
    c.close()


@pytest.fixture
def socket_path(server_settings: ServerSettings, built_out: Path, tmp_path: Path) -> Iterator[Path]:
    # These tests are about connections, not the queue: a query waits as long as a loaded
    # machine needs for the two query processes to answer all of them.
    settings = replace(server_settings, query_timeout_s=1.0, queue_timeout_s=60.0)
    engine = QueryEngine(settings, Lease.current(built_out))
    path = tmp_path / "engine.sock"
    server = BrokerServer(path, engine)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield path
    server.shutdown()
    server.server_close()
    engine.close()


def test_a_query_is_answered_through_the_socket(client: BrokerClient) -> None:
    assert client.execute("a", job("ASK {}")).body == b'{"head":{},"boolean":true}'


def test_the_engines_errors_reach_the_http_worker_with_status_and_retry(
    client: BrokerClient,
) -> None:
    with pytest.raises(KGError) as refused:
        client.execute("a", job(RUNAWAY))
    assert (refused.value.status, refused.value.headers.get("Retry-After")) == (503, "1")


def test_each_thread_has_its_own_connection(client: BrokerClient) -> None:
    answers: list[str] = []
    threads = [
        threading.Thread(target=lambda: answers.append(client.execute("a", job("ASK {}")).kind))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["ok"] * 4


def test_health_and_statistics_come_from_the_engine(client: BrokerClient) -> None:
    assert (client.problems(), client.stats()["processes"]["size"]) == ([], 2)


def test_a_missing_broker_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    client = BrokerClient(tmp_path / "nothing.sock", 1)
    assert client.problems() == ["The query engine of this server is not answering."]
    client.close()


def test_a_burst_of_new_connections_is_accepted(client: BrokerClient) -> None:
    start = threading.Barrier(64)
    answers: list[str] = []

    def ask(i: int) -> None:
        start.wait()
        answers.append(client.execute(f"client-{i}", job("ASK {}")).kind)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["ok"] * 64
