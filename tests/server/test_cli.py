"""python -m server: flags, granian's configuration, exit 2 for a missing or damaged release,
graceful stop."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from granian.constants import Interfaces

from server.cli import granian_server, parser
from server.release import current_target
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


def test_granian_runs_the_wsgi_app_factory_in_each_worker() -> None:
    server = granian_server(ServerSettings(workers=3, threads=4, port=8123))
    assert (server.interface, server.target, server.workers) == (
        Interfaces.WSGI,
        "server.app:create_app",
        3,
    )
    assert (server.blocking_threads, server.bind_port, server.respawn_failed_workers) == (
        4,
        8123,
        True,
    )


def test_slow_headers_are_cut_off_after_the_header_timeout() -> None:
    server = granian_server(ServerSettings(header_timeout_s=2.5))
    assert server.http1_settings is not None
    assert server.http1_settings.header_read_timeout == 2500


def test_request_line_and_headers_are_bounded() -> None:
    server = granian_server(ServerSettings(max_url_bytes=8192, max_header_bytes=32 * 1024))
    assert server.http1_settings is not None
    assert server.http1_settings.max_buffer_size == 8192 + 2 * 32 * 1024


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


def _serve_damaged(tmp_path: Path, built_out: Path, damage: Callable[[Path], None]) -> str:
    """Serve a copy of the real release damaged by ``damage``; what the server said."""
    release = tmp_path / "out" / "releases" / "damaged"
    shutil.copytree(current_target(built_out), release)
    (tmp_path / "out" / "current").symlink_to(Path("releases") / "damaged")
    damage(release)
    result = subprocess.run(
        [sys.executable, "-m", "server", "--out", str(tmp_path / "out"), "--port", "1"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    return result.stderr


def _first_table(release: Path) -> Path:
    return sorted((release / "store").glob("*.sst"))[0]


def test_corrupt_store_exits_2_naming_the_file(tmp_path: Path, built_out: Path) -> None:
    def corrupt(release: Path) -> None:
        table = _first_table(release)
        table.write_bytes(b"\xff" * table.stat().st_size)

    stderr = _serve_damaged(tmp_path, built_out, corrupt)
    assert "is damaged" in stderr
    assert "does not match its sha256" in stderr


def test_missing_store_exits_2_naming_the_file(tmp_path: Path, built_out: Path) -> None:
    stderr = _serve_damaged(tmp_path, built_out, lambda r: shutil.rmtree(r / "store"))
    assert "store/" in stderr
    assert "No such file" in stderr


def test_unreadable_store_exits_2_naming_the_file(tmp_path: Path, built_out: Path) -> None:
    def unreadable(release: Path) -> None:  # a folder where a file should be: no read works,
        table = _first_table(release)  # not even as root
        size = table.stat().st_size
        table.unlink()
        table.mkdir()
        (table / "x").write_bytes(b"\0" * size)

    stderr = _serve_damaged(tmp_path, built_out, unreadable)
    assert "store/" in stderr
    assert "is damaged" in stderr


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


def test_a_query_broker_that_dies_is_started_again(
    start_server: Callable[..., LiveServer], built_out: Path
) -> None:
    server = start_server(built_out, "--rate-limit-per-s", "0")
    (broker,) = subprocess.run(
        ["pgrep", "-P", str(server.process.pid), "-f", "execution.broker"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    os.kill(int(broker), signal.SIGKILL)
    deadline = time.monotonic() + 20
    statuses: list[int] = []
    while time.monotonic() < deadline:
        statuses.append(server.get(f"/sparql?query=ASK%7B%7D%23{len(statuses)}")[0])
        if statuses[-1] == 200:
            break
        time.sleep(0.2)
    assert statuses[-1] == 200
    assert set(statuses[:-1]) <= {503}  # while it restarted: unavailable, never an error
    assert server.health()["status"] == "ok"
