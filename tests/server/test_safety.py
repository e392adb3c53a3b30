"""Safety, against the production server: runaway queries stopped while others are served,
SERVICE allow-list."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.server.listener import Listener
from tests.server.support import LiveServer, free_port

OTHERS = [f"127.0.0.{i}" for i in range(2, 10)]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def query_path(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def query_processes(server: LiveServer) -> set[int]:
    """Pids of the query processes under this server's process tree (from /proc)."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (
                (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            )
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])

    def descends(pid: int) -> bool:
        while pid > 1:
            if pid == server.process.pid:
                return True
            pid = parents.get(pid, 0)
        return False

    return {
        pid
        for pid, cmd in commands.items()
        if "server.sparql.execution.worker" in cmd and descends(pid)
    }


@pytest.fixture(scope="module")
def guarded(start_server: Callable[..., LiveServer], built_out: Path) -> LiveServer:
    """One HTTP worker with three query processes and a 1.5 s time limit."""
    return start_server(
        built_out,
        "--workers",
        "1",
        "--query-processes",
        "3",
        "--query-timeout-s",
        "1.5",
        "--queue-timeout-s",
        "5",
        "--rate-limit-per-s",
        "0",
    )


def test_runaway_query_is_stopped_while_20_cheap_queries_succeed(guarded: LiveServer) -> None:
    with ThreadPoolExecutor(max_workers=21) as pool:
        runaway = pool.submit(guarded.get, query_path(RUNAWAY + " # runaway"))
        time.sleep(0.3)  # let the runaway query take its process first
        started = time.monotonic()
        cheap = [  # from other clients: one client's share of the processes is bounded
            pool.submit(
                guarded.get, query_path(f"ASK {{ ?s ?p ?o }} # cheap {i}"), None, OTHERS[i % 8]
            )
            for i in range(20)
        ]
        answers = [f.result() for f in cheap]
        cheap_statuses = [answer[0] for answer in answers]
        cheap_elapsed = time.monotonic() - started
        status, body = runaway.result()
    assert cheap_statuses == [200] * 20, [body for s, body in answers if s != 200]
    assert cheap_elapsed < 1.5  # all served while the runaway query was still running
    assert status == 503
    assert b"stopped after 1.5 s" in body


def test_the_process_that_ran_the_runaway_query_is_replaced(guarded: LiveServer) -> None:
    before = query_processes(guarded)
    status, _ = guarded.get(query_path(RUNAWAY + " # replaced"))
    time.sleep(0.5)
    after = query_processes(guarded)
    assert status == 503
    assert (len(before), len(after), len(before - after), len(after - before)) == (3, 3, 1, 1)
    assert guarded.health()["queries"]["processes"]["restarts"] >= 1


def test_timeout_answer_has_retry_after(guarded: LiveServer) -> None:
    request = urllib.request.Request(guarded.url + query_path(RUNAWAY + " # retry"))
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    refused.value.close()
    assert (refused.value.code, refused.value.headers["Retry-After"]) == (503, "1")


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def service_query(listener: Listener) -> str:
    return f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?x ?p ?o }} }}"


def test_service_to_a_listener_not_allowed_is_refused_without_a_connection(
    guarded: LiveServer, listener: Listener
) -> None:
    status, body = guarded.get(query_path(service_query(listener)))
    time.sleep(0.5)
    assert (status, listener.connections) == (403, 0)
    assert listener.url.encode() in body


def test_service_hidden_behind_a_prefix_is_refused_too(
    guarded: LiveServer, listener: Listener
) -> None:
    prefix = f"PREFIX l: <http://127.0.0.1:{listener.port}/>"
    query = prefix + " SELECT * { service l:sparql { ?x ?p ?o } }"
    status, _ = guarded.get(query_path(query))
    time.sleep(0.5)
    assert (status, listener.connections) == (403, 0)


def post_query(server: LiveServer, query: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        server.url + "/sparql",
        data=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.1", "0x7f000001"])
def test_service_spelled_past_the_check_reaches_nothing(
    guarded: LiveServer, listener: Listener, host: str
) -> None:
    # A codepoint escape makes the lexical check read the rest of the line as a comment;
    # with no SERVICE endpoint allowed, query processes have no network to call out on.
    endpoint = listener.url.replace("127.0.0.1", host)
    query = (
        "SELECT ?leak WHERE { OPTIONAL { ?a ?b <http://a/\\u0041#> } "
        f"SERVICE <{endpoint}> {{ ?leak ?p ?o }} }}"
    )
    status, body = post_query(guarded, query)
    time.sleep(0.3)
    assert (listener.connections, b"from-listener" in body) == (0, False)
    assert status != 200 or b"leak" not in body.split(b"bindings")[-1]


DEAD_ENDPOINT = f"http://127.0.0.1:{free_port()}/sparql"


@pytest.fixture(scope="module")
def federating(
    start_server: Callable[..., LiveServer], built_out: Path, listener: Listener
) -> LiveServer:
    """A server that allows SERVICE calls to the listener and to an endpoint that is down."""
    allowed = f"{listener.url},{DEAD_ENDPOINT}"
    return start_server(
        built_out, "--workers", "1", "--service-allowlist", allowed, "--rate-limit-per-s", "0"
    )


def test_service_to_an_allowed_listener_goes_through(
    federating: LiveServer, listener: Listener
) -> None:
    status, body = federating.get(
        query_path(service_query(listener)), {"Accept": "application/json"}
    )
    assert status == 200, body
    values = [b["x"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert (values, listener.connections >= 1) == (["from-listener"], True)


def test_failing_allowed_service_is_502_with_our_own_message(federating: LiveServer) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{DEAD_ENDPOINT}> {{ ?s ?p ?o }} }}"
    status, body = federating.get(query_path(query), {"Accept": "application/json"})
    assert (status, json.loads(body)["error"]) == (502, "Bad Gateway")
    assert json.loads(body)["message"].startswith("A SERVICE call failed: an allowed endpoint")


def test_silent_service_failure_is_an_empty_answer(federating: LiveServer) -> None:
    query = f"SELECT * WHERE {{ SERVICE SILENT <{DEAD_ENDPOINT}> {{ ?s ?p ?o }} }}"
    status, body = federating.get(query_path(query), {"Accept": "application/json"})
    assert (status, json.loads(body)["results"]["bindings"]) == (200, [{}])


def test_saturated_server_answers_503_with_retry_after(
    start_server: Callable[..., LiveServer], built_out: Path
) -> None:
    server = start_server(
        built_out,
        "--workers",
        "1",
        "--query-processes",
        "1",
        "--queue-timeout-s",
        "0.2",
        "--query-timeout-s",
        "2",
        "--rate-limit-per-s",
        "0",
    )
    with ThreadPoolExecutor(max_workers=1) as pool:
        runaway = pool.submit(server.get, query_path(RUNAWAY))
        time.sleep(0.5)
        request = urllib.request.Request(server.url + query_path("ASK { ?s ?p ?o } # waits"))
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        refused.value.close()
        runaway.result()
    assert refused.value.code == 503
    assert int(refused.value.headers["Retry-After"]) >= 1


def test_flooding_client_gets_429_with_retry_after(
    start_server: Callable[..., LiveServer], built_out: Path
) -> None:
    server = start_server(
        built_out, "--workers", "1", "--rate-limit-per-s", "1", "--rate-limit-burst", "5"
    )
    statuses = [server.get(query_path("ASK {}"))[0] for _ in range(8)]
    request = urllib.request.Request(server.url + query_path("ASK {}"))
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    refused.value.close()
    assert statuses[:5] == [200] * 5
    assert 429 in statuses[5:]
    assert (refused.value.code, int(refused.value.headers["Retry-After"]) >= 1) == (429, True)
