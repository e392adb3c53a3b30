"""Time and peak memory of the full build on the real data, split by stage.

Usage: python benchmarks/build_benchmark.py [--runs N]

Each run is a fresh process (so peak memory is that run's own), building into
a temporary folder. Prints one line per run and the median per stage.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile

RUN_ONE = """
import json, resource, sys, tempfile, time
from pathlib import Path
from loader.pipeline import build
from loader.settings import BuildSettings
start = time.perf_counter()
result = build(BuildSettings(out_dir=Path(sys.argv[1])))
total = time.perf_counter() - start
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"total": total, "peak_mib": peak_mib, **result.timings}))
"""


def run_once() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, "-c", RUN_ONE, out], capture_output=True, text=True, check=True
        )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = [run_once() for _ in range(args.runs)]
    keys = list(runs[0])
    for index, run in enumerate(runs, 1):
        print(f"run {index}: " + "  ".join(f"{k} {run[k]:.2f}" for k in keys))
    print("median: " + "  ".join(f"{k} {statistics.median(r[k] for r in runs):.2f}" for k in keys))
    print("(seconds per stage; peak_mib is the peak resident memory of the build process)")


if __name__ == "__main__":
    main()
