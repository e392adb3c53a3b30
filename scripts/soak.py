"""Soak: mixed traffic against the production server on 127.0.0.1 for a fixed time.

    .venv/bin/cgkg build --out /tmp/soak-out
    .venv/bin/python scripts/soak.py --out /tmp/soak-out --minutes 10 --concurrency 16

It starts ``python -m server`` (``--rate-limit-per-s 0``: the load comes from one address)
on a free loopback port and keeps ``--concurrency`` clients busy, each on its own
keep-alive connection, with a mix of what the endpoint serves: the example queries of
queries/ (GET and POST), unique queries no cache can answer, pages, resource data, the
dumps listing, the service description, health checks, and requests that must be refused
(a syntax error, an unknown path: these count as errors only if they are not 4xx).

It samples the resident memory of the whole server (every process under it: front,
workers, broker, query processes) every 5 s, and prints requests, errors, p50/p99
latency of the first and of the last minute, and memory after warm-up and at the end.
Pass (exit 0) when there is no error, the last minute's p99 is within ``--p99-tolerance``
(20 %) of the first's, and memory grew less than ``--rss-tolerance`` (10 %) after the
``--warmup-s`` (60 s). Bounded by ``--minutes``; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server.support import LiveServer, launch

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/zones",
    "/themes",
    "/divisions",
    "/zone/2015/110102",
    "/theme/community-services",
    "/division/110102",
    "/ontology",
    "/dumps/",
    "/health",
    "/sparql",
]
DATA = ["/zone/2015/110102.ttl", "/division/110102.jsonld", "/graph/themes.nt", "/.well-known/void"]
RESULTS = "application/sparql-results+json, text/turtle;q=0.9"
REFUSED = ["/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs", "/nothing/here", "/zone/2015/%3C"]


@dataclass
class Sample:
    at: float
    latency: float
    ok: bool


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[str] = field(default_factory=list)


def examples() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("[0-8]*.rq"))]


def pick(r: random.Random, queries: list[str], n: int) -> tuple[str, str, bytes, dict[str, str]]:
    """One request of the mix: method, path, body, headers."""
    roll = r.random()
    if roll < 0.35:
        return (
            "GET",
            "/sparql?" + urlencode({"query": r.choice(queries)}),
            b"",
            {"Accept": RESULTS},
        )
    if roll < 0.45:
        body = r.choice(queries).encode()
        return (
            "POST",
            "/sparql",
            body,
            {
                "Content-Type": "application/sparql-query",
                "Accept": RESULTS,
            },
        )
    if roll < 0.55:  # unique: no cache helps
        query = r.choice(queries) + f"\n# soak {n}"
        return (
            "GET",
            "/sparql?" + urlencode({"query": query}),
            b"",
            {"Accept": "text/csv, application/n-triples;q=0.5"},
        )
    if roll < 0.80:
        return "GET", r.choice(PAGES), b"", {"Accept": "text/html"}
    if roll < 0.95:
        return "GET", r.choice(DATA), b"", {}
    return "GET", r.choice(REFUSED), b"", {"Accept": "application/json"}


def client(server: LiveServer, stop: float, tally: Tally, seed: int) -> None:
    r = random.Random(seed)  # noqa: S311 - a traffic mix, not a secret
    queries = examples()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    n = 0
    while time.monotonic() < stop:
        n += 1
        method, path, body, headers = pick(r, queries, seed * 10**9 + n)
        started = time.monotonic()
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status, detail = 0, repr(exc)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        else:
            detail = f"{status} {method} {path[:80]}"
        refused = path in REFUSED
        ok = (400 <= status < 500) if refused else (200 <= status < 400)
        with tally.lock:
            tally.samples.append(Sample(started, time.monotonic() - started, ok))
            if not ok:
                tally.errors.append(detail)
    conn.close()


def tree_rss_kb(root_pid: int) -> int:
    """Resident memory of ``root_pid`` and every process under it (kB, from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[pid] = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
    total = 0
    for pid in rss:
        walk = pid
        while walk > 1 and walk != root_pid:
            walk = parents.get(walk, 0)
        if walk == root_pid:
            total += rss[pid]
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def summarize(
    tally: Tally, start: float, end: float, memory: list[tuple[float, int]], warmup_s: float
) -> dict[str, object]:
    first = [s.latency for s in tally.samples if s.at < start + 60]
    last = [s.latency for s in tally.samples if s.at >= end - 60]
    after = [kb for at, kb in memory if at >= start + warmup_s]
    return {
        "requests": len(tally.samples),
        "errors": len(tally.errors),
        "error_examples": sorted(set(tally.errors))[:10],
        "requests_per_s": round(len(tally.samples) / (end - start), 1),
        "first_minute_ms": {
            "p50": round(percentile(first, 0.5) * 1000, 1),
            "p99": round(percentile(first, 0.99) * 1000, 1),
        },
        "last_minute_ms": {
            "p50": round(percentile(last, 0.5) * 1000, 1),
            "p99": round(percentile(last, 0.99) * 1000, 1),
        },
        "rss_mb_after_warmup": round(after[0] / 1024, 1) if after else 0,
        "rss_mb_end": round(after[-1] / 1024, 1) if after else 0,
        "rss_mb_max": round(max(after) / 1024, 1) if after else 0,
    }


def run(args: argparse.Namespace) -> dict[str, object]:
    server = launch(
        args.out,
        Path(tempfile.mkdtemp(prefix="soak-logs-")),
        "--rate-limit-per-s",
        "0",
        "--no-access-log",
    )
    tally = Tally()
    memory: list[tuple[float, int]] = []
    start = time.monotonic()
    stop = start + args.minutes * 60
    threads = [
        threading.Thread(target=client, args=(server, stop, tally, i + 1))
        for i in range(args.concurrency)
    ]
    try:
        for thread in threads:
            thread.start()
        while time.monotonic() < stop:
            memory.append((time.monotonic(), tree_rss_kb(server.process.pid)))
            time.sleep(5)
        for thread in threads:
            thread.join(timeout=90)
    finally:
        server.stop()
    return summarize(tally, start, time.monotonic(), memory, args.warmup_s)


def verdict(summary: dict[str, object], p99_tolerance: float, rss_tolerance: float) -> list[str]:
    failures = []
    if summary["errors"]:
        failures.append(f"{summary['errors']} errors")
    first = summary["first_minute_ms"]["p99"]  # type: ignore[index]
    last = summary["last_minute_ms"]["p99"]  # type: ignore[index]
    if first and last > first * (1 + p99_tolerance):
        failures.append(f"last minute p99 {last} ms > first {first} ms + {p99_tolerance:.0%}")
    base, end = summary["rss_mb_after_warmup"], summary["rss_mb_end"]
    if base and end > base * (1 + rss_tolerance):  # type: ignore[operator]
        failures.append(f"memory grew from {base} MB to {end} MB")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a build folder (cgkg build)")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup-s", type=float, default=60.0)
    parser.add_argument("--p99-tolerance", type=float, default=0.20)
    parser.add_argument("--rss-tolerance", type=float, default=0.10)
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args()
    summary = run(args)
    failures = verdict(summary, args.p99_tolerance, args.rss_tolerance)
    summary["verdict"] = failures or "pass"
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
