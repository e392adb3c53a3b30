"""Fixtures for the deployment tests.

* ``two_releases``: the real data built twice (the second with one example query
  changed, so its build id and its answers differ), in a build folder of their own.
* ``deployment``: two replicas (``python -m server``, each with its own build
  folder, runtime folder and port) serving the first release, with both releases
  copied into each build folder as a deployment copies them, behind HAProxy on a
  free port of 127.0.0.1; everything is stopped after the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.haproxy import Balancer
from deploy.inventory import Inventory, Replica
from server.release import current_target
from tests.deploy.support import HAProxy, start_haproxy
from tests.server.support import PROJECT_ROOT, LiveServer, launch

REPLICA_FLAGS = (
    "--workers", "2",
    "--query-processes", "2",
    "--rate-limit-per-s", "0",
    "--release-check-s", "0.5",
    "--trusted-proxies", "1",
)  # fmt: skip


@dataclass(frozen=True)
class Releases:
    out: Path
    old: str
    new: str


@dataclass
class Deployment:
    replicas: dict[str, LiveServer]
    outs: dict[str, Path]
    haproxy: HAProxy
    inventory: Inventory

    @property
    def port(self) -> int:
        return int(self.haproxy.url.rsplit(":", 1)[1])

    def wait_until_balanced(self) -> None:
        """Until HAProxy's checks find every replica up."""
        balancer = self.inventory.balancer
        assert balancer is not None
        deadline = time.monotonic() + 30
        while {balancer.state(name).status for name in self.replicas} != {"UP"}:
            assert time.monotonic() < deadline, self.haproxy.log()
            time.sleep(0.1)


def _build(out: Path, queries: Path) -> str:
    subprocess.run(
        [sys.executable, "-m", "loader", "build", "--out", str(out)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KG_QUERIES_DIR": str(queries), "KG_KEEP_RELEASES": "2"},
        check=True,
        capture_output=True,
        timeout=120,
    )
    return current_target(out).name


@pytest.fixture(scope="session")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    folder = tmp_path_factory.mktemp("releases")
    queries = folder / "queries"
    shutil.copytree(PROJECT_ROOT / "queries", queries)
    old = _build(folder / "out", queries)
    first = sorted(queries.glob("*.rq"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    return Releases(folder / "out", old, _build(folder / "out", queries))


def copy_release(releases: Releases, release: str, out: Path) -> None:
    """What ``rsync -a releases/<id>/`` to a machine does: the whole folder, as it is."""
    shutil.copytree(releases.out / "releases" / release, out / "releases" / release, symlinks=True)


def replica_folder(releases: Releases, out: Path) -> Path:
    for release in (releases.old, releases.new):
        copy_release(releases, release, out)
    (out / "current").symlink_to(Path("releases") / releases.old)
    return out


@pytest.fixture
def deployment(two_releases: Releases, tmp_path: Path) -> Iterator[Deployment]:
    names = ("r1", "r2")
    outs = {name: replica_folder(two_releases, tmp_path / name) for name in names}

    def start(name: str) -> LiveServer:
        runtime = tmp_path / f"run-{name}"
        return launch(outs[name], tmp_path, *REPLICA_FLAGS, "--runtime-dir", str(runtime))

    with ThreadPoolExecutor(max_workers=2) as pool:
        replicas = dict(zip(names, pool.map(start, names), strict=True))
    haproxy = start_haproxy(tmp_path, {name: server.port for name, server in replicas.items()})
    inventory = Inventory(
        tuple(Replica(name, replicas[name].url + "/health", outs[name]) for name in names),
        Balancer(haproxy.socket, "cgkg"),
    )
    try:
        yield Deployment(replicas, outs, haproxy, inventory)
    finally:
        haproxy.stop()
        for server in replicas.values():
            server.stop()
