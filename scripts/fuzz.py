"""The long fuzz run: the hostile-request corpus of tests/server/hostile.py against the
production server on 127.0.0.1, at any size (the suite sends 2,400 of them).

    .venv/bin/cgkg build --out /tmp/fuzz-out
    .venv/bin/python scripts/fuzz.py --out /tmp/fuzz-out --count 20000 --seed 1

It starts ``python -m server`` on a free loopback port (``--rate-limit-per-s 0``, two
workers), sends the requests from ``--clients`` threads, and prints the counts by status
and by request class, every fault (a 5xx that is not a 503 with Retry-After, an error of the
application outside the documented shape, the HTTP server's own refusal of a well-formed
request, no answer) with one example each, and the wall time. Exit status 1 if any fault.
Bounded: ``--count`` requests, each with a 30 s socket timeout; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server.hostile import Answer, Hostile, corpus, send
from tests.server.support import launch
from tests.server.test_fuzz import faults


def run(out: Path, seed: int, count: int, clients: int) -> int:
    server = launch(
        out,
        Path(tempfile.mkdtemp(prefix="fuzz-logs-")),
        "--workers",
        "2",
        "--rate-limit-per-s",
        "0",
    )
    started = time.monotonic()
    try:
        requests = list(corpus(seed, count))
        with ThreadPoolExecutor(clients) as pool:
            answers = list(pool.map(lambda r: send(server.port, r), requests))
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    report(requests, answers, elapsed)
    return 1 if any(faults(r, a) for r, a in zip(requests, answers, strict=True)) else 0


def report(requests: list[Hostile], answers: list[Answer | None], elapsed: float) -> None:
    statuses = Counter(a.status if a else 0 for a in answers)
    kinds = Counter(r.kind for r in requests)
    problems: Counter[str] = Counter()
    examples: dict[str, bytes] = {}
    for request, answer in zip(requests, answers, strict=True):
        for fault in faults(request, answer):
            key = f"{request.kind}: {fault}"
            problems[key] += 1
            examples.setdefault(key, request.wire[:300])
    print(f"{len(requests)} requests in {elapsed:.1f} s ({len(requests) / elapsed:.0f}/s)")
    print("by status (0: no answer):", dict(sorted(statuses.items())))
    print("by class:", dict(sorted(kinds.items())))
    print(f"faults: {sum(problems.values())}")
    for key, n in problems.most_common():
        print(f"  {n:6d}  {key}  e.g. {examples[key]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a build folder (cgkg build)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    return run(args.out, args.seed, args.count, args.clients)


if __name__ == "__main__":
    sys.exit(main())
