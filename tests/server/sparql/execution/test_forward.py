"""The server fronting a remote engine: failures in the error shape, caps, SERVICE, health."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from flask import Flask

from server.release import ReleaseError
from tests.engines import Engine, publish_to, start_oxigraph
from tests.server.support import LiveServer, build_id_within, switch_current, write_release

JSON = {"Accept": "application/json"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Every triple with every triple with every triple: far more than any time limit allows.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def own_engine(tmp_path: Path, built_out: Path) -> Iterator[Engine]:
    """An Oxigraph server of this test's own, holding the release; it stops queries at 5 s."""
    engine = start_oxigraph(tmp_path, "--timeout-s", "5")
    publish_to(engine, built_out)
    yield engine
    engine.stop()


@pytest.fixture
def front(make_app: Callable[..., Flask], oxigraph_server: Engine) -> Callable[..., Flask]:
    return lambda **settings: make_app(sparql_endpoint=oxigraph_server.query, **settings)


def _error(response) -> dict[str, object]:  # type: ignore[no-untyped-def]
    body: dict[str, object] = json.loads(response.data)
    assert set(body) == {"ok", "status", "error", "message"}
    return body


def test_an_engine_that_went_away_is_502_in_the_error_shape(
    make_app: Callable[..., Flask], own_engine: Engine
) -> None:
    client = make_app(sparql_endpoint=own_engine.query).test_client()
    own_engine.stop()
    response = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
    assert response.status_code == 502
    assert "cannot be reached" in str(_error(response)["message"])


def test_pages_of_an_engine_that_went_away_are_502_too(
    make_app: Callable[..., Flask], own_engine: Engine
) -> None:
    client = make_app(sparql_endpoint=own_engine.query, cache_bytes=0).test_client()
    own_engine.stop()
    assert client.get("/zone/2015/110102", headers={"Accept": "text/turtle"}).status_code == 502


def test_an_engine_slower_than_the_time_limit_is_504(
    make_app: Callable[..., Flask], own_engine: Engine
) -> None:
    client = make_app(sparql_endpoint=own_engine.query, query_timeout_s=1).test_client()
    response = client.get("/sparql", query_string={"query": ENDLESS}, headers=JSON)
    assert response.status_code == 504
    assert "within 1 s" in str(_error(response)["message"])


def test_health_says_when_the_engine_does_not_answer(
    make_app: Callable[..., Flask], own_engine: Engine
) -> None:
    client = make_app(sparql_endpoint=own_engine.query).test_client()
    assert client.get("/health").status_code == 200
    own_engine.stop()
    response = client.get("/health")
    assert response.status_code == 503
    problem = json.loads(response.data)["problems"][0]
    assert "does not answer" in problem
    assert own_engine.query not in problem  # the engine's address is not for the public


def test_an_engine_without_the_release_is_refused_at_start(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    empty = start_oxigraph(tmp_path)
    try:
        with pytest.raises(ReleaseError, match=r"holds no release .*cgkg publish"):
            make_app(sparql_endpoint=empty.query)
    finally:
        empty.stop()


def test_row_cap_applies_to_forwarded_queries(front: Callable[..., Flask]) -> None:
    client = front(max_result_rows=5).test_client()
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 6"
    response = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert response.status_code == 422
    assert client.get("/sparql", query_string={"query": query[:-1] + "5"}).status_code == 200


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP port on 127.0.0.1 that records whatever connects to it."""
    received: list[bytes] = []
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                received.append(connection.recv(4096))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", received
    stop.set()
    thread.join()
    server.close()


def test_service_is_refused_before_anything_is_forwarded(
    front: Callable[..., Flask], listener: tuple[str, list[bytes]]
) -> None:
    url, received = listener
    query = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    response = front().test_client().get("/sparql", query_string={"query": query}, headers=JSON)
    assert response.status_code == 403
    assert received == []


def test_updates_are_refused_and_the_engine_keeps_its_data(
    front: Callable[..., Flask], oxigraph_server: Engine
) -> None:
    client = front(cache_bytes=0).test_client()
    before = client.get("/sparql", query_string={"query": COUNT}, headers=JSON).data
    update = "INSERT DATA { GRAPH <https://w3id.org/cgkg/graph/notice> { <a:b> <a:c> <a:d> } }"
    response = client.get("/sparql", query_string={"query": update}, headers=JSON)
    assert response.status_code == 403
    assert client.get("/sparql", query_string={"query": COUNT}, headers=JSON).data == before


def _label_quads(tag: str, count: int) -> list[ox.Quad]:
    graph = ox.NamedNode("https://w3id.org/cgkg/graph/notice")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    return [
        ox.Quad(ox.NamedNode(f"https://w3id.org/cgkg/thing/{n}"), label, ox.Literal(tag), graph)
        for n in range(count)
    ]


def test_a_running_front_switches_once_the_engine_holds_the_new_release(
    start_server: Callable[..., LiveServer], tmp_path: Path
) -> None:
    engine = start_oxigraph(tmp_path)
    try:
        out = write_release(tmp_path / "out", _label_quads("a", 3), "aaaaaaaaaaaaaaaa")
        publish_to(engine, out)
        flags = ("--workers", "1", "--release-check-s", "0.2", "--cache-bytes", "0")
        server = start_server(out, *flags, "--sparql-endpoint", engine.query)
        switch_current(out, "bbbbbbbbbbbbbbbb", _label_quads("b", 5), tmp_path / "scratch")
        assert build_id_within(server, "bbbbbbbbbbbbbbbb", 2) == "aaaaaaaaaaaaaaaa"
        publish_to(engine, out)
        assert build_id_within(server, "bbbbbbbbbbbbbbbb", 20) == "bbbbbbbbbbbbbbbb"
        query = "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        status, body = server.get(query, {"Accept": "text/csv"})
        assert (status, body.split()[-1]) == (200, b"5")
    finally:
        engine.stop()
