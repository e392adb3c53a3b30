"""Rollouts under load, many times over: replicas behind HAProxy, releases switched back and forth.

    .venv/bin/python benchmarks/rollout_soak.py --replicas 2 --threads 8 --rollouts 6

Builds the real data twice (the second build with one example query changed, so
the two releases differ), copies both into a build folder per replica, starts
``--replicas`` servers (``python -m server``, each with its own build folder,
runtime folder and port) behind Debian's HAProxy on 127.0.0.1 (the
configuration of tests/deploy/support.py), puts ``--threads`` keep-alive
clients on the balancer (``--pause-s`` between a client's requests), and runs
``cgkg rollout`` (:func:`deploy.rollout.rollout`) ``--rollouts`` times,
alternating between the two releases, ``--settle-s`` seconds apart. The
CI-sized slice of this is tests/deploy/test_rollout.py.

Printed: each rollout's duration, then the number of requests, the failed ones
(anything but 200, or no answer; listed), and latency p50 / p99 for requests
that started while no rollout ran and while one ran.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.haproxy import Balancer  # noqa: E402
from deploy.inventory import Inventory, Replica  # noqa: E402
from deploy.rollout import rollout  # noqa: E402
from server.release import current_target  # noqa: E402
from tests.deploy.support import PATHS, Answer, Load, start_haproxy  # noqa: E402
from tests.server.support import LiveServer, launch  # noqa: E402


def build(out: Path, queries: Path) -> str:
    env = {**os.environ, "KG_QUERIES_DIR": str(queries), "KG_KEEP_RELEASES": "2"}
    command = [sys.executable, "-m", "loader", "build", "--out", str(out), "--quiet"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=600)
    return current_target(out).name


def two_releases(folder: Path) -> tuple[Path, str, str]:
    queries = folder / "queries"
    shutil.copytree(ROOT / "queries", queries)
    old = build(folder / "out", queries)
    first = sorted(queries.glob("*.rq"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    return folder / "out", old, build(folder / "out", queries)


def replicas(
    folder: Path, out: Path, releases: tuple[str, str], args: argparse.Namespace
) -> tuple[dict[str, LiveServer], dict[str, Path]]:
    servers: dict[str, LiveServer] = {}
    outs: dict[str, Path] = {}
    for i in range(1, args.replicas + 1):
        name = f"r{i}"
        outs[name] = folder / name
        for release in releases:
            shutil.copytree(out / "releases" / release, outs[name] / "releases" / release)
        (outs[name] / "current").symlink_to(Path("releases") / releases[0])
        flags = ["--workers", str(args.workers), "--query-processes", str(args.query_processes)]
        flags += ["--rate-limit-per-s", "0", "--release-check-s", "0.5", "--trusted-proxies", "1"]
        flags += ["--no-access-log", "--runtime-dir", str(folder / f"run-{name}")]
        servers[name] = launch(outs[name], folder, *flags)
    return servers, outs


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(answers: list[Answer], windows: list[tuple[float, float]]) -> None:
    def during(a: Answer) -> bool:
        return any(start <= a.started <= end for start, end in windows)

    failed = [a for a in answers if a.status != 200]
    print(f"requests {len(answers)}, failed {len(failed)}")
    for a in failed[:20]:
        print(f"  failed: {a.path} status {a.status} {a.error}")
    for label, chosen in (("no rollout", False), ("during a rollout", True)):
        ms = [a.seconds * 1000 for a in answers if during(a) is chosen and a.status == 200]
        print(
            f"{label}: {len(ms)} requests, p50 {percentile(ms, 50):.1f} ms, "
            f"p99 {percentile(ms, 99):.1f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pause-s", type=float, default=0.0, help="between a thread's requests")
    parser.add_argument("--rollouts", type=int, default=6)
    parser.add_argument("--settle-s", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--query-processes", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cgkg-rollout-soak-") as tmp:
        folder = Path(tmp)
        out, old, new = two_releases(folder)
        servers, outs = replicas(folder, out, (old, new), args)
        haproxy = start_haproxy(folder, {name: s.port for name, s in servers.items()})
        inventory = Inventory(
            tuple(Replica(n, servers[n].url + "/health", outs[n]) for n in servers),
            Balancer(haproxy.socket, "cgkg"),
        )
        try:
            time.sleep(2)  # HAProxy's first checks
            windows: list[tuple[float, float]] = []
            port = int(haproxy.url.rsplit(":", 1)[1])
            with Load(port, PATHS, args.threads, args.pause_s) as load:
                time.sleep(args.settle_s)
                for i in range(args.rollouts):
                    target = new if i % 2 == 0 else old
                    start = time.monotonic()
                    rollout(inventory, target, 120, lambda line: None)
                    windows.append((start, time.monotonic()))
                    print(f"rollout {i + 1} to {target}: {windows[-1][1] - start:.2f} s")
                    time.sleep(args.settle_s)
            report(load.answers, windows)
        finally:
            haproxy.stop()
            for server in servers.values():
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
