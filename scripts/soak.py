"""Soak: mixed traffic against the production server on 127.0.0.1, warm-up then a fixed time.

    .venv/bin/cgkg build --out /tmp/soak-out
    .venv/bin/python scripts/soak.py --out /tmp/soak-out --minutes 10 --concurrency 16

It starts ``python -m server`` (``--rate-limit-per-s 0``: the load would exceed a public
client's rate; flags after ``--`` are passed on) on a free loopback port and keeps
``--concurrency`` clients busy, each on keep-alive connections (a new one every
``RECONNECT_EVERY`` requests) from its own loopback
address (127.0.0.11 on, as a public endpoint's clients come from many: from one address the
per-client admission bound, 2 running and 8 waiting queries, would refuse some of the
mix's uncached queries with 503 whenever the machine is slow), with a mix of what the endpoint
serves: the example queries of queries/ (GET and POST), unique queries no cache can
answer, pages, resource data, the dumps listing, the service description, health checks,
and requests that must be refused (a syntax error, an unknown path: these count as errors
only if they are not 4xx).

Every 5 s it samples the resident memory of each part of the server (the front, the HTTP
workers, the broker, the query processes: only processes under the server it started) and
asks ``/health`` how full each HTTP worker's result cache is.

**Warm-up.** Each HTTP worker's result cache is bounded (``cache_bytes``, 64 MiB by
default) and the mix's unique queries fill it; until it is full, the worker's memory grows
with it by design, at this mix for minutes. So the warm-up lasts until every worker's cache
has reached its bound (within an eighth of it: from then on it evicts as much as it adds)
and at least ``--warmup-s`` (60 s); a cache that is not full after ``--max-warmup-s``
fails the run. Then ``--minutes`` are measured: the first and last minute's p50/p99
latency, and memory at the start and at the end of the measured time.

Pass (exit 0) when no request failed (warm-up included), the last minute's p99 is within
``--p99-tolerance`` (20 %) of the first's, and memory grew less than ``--rss-tolerance``
(10 %) over the measured time. Bounded by ``--max-warmup-s`` + ``--minutes``; nothing
leaves 127.0.0.1.
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
from typing import Any
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
RECONNECT_EVERY = 200
"""Requests per connection: clients do not keep one connection for ever, and with 16
connections made at once granian may give all of them to one HTTP worker, which would
leave the other worker idle for the whole run."""
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


def client(server: LiveServer, done: threading.Event, tally: Tally, seed: int) -> None:
    r = random.Random(seed)  # noqa: S311 - a traffic mix, not a secret
    queries = examples()
    source = (f"127.0.0.{10 + seed}", 0)  # its own client address: see the docstring
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60, source_address=source)
    n = 0
    while not done.is_set():
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
            conn = http.client.HTTPConnection(
                "127.0.0.1", server.port, timeout=60, source_address=source
            )
        else:
            detail = f"{status} {method} {path[:80]}"
        refused = path in REFUSED
        ok = (400 <= status < 500) if refused else (200 <= status < 400)
        with tally.lock:
            tally.samples.append(Sample(started, time.monotonic() - started, ok))
            if not ok:
                tally.errors.append(detail)
        if n % RECONNECT_EVERY == 0:
            conn.close()  # the next request opens a new connection, which any worker may take
    conn.close()


ROLES = ("front", "http_workers", "broker", "query_processes", "other")


def _processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid -> (parent pid, resident kB, command line), from /proc."""
    found: dict[int, tuple[int, int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        rss = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
        found[int(entry.name)] = (parent, rss, cmdline)
    return found


def _role(pid: int, root_pid: int, procs: dict[int, tuple[int, int, str]]) -> str | None:
    """Which part of the server ``pid`` is, or ``None`` when it is not under ``root_pid``
    (other servers on the machine have brokers and query processes too)."""
    if pid == root_pid:
        return "front"
    parent, _, cmdline = procs[pid]
    walk = parent
    while walk > 1 and walk != root_pid:
        walk = procs.get(walk, (0, 0, ""))[0]
    if walk != root_pid:
        return None
    if "server.sparql.execution.broker" in cmdline:
        return "broker"
    if "server.sparql.execution.worker" in cmdline:
        return "query_processes"
    return "http_workers" if parent == root_pid else "other"


def roles_rss_kb(root_pid: int) -> tuple[dict[str, int], dict[int, tuple[str, int]]]:
    """Resident memory (kB) of each part of the server under ``root_pid``, and per process."""
    procs = _processes()
    by_role = dict.fromkeys(ROLES, 0)
    by_pid: dict[int, tuple[str, int]] = {}
    for pid, (_, rss, _) in procs.items():
        role = _role(pid, root_pid, procs)
        if role is not None:
            by_role[role] += rss
            by_pid[pid] = (role, rss)
    return by_role, by_pid


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


@dataclass
class Memory:
    """Resident memory of the server's parts and its HTTP workers' result caches, sampled."""

    samples: list[tuple[float, dict[str, int]]] = field(default_factory=list)
    pids: dict[str, set[int]] = field(default_factory=lambda: {role: set() for role in ROLES})
    workers: set[int] = field(default_factory=set)
    cache_budget: int = 0
    cache_bytes: dict[int, int] = field(default_factory=dict)
    """The last ``bytes`` each HTTP worker's cache reported, by worker process id."""
    caches: list[tuple[float, int]] = field(default_factory=list)

    def sample(self, server: LiveServer) -> None:
        at = time.monotonic()
        by_role, by_pid = roles_rss_kb(server.process.pid)
        self.samples.append((at, by_role))
        for pid, (role, _) in by_pid.items():
            self.pids[role].add(pid)
        self.workers = {pid for pid, (role, _) in by_pid.items() if role == "http_workers"}
        self._poll_caches(server)
        self.caches.append((at, sum(self.cache_bytes.values())))

    def _poll_caches(self, server: LiveServer) -> None:
        """Ask /health (a new connection each time, which granian hands to any worker)
        until every HTTP worker has told how full its result cache is."""
        for _ in range(8 * max(1, len(self.workers))):
            status, body = server.get("/health")
            if status != 200:  # the mix asks /health too and counts a failure there
                continue
            cache = json.loads(body)["cache"]
            self.cache_budget = cache["budget"]
            self.cache_bytes[cache["worker"]] = cache["bytes"]
            if self.workers <= self.cache_bytes.keys():
                break

    def caches_full(self) -> bool:
        """Every worker's cache has evicted: it is within an eighth of its budget (the
        largest entry it keeps), and from now on it can only churn, not grow."""
        return bool(self.workers) and all(
            self.cache_bytes.get(pid, 0) >= self.cache_budget * 7 // 8 for pid in self.workers
        )


def _mb(kb: float) -> float:
    return round(kb / 1024, 1)


def _timeline(memory: Memory, start: float) -> list[dict[str, float]]:
    """Every sixth sample (30 s apart): MB per part, and in the workers' caches."""
    caches = dict(memory.caches)
    return [
        {
            "s": round(at - start),
            **{role: _mb(kb) for role, kb in roles.items() if kb},
            "caches": _mb(caches.get(at, 0) / 1024),
        }
        for n, (at, roles) in enumerate(memory.samples)
        if n % 6 == 0 or n == len(memory.samples) - 1
    ]


def memory_summary(memory: Memory, start: float, measured_from: float) -> dict[str, object]:
    """Total and per-part memory when the measurement began and at the end."""
    after = [(at, roles) for at, roles in memory.samples if at >= measured_from]
    if not after:
        return {}
    first, last = after[0][1], after[-1][1]
    parts = {
        role: {
            "mb_after_warmup": _mb(first[role]),
            "mb_end": _mb(last[role]),
            "processes_seen": len(memory.pids[role]),
        }
        for role in ROLES
        if memory.pids[role]
    }
    return {
        "rss_mb_after_warmup": _mb(sum(first.values())),
        "rss_mb_end": _mb(sum(last.values())),
        "rss_mb_max": _mb(max(sum(roles.values()) for _, roles in after)),
        "rss_by_part": parts,
        "cache_budget_mb_per_worker": _mb(memory.cache_budget / 1024),
        "rss_timeline_mb": _timeline(memory, start),
    }


def _latency(samples: list[Sample]) -> dict[str, float]:
    values = [s.latency for s in samples]
    return {
        "requests": len(values),
        "p50": round(percentile(values, 0.5) * 1000, 1),
        "p99": round(percentile(values, 0.99) * 1000, 1),
    }


def summarize(
    tally: Tally, start: float, measured_from: float | None, end: float, memory: Memory
) -> dict[str, object]:
    """The run's figures; ``measured_from`` is when the warm-up ended (``None``: never)."""
    begin = measured_from if measured_from is not None else end
    measured = [s for s in tally.samples if s.at >= begin]
    return {
        "requests": len(tally.samples),
        "errors": len(tally.errors),
        "error_examples": sorted(set(tally.errors))[:10],
        "warmup_s": round(begin - start, 1),
        "warmup_ended": measured_from is not None,
        "measured_s": round(end - begin, 1),
        "measured_requests_per_s": round(len(measured) / (end - begin), 1) if measured else 0,
        "first_minute_ms": _latency([s for s in measured if s.at < begin + 60]),
        "last_minute_ms": _latency([s for s in measured if s.at >= end - 60]),
        **memory_summary(memory, start, measured_from if measured_from is not None else start),
        "cache_mb_by_worker": {pid: _mb(b / 1024) for pid, b in memory.cache_bytes.items()},
    }


def _traffic(
    args: argparse.Namespace, server: LiveServer, tally: Tally, memory: Memory
) -> tuple[float, float | None]:
    """Warm up, then measure for ``--minutes``; the start and when the warm-up ended."""
    done = threading.Event()
    threads = [
        threading.Thread(target=client, args=(server, done, tally, i + 1))
        for i in range(args.concurrency)
    ]
    start = time.monotonic()
    measured_from: float | None = None
    stop = start + args.max_warmup_s
    try:
        for thread in threads:
            thread.start()
        while time.monotonic() < stop:
            memory.sample(server)
            now = time.monotonic()
            warm = now >= start + args.warmup_s and memory.caches_full()
            if measured_from is None and warm:
                measured_from, stop = now, now + args.minutes * 60
            time.sleep(5)
        memory.sample(server)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=90)
    return start, measured_from


def run(args: argparse.Namespace) -> dict[str, object]:
    server = launch(
        args.out,
        Path(tempfile.mkdtemp(prefix="soak-logs-")),
        "--rate-limit-per-s",
        "0",
        "--no-access-log",
        *args.server_args,
    )
    tally, memory = Tally(), Memory()
    try:
        start, measured_from = _traffic(args, server, tally, memory)
        end = time.monotonic()
        processes = server.health()["queries"]["processes"]
    finally:
        server.stop()
    summary = summarize(tally, start, measured_from, end, memory)
    summary["query_processes"] = processes
    return summary


def verdict(summary: dict[str, Any], p99_tolerance: float, rss_tolerance: float) -> list[str]:
    failures = []
    if summary["errors"]:
        failures.append(f"{summary['errors']} errors")
    if not summary["warmup_ended"]:
        failures.append(f"the caches were not full after {summary['warmup_s']} s of warm-up")
        return failures
    first = summary["first_minute_ms"]["p99"]
    last = summary["last_minute_ms"]["p99"]
    if first and last > first * (1 + p99_tolerance):
        failures.append(f"last minute p99 {last} ms > first {first} ms + {p99_tolerance:.0%}")
    base, end = summary["rss_mb_after_warmup"], summary["rss_mb_end"]
    if base and end > base * (1 + rss_tolerance):
        failures.append(f"memory grew from {base} MB to {end} MB")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a build folder (cgkg build)")
    parser.add_argument("--minutes", type=float, default=10.0, help="measured, after warm-up")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup-s", type=float, default=60.0, help="warm-up at least")
    parser.add_argument("--max-warmup-s", type=float, default=600.0, help="warm-up at most")
    parser.add_argument("--p99-tolerance", type=float, default=0.20)
    parser.add_argument("--rss-tolerance", type=float, default=0.10)
    parser.add_argument("--json", type=Path, help="also write the summary here")
    parser.add_argument("server_args", nargs="*", help="after --: more flags for python -m server")
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
