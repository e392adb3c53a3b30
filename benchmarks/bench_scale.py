"""The build at scale on synthetic data, and its store load side by side with ``oxigraph load``.

Usage: python benchmarks/bench_scale.py --scales 1 100 1000 [--load-runs 3] [--json FILE]
       [--keep DIR]

For each scale: ``cgkg generate`` (loader/synthetic.py, seed 1) into a temporary
folder, then the whole build in a fresh process under the synthetic IRI space
(stage times, triples, peak resident memory of that process). Then, on that
build's ``dumps/cgkg.nq``, the build's store step (``loader.store.create_store``:
pyoxigraph ``bulk_load`` into a new on-disk store) and Oxigraph's own
``oxigraph load --location DIR --file cgkg.nq``, alternated ``--load-runs``
times, each a fresh process into a fresh folder; the ratio is ours / Oxigraph
in triples per second (> 1: ours is faster), over whole processes and over the
build's step alone (the seconds inside our process, without Python's start-up,
against Oxigraph's whole process). Prints one line per scale and a markdown
table; ``--json`` keeps everything with the machine, versions and load average;
``--keep DIR`` builds in DIR and keeps each release (``DIR/out-SCALE``);
``--loads-only RELEASE...`` compares the loads of releases built before.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from loader.synthetic import SYNTHETIC_BASE_IRI

BUILD_ONE = """
import json, resource, sys, time
from pathlib import Path
from loader.pipeline import build
from loader.settings import BuildSettings
start = time.perf_counter()
data, out, base = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
settings = BuildSettings(data_dir=data, out_dir=out, base_iri=base)
result = build(settings)
total = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
print(json.dumps({"total": total, "cpu": cpu, "peak_mib": peak,
                  "triples": result.manifest["triples"], "release": str(result.release_dir),
                  **result.timings}))
"""
LOAD_OURS = """
import sys, time
from pathlib import Path
from loader.store import create_store
start = time.perf_counter()
create_store(Path(sys.argv[1]), Path(sys.argv[2])).flush()
print(time.perf_counter() - start)
"""


def build_at(scale: int, work: Path) -> dict[str, Any]:
    data = work / f"data-{scale}"
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "loader",
            "generate",
            str(data),
            "--scale",
            str(scale),
            "--seed",
            "1",
        ],
        check=True,
        capture_output=True,
    )
    generate = time.perf_counter() - start
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            BUILD_ONE,
            str(data),
            str(work / f"out-{scale}"),
            SYNTHETIC_BASE_IRI,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["generate"] = generate
    return figures


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall and CPU (user + system) seconds of the whole process, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, done.stdout


def loads(nquads: Path, runs: int, work: Path) -> dict[str, list[float]]:
    """Seconds per load, ours and Oxigraph's alternated, each a fresh process into a fresh
    folder; ``ours_step`` is the part of ours the build pays (no Python start-up), and
    ``*_cpu`` the CPU seconds of each process (less sensitive than wall time to the other
    jobs on a shared machine)."""
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    times: dict[str, list[float]] = {
        "ours": [],
        "ours_step": [],
        "oxigraph": [],
        "ours_cpu": [],
        "oxigraph_cpu": [],
    }
    for run in range(runs):
        for name in ("ours", "oxigraph") if run % 2 == 0 else ("oxigraph", "ours"):
            target = work / f"load-{name}-{run}"
            if name == "ours":
                command = [sys.executable, "-c", LOAD_OURS, str(target), str(nquads)]
            else:
                command = [oxigraph, "load", "--location", str(target), "--file", str(nquads)]
            seconds, cpu, printed = timed(command)
            times[name].append(seconds)
            times[f"{name}_cpu"].append(cpu)
            if name == "ours":
                times["ours_step"].append(float(printed.split()[-1]))
            shutil.rmtree(target, ignore_errors=True)
    return times


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


STAGES = (
    "generate",
    "parse",
    "rdf",
    "shacl",
    "dumps",
    "store",
    "lookup",
    "search",
    "publish",
    "total",
)


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| scale | triples | " + " | ".join(STAGES) + " | peak MiB | load ours k/s "
        "| oxigraph load k/s | ratio | ratio, build step |",
        "|" + "---|" * (len(STAGES) + 7),
    ]
    for row in rows:
        stages = " | ".join(f"{row.get(s, 0.0):.1f} s" for s in STAGES)
        lines.append(
            f"| {row['scale']}× | {row['triples']:,} | {stages} | {row['peak_mib']:.0f} "
            f"| {row['ours_kps']:.0f} | {row['oxigraph_kps']:.0f} | {row['ratio']:.2f} "
            f"| {row['step_ratio']:.2f} |"
        )
    return "\n".join(lines)


def measure(scale: int, work: Path, load_runs: int) -> dict[str, Any]:
    """One scale: the build, then the loads side by side, with the load average around them."""
    before = load_average()
    row = build_at(scale, work)
    row.update(scale=scale, **compare_loads(Path(str(row["release"])), load_runs, work))
    row["load_average"] = {"before": before, "after": load_average()}
    return row


def compare_loads(release: Path, load_runs: int, work: Path) -> dict[str, Any]:
    """The loads of ``release/dumps/cgkg.nq``, ours and Oxigraph's, and their ratios."""
    nquads = release / "dumps" / "cgkg.nq"
    triples = sum(1 for _ in nquads.open("rb"))
    times = loads(nquads, load_runs, work)
    row: dict[str, Any] = {"nquads": str(nquads), "load_quads": triples, "loads": times}
    row["ours_kps"] = triples / statistics.median(times["ours"]) / 1000
    row["step_kps"] = triples / statistics.median(times["ours_step"]) / 1000
    row["oxigraph_kps"] = triples / statistics.median(times["oxigraph"]) / 1000
    row["ratio"] = row["ours_kps"] / row["oxigraph_kps"]
    row["step_ratio"] = row["step_kps"] / row["oxigraph_kps"]
    return row


def machine() -> dict[str, Any]:
    names = ("pyoxigraph", "oxigraph", "pyshacl-turbo", "pyshacl", "rdflib", "pyld", "tantivy")
    return {
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1),
        "python": platform.python_version(),
        **{name: version(name) for name in names},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=int, nargs="*", default=[1, 100])
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the releases")
    parser.add_argument(
        "--loads-only",
        type=Path,
        nargs="*",
        default=[],
        metavar="RELEASE",
        help="built releases whose dumps/cgkg.nq to load side by side, without building",
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="cgkg-scale-") as folder:
        work = args.keep or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        for scale in args.scales:
            row = measure(scale, work, args.load_runs)
            print(json.dumps({k: v for k, v in row.items() if k != "release"}), flush=True)
            rows.append(row)
            if not args.keep:
                shutil.rmtree(work / f"out-{scale}", ignore_errors=True)
        for release in args.loads_only:
            before = load_average()
            row = {"release": str(release), **compare_loads(release, args.load_runs, work)}
            row["load_average"] = {"before": before, "after": load_average()}
            print(json.dumps(row), flush=True)
            rows.append(row)
    print(report([row for row in rows if "scale" in row]))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
