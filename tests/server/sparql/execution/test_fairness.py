"""Fair admission in the running server: one client's runaway queries take its share of the
query processes, never everyone's; the bound holds across every HTTP worker."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.server.support import LiveServer

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
OTHERS = [f"127.0.0.{i}" for i in range(2, 10)]


def query_path(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def test_five_runaway_queries_from_one_client_leave_the_others_served(
    start_server: Callable[..., LiveServer], built_out: Path
) -> None:
    server = start_server(
        built_out, "--workers", "2", "--rate-limit-per-s", "0", "--query-timeout-s", "8"
    )
    with ThreadPoolExecutor(max_workers=64) as pool:
        runaway = [
            pool.submit(server.get, query_path(f"{RUNAWAY} # runaway {i}"), None, "127.0.0.1")
            for i in range(5)
        ]
        time.sleep(1.0)  # the runaway queries hold their slots (or wait for them)
        started = time.monotonic()
        cheap = [
            pool.submit(server.get, query_path(f"ASK {{ ?s ?p ?o }} # {i}"), None, OTHERS[i % 8])
            for i in range(50)
        ]
        answers = [future.result() for future in cheap]
        statuses = [status for status, _ in answers]
        elapsed = time.monotonic() - started
        runaway_statuses = sorted(future.result()[0] for future in runaway)
    assert statuses == [200] * 50, [body[:120] for status, body in answers if status != 200]
    assert elapsed < 6  # answered while the runaway queries were still running
    assert runaway_statuses == [503] * 5  # stopped at the limit, or refused their extra slots
