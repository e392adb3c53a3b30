"""/health: version, size, uptime and counters, never cached; 503 when it cannot answer."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from server.release import current_target
from server.services import EXTENSION_KEY, Services
from tests.server.support import LiveServer


def test_health_reports_the_build(client: FlaskClient, built_out: Path) -> None:
    manifest = json.loads((built_out / "current" / "manifest.json").read_text())
    body = client.get("/health").get_json()
    assert (body["status"], body["build_id"], body["triples"]) == (
        "ok",
        manifest["build_id"],
        manifest["triples"],
    )


def test_health_reports_uptime_and_query_processes(client: FlaskClient) -> None:
    body = client.get("/health").get_json()
    assert body["uptime_s"] >= 0
    assert body["queries"]["processes"]["size"] == 2


def test_health_says_which_worker_answered_and_how_full_its_cache_is(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(cache_bytes=1 << 20).test_client()
    client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    cache = client.get("/health").get_json()["cache"]
    assert (cache["worker"], cache["budget"], cache["entries"]) == (os.getpid(), 1 << 20, 2)
    assert 0 < cache["bytes"] <= cache["budget"]


def test_health_is_503_when_a_query_process_cannot_answer(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    services: Services = app.extensions[EXTENSION_KEY]
    os.kill(services.queries.pids[0], signal.SIGKILL)  # type: ignore[attr-defined]
    time.sleep(0.2)
    response = app.test_client().get("/health")
    assert (response.status_code, response.get_json()["status"]) == (503, "unavailable")
    assert any("query process" in problem for problem in response.get_json()["problems"])


def test_health_is_503_when_a_release_file_is_gone(
    make_app: Callable[..., Flask], tmp_path: Path, built_out: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(current_target(built_out), out / "releases" / "copy")
    (out / "current").symlink_to(Path("releases") / "copy")
    app = make_app(out_dir=out)
    (out / "releases" / "copy" / "dumps" / "cgkg.ttl").unlink()
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert any("dumps/cgkg.ttl" in problem for problem in response.get_json()["problems"])


def test_health_is_not_cached(client: FlaskClient) -> None:
    assert client.get("/health").headers["Cache-Control"] == "no-store"


def test_health_is_exempt_from_the_rate_limit(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(rate_limit_per_s=0.001, rate_limit_burst=1).test_client()
    assert {client.get("/health").status_code for _ in range(5)} == {200}


def test_live_health_is_503_while_a_query_process_cannot_answer(
    start_server: Callable[..., LiveServer], built_out: Path
) -> None:
    server = start_server(built_out, "--rate-limit-per-s", "0", "--query-processes", "2")
    assert server.get("/health")[0] == 200
    broker = next(
        int(pid)
        for pid in subprocess.run(
            ["pgrep", "-P", str(server.process.pid), "-f", "execution.broker"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
    )
    (worker, *_) = subprocess.run(
        ["pgrep", "-P", str(broker)], capture_output=True, text=True, check=False
    ).stdout.split()
    os.kill(int(worker), signal.SIGSTOP)  # alive, but it will not answer its probe
    try:
        status, body = server.get("/health")
    finally:
        with contextlib.suppress(ProcessLookupError):  # replaced once its probe timed out
            os.kill(int(worker), signal.SIGCONT)
    assert status == 503
    assert b"did not answer" in body
    assert server.get("/health")[0] == 200  # the process was replaced


def test_health_says_which_release_the_engine_and_the_worker_serve(
    client: FlaskClient, built_out: Path
) -> None:
    build_id = current_target(built_out).name
    body = client.get("/health").get_json()
    assert body["serving"] == {"engine": build_id, "workers": {str(os.getpid()): build_id}}
    assert body["switching"] is False


def test_live_health_lists_every_http_worker(live_server: LiveServer, built_out: Path) -> None:
    build_id = current_target(built_out).name
    body = live_server.health()
    assert (body["serving"]["engine"], body["switching"]) == (build_id, False)
    assert list(body["serving"]["workers"].values()) == [build_id, build_id]  # --workers 2
