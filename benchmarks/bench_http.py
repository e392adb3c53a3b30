"""What the lookup and search benchmarks share: the releases they measure, our server
(granian, as ``cgkg serve`` runs it) on 127.0.0.1, a keep-alive HTTP/1.1 client, bounded
timing loops and the record of the machine.

A release is an ``--out`` folder of ``cgkg build`` (its ``current`` is served). The
real one is built into a temporary folder; the synthetic one is either given (a folder
built from ``cgkg generate --scale N --seed 1`` under the synthetic base IRI, read
only: the server opens the store read-only and writes nothing there) or built here
the way benchmarks/bench_scale.py builds it, in a fresh process.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the bench_* modules are siblings
import bench_report  # type: ignore[import-not-found, unused-ignore]
import bench_scale  # type: ignore[import-not-found, unused-ignore]
import bench_targets  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "Client",
    "Release",
    "add_release_arguments",
    "machine",
    "percentiles",
    "real_release",
    "run",
    "served",
    "synthetic_release",
    "timed",
]

ROOT = Path(__file__).resolve().parents[1]
SPARQL_ACCEPT = "application/sparql-results+json"


@dataclass(frozen=True)
class Release:
    label: str
    out: Path
    """The ``--out`` folder; ``out/current`` is the release served."""
    build: dict[str, Any]
    """The build's own figures (stage seconds, triples) where this run made it."""

    @property
    def current(self) -> Path:
        return (self.out / "current").resolve()

    def manifest(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.current / "manifest.json").read_text("utf-8"))
        return data


def _build(data: Path, out: Path, base_iri: str) -> dict[str, Any]:
    """``cgkg build`` of ``data`` into ``out`` in a fresh process (bench_scale's own)."""
    done = subprocess.run(
        [sys.executable, "-c", bench_scale.BUILD_ONE, str(data), str(out), base_iri],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def real_release(given: Path | None, work: Path) -> Release:
    """The real data's release: ``given`` (an ``--out`` folder) as it is, or built in ``work``."""
    if given is not None:
        return Release("real", given, {})
    from loader.settings import BuildSettings

    base = BuildSettings().base_iri
    return Release("real", work / "real", _build(ROOT / "data", work / "real", base))


def synthetic_release(given: Path | None, scale: int, work: Path) -> Release:
    """The release at ``scale``: ``given`` as it is, or generated and built in ``work``."""
    label = f"synthetic {scale}x"
    if given is not None:
        return Release(label, given, {})
    figures = bench_scale.build_at(scale, work)  # generate (seed 1) and build, timed
    return Release(label, work / f"out-{scale}", figures)


@contextmanager
def served(release: Release, work: Path) -> Iterator[int]:
    """Our server on ``release`` (``python -m server``: granian and the query broker, with
    its defaults but no rate limit and no access log); yields its port."""
    with ExitStack() as stack:
        target = bench_targets.ours(
            stack,
            release.label.replace(" ", "-"),
            bench_targets.DEFAULT_SERVER,
            release.out,
            work,
            ROOT,
        )
        yield target.port


class Client:
    """One keep-alive HTTP/1.1 connection, one request at a time, as a script would."""

    def __init__(self, port: int, timeout_s: float = 120.0) -> None:
        self._conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)

    def get(self, path: str, params: dict[str, str], accept: str) -> tuple[int, bytes]:
        self._conn.request("GET", f"{path}?{urlencode(params)}", headers={"Accept": accept})
        return self._read()

    def post(self, path: str, form: dict[str, str], accept: str) -> tuple[int, bytes]:
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        self._conn.request("POST", path, body=urlencode(form).encode(), headers=headers)
        return self._read()

    def sparql(self, query: str) -> int | None:
        """A SPARQL 1.1 Protocol form POST to ``/sparql``: how many rows, or ``None`` when
        the query ran into the server's time limit (503), as it would for a user."""
        status, body = self.post("/sparql", {"query": query}, SPARQL_ACCEPT)
        if status == 503:
            return None
        if status != 200:
            raise RuntimeError(f"/sparql answered {status}: {body[:300]!r}")
        return len(json.loads(body)["results"]["bindings"])

    def _read(self) -> tuple[int, bytes]:
        response = self._conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self._conn.close()


def timed(calls: list[Callable[[], object]], rounds: int, budget_s: float) -> list[float]:
    """Seconds per call, ``calls`` in turn for up to ``rounds`` rounds; stops starting new
    rounds once ``budget_s`` has passed (at least one round is always made)."""
    seconds: list[float] = []
    began = time.perf_counter()
    for _ in range(rounds):
        for call in calls:
            start = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - start)
        if time.perf_counter() - began > budget_s:
            break
    return seconds


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds (nearest rank), and how many samples."""
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": p99 * 1000,
        "samples": len(ordered),
    }


def machine() -> dict[str, Any]:
    """The machine, the versions and the commit measured; the load average now."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    info: dict[str, Any] = bench_report.machine("http.client, one keep-alive connection")
    info.update(
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        commit=commit,
        memory_gib=round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
    )
    return info


Measure = Callable[[Release, Path, argparse.Namespace], dict[str, Any]]


def add_release_arguments(parser: argparse.ArgumentParser) -> None:
    """The releases a benchmark measures: the real one and a synthetic one, built or given."""
    parser.add_argument("--real", type=Path, help="a built --out folder of the real data")
    parser.add_argument("--synthetic", type=Path, help="a built --out folder of synthetic data")
    parser.add_argument("--scale", type=int, default=1000, help="else generate and build this")
    parser.add_argument("--no-synthetic", action="store_true", help="the real data only")
    parser.add_argument("--json", type=Path)


def run(args: argparse.Namespace, prefix: str, measure: Measure) -> None:
    """``measure`` on each release of ``args``; each result printed, all of them as JSON."""
    results: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        work = Path(tmp)
        releases = [real_release(args.real, work)]
        if not args.no_synthetic:
            releases.append(synthetic_release(args.synthetic, args.scale, work))
        for release in releases:
            results[release.label] = measure(release, work, args)
            print(json.dumps(results[release.label], ensure_ascii=False), flush=True)
    results["loadavg_after"] = machine()["loadavg"]
    text = json.dumps(results, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
