"""Load clients for bench.py: wrk with mix.lua (preferred), or the Python loadgen.

Both keep ``concurrency`` keep-alive connections with one GET in flight each
(a closed loop), cycle through a mix's request targets, send ``Accept`` and
``Accept-Encoding: gzip`` like a client library would, run 1 s of warm-up
(not measured) and then ``duration`` seconds. Errors are every non-2xx
response and every socket error or timeout.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))  # loadgen.py is a sibling module
import loadgen  # type: ignore[import-not-found, unused-ignore]

__all__ = ["ACCEPT", "Load", "Measurement", "require_wrk", "run_python", "run_wrk"]

ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
LUA = Path(__file__).resolve().parent / "mix.lua"
WARMUP_S = 1.0
UNIQUE_SUFFIX = quote("\n# ", safe="")
"""bench_mixes.UNIQUE_MARK URL-encoded, as mix.lua appends it."""
WRK_INSTALL = "apt-get install -y wrk (Debian/Ubuntu), brew install wrk (macOS)"


@dataclass(frozen=True)
class Load:
    """One measured cell: where to send, what, how many at once, how long."""

    port: int
    targets: tuple[str, ...]
    unique: bool
    salt: str
    concurrency: int
    duration_s: float
    client_threads: int = 1
    """wrk threads (at most ``concurrency``); one does about 95,000 requests/s here."""
    timeout_s: int = 30
    """wrk counts a request with no answer within this many seconds as an error."""


@dataclass(frozen=True)
class Measurement:
    """One timed run. Latencies are over every response, errors included."""

    requests: int
    """Responses received, whatever their status."""
    non2xx: int
    errors: int
    """Non-2xx responses plus socket errors and timeouts."""
    elapsed_s: float
    p50_ms: float
    p99_ms: float
    client_cpu_s: float

    @property
    def rps(self) -> float:
        """Successful (2xx) responses per second."""
        return (self.requests - self.non2xx) / self.elapsed_s if self.elapsed_s else 0.0


def require_wrk() -> str:
    """The path of wrk, or exit saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            f"bench.py: wrk is not installed. Install it with: {WRK_INSTALL}; "
            "or run with --client python (slower, takes more CPU from the servers)."
        )
    return path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wrk_once(wrk: str, load: Load, duration_s: float, salt: str, listing: Path) -> dict[str, int]:
    threads = max(1, min(load.concurrency, load.client_threads))
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{load.concurrency}",
        f"-d{max(1, round(duration_s))}s",  # wrk takes whole seconds
        "--timeout",
        f"{load.timeout_s}s",
        "-H",
        f"Accept: {ACCEPT}",
        "-H",
        "Accept-Encoding: gzip",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{load.port}",
        "--",
        str(listing),
        "unique" if load.unique else "repeat",
        salt,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=duration_s + 60)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(
            f"wrk failed ({done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}"
        )
    figures: dict[str, int] = json.loads(lines[-1])
    return figures


def run_wrk(wrk: str, load: Load) -> Measurement:
    """Warm up for 1 s, then measure ``load`` with wrk (``duration`` of wrk's own clock).

    Between the two, a pause of the warm-up's p99 latency: the requests the warm-up
    left in flight when it closed its connections are still being answered, and
    would otherwise count against the measured load's admission (a client may have
    only so many queries running and waiting: the surplus is refused with 503)."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "targets.txt"
        listing.write_text("\n".join(load.targets) + "\n", encoding="ascii")
        warm = _wrk_once(wrk, load, WARMUP_S, f"{load.salt}w", listing)
        time.sleep(min(load.timeout_s, warm["p99_us"] / 1e6 + 0.1))
        cpu = _children_cpu()
        figures = _wrk_once(wrk, load, load.duration_s, load.salt, listing)
        cpu = _children_cpu() - cpu
    errors = sum(figures[k] for k in ("non2xx", "connect", "read", "write", "timeout"))
    return Measurement(
        requests=figures["requests"],
        non2xx=figures["non2xx"],
        elapsed_s=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=errors,
        client_cpu_s=cpu,
    )


def _python_requests(load: Load) -> list[loadgen.Request]:
    mark = UNIQUE_SUFFIX if load.unique else ""
    tail = (
        f" HTTP/1.1\r\nHost: 127.0.0.1:{load.port}\r\nAccept: {ACCEPT}\r\n"
        "Accept-Encoding: gzip\r\n\r\n"
    ).encode()
    return [(f"GET {target}{mark}".encode(), tail) for target in load.targets]


def run_python(load: Load) -> Measurement:
    """Measure ``load`` with loadgen.py in this process (1 s warm-up included)."""
    salt = load.salt.encode() if load.unique else None
    cpu = time.process_time()
    result = loadgen.run(
        "127.0.0.1",
        load.port,
        _python_requests(load),
        load.concurrency,
        load.duration_s,
        WARMUP_S,
        salt,
    )
    cpu = time.process_time() - cpu
    lat = sorted(result.latencies)
    return Measurement(
        requests=len(lat),
        non2xx=sum(n for status, n in result.statuses.items() if not 200 <= status <= 299),
        elapsed_s=result.elapsed,
        p50_ms=statistics.median(lat) * 1000 if lat else 0.0,
        p99_ms=lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000 if lat else 0.0,
        errors=result.errors,
        client_cpu_s=cpu * load.duration_s / (load.duration_s + WARMUP_S),
    )
