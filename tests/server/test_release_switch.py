"""A rebuild while the server runs: it keeps the release it serves until it has switched,
switches only to a complete, verified release, and no request fails meanwhile."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest

from server.release import current_target
from tests.server.support import PROJECT_ROOT, LiveServer

PATHS = (
    "/sparql?query=ASK%7B%7D",
    "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    "/dumps/cgkg.ttl",
    "/ontology",
    "/shapes.ttl",
    "/zone/2015/110102",
    "/health",
)


TEXTS = "/sparql?" + urllib.parse.urlencode(
    {
        "query": "SELECT ?text WHERE { ?q a <https://w3id.org/cgkg/ontology#ExampleQuery> ; "
        "<https://schema.org/text> ?text }"
    }
)


def build(out: Path, queries: Path) -> str:
    """``cgkg build`` into ``out`` with the example queries in ``queries``; the new build id."""
    env = {**os.environ, "KG_QUERIES_DIR": str(queries), "KG_KEEP_RELEASES": "1"}
    subprocess.run(
        [sys.executable, "-m", "loader", "build", "--out", str(out)],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return current_target(out).name


def changed_queries(tmp_path: Path) -> Path:
    queries = tmp_path / "queries"
    shutil.copytree(PROJECT_ROOT / "queries", queries)
    first = sorted(queries.glob("*.rq"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    return queries


class Load:
    """Requests in a loop from 4 threads; every answer that is not 200 is kept."""

    def __init__(self, server: LiveServer) -> None:
        self._server = server
        self._stop = threading.Event()
        self.failures: list[tuple[str, int, bytes]] = []
        self.count = 0
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(4)]

    def _run(self, offset: int) -> None:
        i = offset
        while not self._stop.is_set():
            path = PATHS[i % len(PATHS)]
            status, body = self._server.get(path)
            self.count += 1
            if status != 200:
                self.failures.append((path, status, body[:200]))
            i += 1

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def served(server: LiveServer) -> str:
    return str(server.health()["build_id"])


def wait_for_switch(server: LiveServer, build_id: str, within_s: float = 30) -> None:
    deadline = time.monotonic() + within_s
    while served(server) != build_id:
        assert time.monotonic() < deadline, "the server did not switch"
        time.sleep(0.2)
    time.sleep(1.5)  # every HTTP worker has followed, and requests ran on the new release


@pytest.fixture
def own_build(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    build(out, PROJECT_ROOT / "queries")
    return out


def test_a_rebuild_under_load_is_switched_to_without_a_failed_request(
    start_server: Callable[..., LiveServer], own_build: Path, tmp_path: Path
) -> None:
    server = start_server(own_build, "--rate-limit-per-s", "0", "--release-check-s", "0.5")
    old = current_target(own_build)
    cached = [server.get(TEXTS)[1] for _ in range(3)]  # in every worker's cache, likely
    with Load(server) as load:
        time.sleep(1)
        new_id = build(own_build, changed_queries(tmp_path))
        wait_for_switch(server, new_id)
    assert (load.failures, load.count > 100) == ([], True)
    assert old.exists()  # keep_releases=1, but the server still held it while switching
    assert b"# changed" not in cached[0]
    assert all(b"# changed" in server.get(TEXTS)[1] for _ in range(4))  # no stale answer


def test_sighup_switches_at_once(
    start_server: Callable[..., LiveServer], own_build: Path, tmp_path: Path
) -> None:
    server = start_server(own_build, "--rate-limit-per-s", "0", "--release-check-s", "0")
    new_id = build(own_build, changed_queries(tmp_path))
    time.sleep(1)
    assert served(server) != new_id  # it does not look by itself with release_check_s=0
    server.process.send_signal(signal.SIGHUP)
    wait_for_switch(server, new_id, within_s=15)


def test_a_damaged_new_release_is_never_served(
    start_server: Callable[..., LiveServer], own_build: Path, tmp_path: Path
) -> None:
    server = start_server(own_build, "--rate-limit-per-s", "0", "--release-check-s", "0.5")
    before = served(server)
    releases = own_build / "releases"
    damaged = releases / "damaged0000000000"
    shutil.copytree(current_target(own_build), damaged)
    manifest = json.loads((damaged / "manifest.json").read_text(encoding="utf-8"))
    manifest["build_id"] = damaged.name
    (damaged / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (damaged / "dumps" / "cgkg.nt").write_bytes(b"not what the manifest says\n")
    link = own_build / ".current-test"
    link.symlink_to(Path("releases") / damaged.name)
    os.replace(link, own_build / "current")
    time.sleep(3)
    assert (served(server), server.get("/sparql?query=ASK%7B%7D")[0]) == (before, 200)
    assert "not switching" in server.log()
