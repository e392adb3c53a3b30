"""Benchmark: the queries/ mix against pyoxigraph in process, this endpoint, and Oxigraph server.

    .venv/bin/python benchmarks/bench.py --out build [--duration 5] [--concurrency 1 8]

Targets, measured one after the other in one run on the same release:

* ``in-process (disk)``: ``Store.read_only`` + ``query`` + serialization in
  this process (threads for concurrency > 1); ``in-process (memory)``: the same
  on an in-memory copy of that store, which is what the endpoint's query
  processes hold for a release this small (setting ``memory_max_triples``).
  These are the limits; the endpoint is compared with the one on the same storage.
* ``endpoint (cached)``: ``python -m server`` under gunicorn with its defaults
  (time limit, row and byte caps, query processes, concurrency bound, result
  cache) except the rate limit, raised so that one benchmarking client is not
  refused.
* ``endpoint (uncached)``: the same with ``--cache-bytes 0``: every request is
  parsed, negotiated and evaluated in a query process.
* ``oxigraph (memory)``: ``oxigraph serve`` on an in-memory store loaded with
  the same quads; ``oxigraph (disk)``: ``oxigraph serve-read-only`` on a copy
  of the release's own store. Both with ``--union-default-graph`` and without
  ``--timeout-s``: Oxigraph 0.5.13 answers most requests with 500 ("Resource
  temporarily unavailable") at concurrency 8 when a time limit is set, so its
  fastest working configuration has none.

Each HTTP target gets keep-alive connections from :mod:`loadgen` cycling through
the mix (SELECT/ASK as SPARQL JSON, CONSTRUCT/DESCRIBE as Turtle). Printed:
requests/s, p50 and p99 latency per target and concurrency, then the ratios
the targets in docs/benchmarks.md are about.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))  # loadgen.py is a sibling script
import loadgen  # type: ignore[import-not-found, unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


@dataclass
class Row:
    target: str
    concurrency: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mix() -> list[str]:
    files = sorted(p for p in (ROOT / "queries").glob("*.rq") if not p.stem.endswith("violation"))
    return [p.read_text(encoding="utf-8") for p in files]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarize(target: str, concurrency: int, result: loadgen.Result) -> Row:
    lat = result.latencies
    return Row(
        target,
        concurrency,
        len(lat),
        len(lat) / result.elapsed if result.elapsed else 0.0,
        statistics.median(lat) * 1000 if lat else 0.0,
        percentile(lat, 0.99) * 1000 if lat else 0.0,
        result.errors,
    )


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def process(args: list[str], probe: str) -> Iterator[None]:
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(probe)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def http_requests(path: str, port: int, queries: list[str]) -> list[bytes]:
    return [
        (
            f"GET {path}?{urlencode({'query': q})} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Accept: {ACCEPT}\r\nAccept-Encoding: gzip\r\n\r\n"
        ).encode()
        for q in queries
    ]


def check_answers(path: str, port: int, queries: list[str]) -> None:
    """Every query of the mix must succeed on the target before it is timed."""
    for q in queries:
        url = f"http://127.0.0.1:{port}{path}?{urlencode({'query': q})}"
        request = urllib.request.Request(url, headers={"Accept": ACCEPT})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


REPEAT = 1


def median_row(rows: list[Row]) -> Row:
    """The run with the median throughput (noisy shared machines vary from run to run)."""
    return sorted(rows, key=lambda r: r.rps)[len(rows) // 2]


def measure_http(
    name: str, path: str, port: int, queries: list[str], levels: list[int], duration: float
) -> list[Row]:
    check_answers(path, port, queries)
    requests = http_requests(path, port, queries)
    rows = []
    for concurrency in levels:
        runs = [
            summarize(
                name, concurrency, loadgen.run("127.0.0.1", port, requests, concurrency, duration)
            )
            for _ in range(REPEAT)
        ]
        rows.append(median_row(runs))
        print(format_row(rows[-1]), flush=True)
    return rows


def measure_in_process(
    name: str, store: ox.Store, queries: list[str], levels: list[int], duration: float
) -> list[Row]:

    def one(query: str) -> None:
        results = store.query(query, use_default_graph_as_union=True)
        if isinstance(results, ox.QueryTriples):
            results.serialize(format=ox.RdfFormat.TURTLE)
        else:
            results.serialize(format=ox.QueryResultsFormat.JSON)

    rows = []
    for concurrency in levels:
        runs = [_in_process_run(name, one, queries, concurrency, duration) for _ in range(REPEAT)]
        rows.append(median_row(runs))
        print(format_row(rows[-1]), flush=True)
    return rows


def _in_process_run(
    name: str, one: Callable[[str], None], queries: list[str], concurrency: int, duration: float
) -> Row:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    measure_from = time.perf_counter() + 1.0
    stop_at = measure_from + duration

    def worker(slot: int) -> None:
        i = slot * 3
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                return
            one(queries[i % len(queries)])
            i += 1
            if t0 >= measure_from:
                latencies[slot].append(time.perf_counter() - t0)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = loadgen.Result(latencies=[x for lat in latencies for x in lat], elapsed=duration)
    return summarize(name, concurrency, result)


def format_row(row: Row) -> str:
    return (
        f"{row.target:<22} c={row.concurrency:<3} {row.rps:>9.0f} req/s  "
        f"p50 {row.p50_ms:>7.3f} ms  p99 {row.p99_ms:>8.3f} ms  "
        f"n={row.requests:<7} errors={row.errors}"
    )


def dump_quads(store_dir: Path, target: Path) -> None:
    store = ox.Store.read_only(str(store_dir))
    store.dump(str(target), ox.RdfFormat.N_QUADS)


def load_memory_oxigraph(port: int, nquads: Path) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/store",
        data=nquads.read_bytes(),
        headers={"Content-Type": "application/n-quads"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()


def versions() -> dict[str, str]:
    oxigraph = subprocess.run(
        [str(Path(sys.executable).parent / "oxigraph"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    import gunicorn

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__ if hasattr(ox, "__version__") else "?",
        "oxigraph": oxigraph,
        "flask": importlib.metadata.version("flask"),
        "gunicorn": gunicorn.__version__,
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "kernel": platform.release(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "build", help="build folder (cgkg build)"
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for the endpoint")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per cell; the median-throughput run is kept"
    )
    parser.add_argument(
        "--targets",
        nargs="+",
        default=["in-process", "cached", "uncached", "oxigraph-memory", "oxigraph-disk"],
    )
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    release = (args.out / "current").resolve()
    manifest = json.loads((release / "manifest.json").read_text())
    store_dir = release / manifest["store"]
    queries = mix()
    oxigraph = str(Path(sys.executable).parent / "oxigraph")
    info = versions()
    print(f"{len(queries)} queries from queries/; release {manifest['build_id']}", end=" ")
    print(f"({manifest['triples']} triples)")
    print(", ".join(f"{k} {v}" for k, v in info.items()))
    rows: list[Row] = []
    levels = args.concurrency

    if "in-process" in args.targets:
        disk = ox.Store.read_only(str(store_dir))
        rows += measure_in_process("in-process (disk)", disk, queries, levels, args.duration)
        memory = ox.Store()
        memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
        rows += measure_in_process("in-process (memory)", memory, queries, levels, args.duration)

    server = [
        sys.executable,
        "-m",
        "server",
        "--out",
        str(args.out),
        "--workers",
        str(args.workers),
    ]
    safety = ["--rate-limit-per-s", "1000000", "--rate-limit-burst", "1000000", "--no-access-log"]
    for name, extra in (("cached", []), ("uncached", ["--cache-bytes", "0"])):
        if name not in args.targets:
            continue
        port = free_port()
        with process(
            [*server, "--port", str(port), *safety, *extra], f"http://127.0.0.1:{port}/health"
        ):
            rows += measure_http(
                f"endpoint ({name})", "/sparql", port, queries, levels, args.duration
            )

    if "oxigraph-memory" in args.targets:
        port = free_port()
        with tempfile.TemporaryDirectory() as tmp:
            nquads = Path(tmp) / "all.nq"
            dump_quads(store_dir, nquads)
            cmd = [oxigraph, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
            with process(cmd, f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
                load_memory_oxigraph(port, nquads)
                rows += measure_http(
                    "oxigraph (memory)", "/query", port, queries, levels, args.duration
                )

    if "oxigraph-disk" in args.targets:
        port = free_port()
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "store"
            shutil.copytree(store_dir, copy)
            cmd = [
                oxigraph,
                "serve-read-only",
                "--location",
                str(copy),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
            ]
            with process(cmd, f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
                rows += measure_http(
                    "oxigraph (disk)", "/query", port, queries, levels, args.duration
                )

    print()
    by = {(r.target, r.concurrency): r for r in rows}
    for c in levels:
        for base_name in ("in-process (memory)", "in-process (disk)"):
            base = by.get((base_name, c))
            for r in rows:
                if r.concurrency != c or base is None or r.target.startswith("in-process"):
                    continue
                print(
                    f"c={c} {r.target:<22} vs {base_name}: throughput {r.rps / base.rps:5.2f}x, "
                    f"p50 {r.p50_ms - base.p50_ms:+.3f} ms"
                )
    for c in levels:
        for ours in ("endpoint (cached)", "endpoint (uncached)"):
            for theirs in ("oxigraph (memory)", "oxigraph (disk)"):
                a, b = by.get((ours, c)), by.get((theirs, c))
                if a and b:
                    print(f"c={c} {ours} / {theirs}: {a.rps / b.rps:.2f}x requests/s")
    if args.json:
        args.json.write_text(
            json.dumps({"versions": info, "rows": [r.__dict__ for r in rows]}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
