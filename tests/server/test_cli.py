"""python -m server: flags, gunicorn configuration, clear failure without a build, graceful stop."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from server.cli import gunicorn_options, parser
from server.settings import ServerSettings, describe
from tests.server.support import PROJECT_ROOT, LiveServer

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_every_setting_has_a_flag() -> None:
    text = parser().format_help()
    flags = [
        "--out" if name == "out_dir" else "--" + name.replace("_", "-") for name, *_ in describe()
    ]
    assert [f for f in flags if f not in text] == []


def test_flags_the_build_command_passes_are_accepted() -> None:
    args = parser().parse_args(
        ["--out", "x", "--host", "127.0.0.1", "--port", "8001", "--workers", "3"]
    )
    assert (args.out_dir, args.port, args.workers) == (Path("x"), 8001, 3)


def test_gunicorn_runs_threaded_workers_without_preloading() -> None:
    options = gunicorn_options(ServerSettings(workers=3, threads=4, port=8123))
    assert (options["bind"], options["workers"], options["threads"]) == ("127.0.0.1:8123", 3, 4)
    assert (options["worker_class"], options["preload_app"]) == ("gthread", False)


def test_ipv6_host_is_bracketed() -> None:
    assert gunicorn_options(ServerSettings(host="::1", port=8000))["bind"] == "[::1]:8000"


def test_missing_build_exits_2_with_a_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server", "--out", str(tmp_path / "none"), "--port", "1"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, "cgkg build" in result.stderr) == (2, True)


def test_invalid_environment_value_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"KG_PORT": "not-a-port", "PATH": "/usr/bin:/bin"},
    )
    assert (result.returncode, "KG_PORT" in result.stderr) == (2, True)


def test_sigterm_lets_the_request_in_flight_finish(
    start_server: Callable[..., LiveServer], built_out: Path
) -> None:
    server = start_server(
        built_out, "--workers", "1", "--query-timeout-s", "1.5", "--rate-limit-per-s", "0"
    )
    path = "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY + " # in flight"})
    with ThreadPoolExecutor(max_workers=1) as pool:
        in_flight = pool.submit(server.get, path)
        time.sleep(0.5)
        server.process.send_signal(signal.SIGTERM)
        status, _ = in_flight.result()
    assert (status, server.process.wait(timeout=30)) == (503, 0)


def test_stopping_leaves_no_query_process(
    start_server: Callable[..., LiveServer], built_out: Path
) -> None:
    server = start_server(built_out, "--workers", "1", "--rate-limit-per-s", "0")
    server.get("/sparql?query=ASK%7B%7D")
    children = subprocess.run(
        ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    workers = [int(pid) for pid in children]
    query_pids = [
        int(pid)
        for worker in workers
        for pid in subprocess.run(
            ["pgrep", "-P", str(worker)], capture_output=True, text=True, check=False
        ).stdout.split()
    ]
    server.stop()
    time.sleep(0.5)
    assert query_pids
    assert [pid for pid in query_pids if Path(f"/proc/{pid}").exists()] == []
