"""Benchmark: our SPARQL endpoint against Oxigraph's own server, side by side, in one run.

    .venv/bin/cgkg build --out /tmp/bench-out
    .venv/bin/python benchmarks/bench.py --out /tmp/bench-out --duration 5 --json results.json

Mixes (benchmarks/bench_mixes.py), each at every ``--concurrency`` (1 and 8):

* ``examples``: the 17 example queries of queries/ (not the ``*-violation``
  checks), cycled; repeated, so our result cache answers after warm-up.
* ``unique``: the same, each request with its own trailing comment line
  ``# <salt>-<slot>-<n>``: no request is the same twice, no cache helps.
* ``lookup``: one division by its GB/T 2260 code (``cgkg:divisionCode``), the
  release's codes cycled (95 in the real release; at most ``--lookup-codes``,
  evenly spaced), a small SELECT; repeated.

Targets (benchmarks/bench_targets.py), all on 127.0.0.1, started together and
measured in turn cell by cell, so that each ratio compares figures taken
seconds apart on this noisy machine:

* ours: ``python -m server`` by default, with its defaults (time
  limit, row and byte caps, SERVICE policy, cache) except ``--rate-limit-per-s 0``
  (the load comes from one client) and ``--no-access-log``. ``--server
  [LABEL=]COMMAND`` replaces it (repeat it to compare several fronts in one
  run); ``{python}``, ``{out}``, ``{host}`` and ``{port}`` are filled in.
* ``oxigraph-memory``: ``oxigraph serve`` on an in-memory store loaded with the
  release's ``dumps/cgkg.nq``; ``oxigraph-disk``: ``oxigraph load`` of that dump,
  then ``oxigraph serve-read-only``. Both ``--union-default-graph``, no
  ``--timeout-s`` unless ``--oxigraph-timeout-s`` (Oxigraph 0.5.13 answers most
  requests with 500 at concurrency 8 when a time limit is set).
* ``front``: ours (the first ``--server`` command) with ``--sparql-endpoint``,
  fronting an Oxigraph server on disk of its own, set up as ``oxigraph-disk`` with
  the publication record ``cgkg publish`` writes (bench_targets.py).

After every cell the resident memory of the target measured is sampled (RSS and
PSS summed over its processes, benchmarks/bench_memory.py); the largest sample
per target is reported.

Load: wrk with benchmarks/mix.lua (``--client wrk``, the default; ``apt-get
install -y wrk``), or benchmarks/loadgen.py (``--client python``), which takes
more CPU per request from the two cores the servers share (see loadgen.py).
Keep-alive GETs in a closed loop, 1 s warm-up, then ``--duration`` seconds.
Before timing, every target is checked (benchmarks/bench_checks.py).

Printed: one line per measured run, then a markdown table of requests/s with
p50 / p99 latency (ms) and errors per mix, concurrency and target, and the
ratios ours / oxigraph-memory and ours / oxigraph-disk. ``--json`` writes all
of it, with the machine and versions.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the bench_* modules are siblings
import bench_checks  # type: ignore[import-not-found, unused-ignore]
import bench_clients  # type: ignore[import-not-found, unused-ignore]
import bench_memory  # type: ignore[import-not-found, unused-ignore]
import bench_mixes  # type: ignore[import-not-found, unused-ignore]
import bench_report  # type: ignore[import-not-found, unused-ignore]
import bench_targets  # type: ignore[import-not-found, unused-ignore]
from bench_mixes import Mix  # type: ignore[import-not-found, unused-ignore]
from bench_report import Cell  # type: ignore[import-not-found, unused-ignore]
from bench_targets import Target  # type: ignore[import-not-found, unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
OX_TARGETS = ("oxigraph-memory", "oxigraph-disk")
TARGETS = ("ours", "front", *OX_TARGETS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "build", help="build folder (cgkg build)")
    p.add_argument("--duration", type=int, default=5, help="seconds measured per cell")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    p.add_argument(
        "--mixes",
        nargs="+",
        choices=bench_mixes.MIX_NAMES,
        default=["examples", "unique", "lookup"],
    )
    p.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TARGETS))
    p.add_argument(
        "--server",
        action="append",
        metavar="[LABEL=]COMMAND",
        help="command that starts our server; {python} {out} {host} {port} are filled in; "
        "repeatable (default: ours=" + bench_targets.DEFAULT_SERVER + ")",
    )
    p.add_argument("--server-cwd", type=Path, default=ROOT, help="working folder of our server")
    p.add_argument("--client", choices=("wrk", "python"), default="wrk", help="load generator")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (at most concurrency)")
    p.add_argument("--repeat", type=int, default=1, help="runs per cell; the median is kept")
    p.add_argument("--oxigraph-timeout-s", type=int, help="pass --timeout-s to Oxigraph")
    p.add_argument(
        "--lookup-codes", type=int, default=500, help="most division codes in the lookup mix"
    )
    p.add_argument(
        "--request-timeout-s", type=int, default=30, help="wrk: a request this slow is an error"
    )
    p.add_argument("--json", type=Path, help="also write the results as JSON here")
    return p.parse_args(argv)


def servers(specs: list[str] | None) -> list[tuple[str, str]]:
    """``(label, command template)`` for each ``--server``; labels default to ours, ours2..."""
    found = []
    for index, spec in enumerate(specs or [bench_targets.DEFAULT_SERVER], 1):
        match = re.fullmatch(r"([A-Za-z][\w.-]*)=(.+)", spec, flags=re.DOTALL)
        default = "ours" if index == 1 else f"ours{index}"
        found.append((match[1], match[2]) if match else (default, spec))
    labels = [label for label, _ in found]
    if len(set(labels)) != len(labels) or set(labels) & set(TARGETS[1:]):
        raise SystemExit(f"bench.py: --server labels must be unique and not {TARGETS[1:]}")
    return found


def release(out: Path) -> tuple[Path, dict[str, Any]]:
    """The current release folder of ``out`` and its manifest."""
    folder = (out / "current").resolve()
    try:
        manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    except OSError as exc:
        raise SystemExit(
            f"bench.py: no release in {out} ({exc}); run cgkg build --out {out}"
        ) from None
    return folder, manifest


def nquads_dump(folder: Path, manifest: dict[str, Any]) -> Path:
    for dump in manifest["dumps"]:
        if dump["path"].endswith(".nq"):
            return folder / str(dump["path"])
    raise SystemExit("bench.py: the release has no N-Quads dump")


def start_targets(
    stack: ExitStack, args: argparse.Namespace, store_dir: Path, workdir: Path, nquads: Path
) -> list[Target]:
    targets = []
    if "ours" in args.targets:
        for label, template in servers(args.server):
            targets.append(
                bench_targets.ours(
                    stack, label, template, args.out.resolve(), workdir, args.server_cwd
                )
            )
    timeout = args.oxigraph_timeout_s
    files = bench_targets.dataset_files(store_dir, nquads, workdir)
    if len(files) > 1:
        print(f"{nquads.name} lacks graphs of the store: Oxigraph also gets {files[1].name}")
    if "oxigraph-memory" in args.targets:
        targets.append(bench_targets.oxigraph_memory(stack, files, workdir, timeout))
    if "oxigraph-disk" in args.targets:
        targets.append(bench_targets.oxigraph_disk(stack, files, workdir, timeout))
    if "front" in args.targets:
        template = servers(args.server)[0][1]
        release = (args.out.resolve(), store_dir.parent)
        targets.append(bench_targets.front(stack, template, release, files, workdir, timeout))
    return targets


def check(targets: list[Target], mixes: list[Mix], triples: int) -> None:
    answers = {t.name: bench_checks.check_target(t, mixes, triples) for t in targets}
    for warning in bench_checks.disagreements(answers):
        print(f"warning: {warning}")
    print(f"checked: {', '.join(answers)} answer every query of {', '.join(m.name for m in mixes)}")


def measure_one(
    args: argparse.Namespace, target: Target, mix: Mix, conc: int, salt: str, run: int
) -> Cell:
    load = bench_clients.Load(
        port=target.port,
        targets=tuple(bench_mixes.request_target(target.path, q) for q in mix.queries),
        unique=mix.unique,
        salt=salt,
        concurrency=conc,
        duration_s=args.duration,
        client_threads=args.wrk_threads,
        timeout_s=args.request_timeout_s,
    )
    if args.client == "wrk":
        measurement = bench_clients.run_wrk(bench_clients.require_wrk(), load)
    else:
        measurement = bench_clients.run_python(load)
    return Cell(target.name, mix.name, conc, run, measurement)


def measure(
    args: argparse.Namespace, targets: list[Target], mixes: list[Mix], memory: dict[str, Any]
) -> list[Cell]:
    """Every run: rounds of (mix, concurrency, target), printed as they finish; the
    largest memory sample of each target after its cells goes into ``memory``."""
    stamp = f"{time.time_ns():x}"
    runs, failed = [], set()
    for run in range(max(1, args.repeat)):
        for mix in mixes:
            for conc in args.concurrency:
                for index, target in enumerate(targets):
                    if target.name in failed:
                        continue
                    salt = f"{stamp}r{run}t{index}c{conc}"
                    before = bench_memory.cpu_by_role(target.groups)
                    try:
                        cell = measure_one(args, target, mix, conc, salt, run)
                    except (RuntimeError, OSError) as exc:  # e.g. the server died
                        print(f"{target.name} failed on {mix.name} c={conc}, dropped: {exc}")
                        failed.add(target.name)
                        continue
                    cell = _with_cpu(cell, before, bench_memory.cpu_by_role(target.groups))
                    print(bench_report.row_line(cell), flush=True)
                    runs.append(cell)
                    _sample_memory(memory, target)
    return runs


def _with_cpu(cell: Cell, before: dict[str, float], after: dict[str, float]) -> Cell:
    """``cell`` with the target's CPU milliseconds per request in it, by role (warm-up
    included, so slightly high; processes that ended meanwhile are left out)."""
    requests = max(1, cell.measurement.requests)
    spent = {role: after[role] - before.get(role, 0.0) for role in after}
    per_request = {role: round(s * 1000 / requests, 3) for role, s in spent.items() if s > 0}
    return dataclasses.replace(cell, cpu_ms_per_request=per_request)


def _sample_memory(memory: dict[str, Any], target: Target) -> None:
    sample = bench_memory.memory_of(target.groups)
    if target.name not in memory or sample.pss_mib > memory[target.name].pss_mib:
        memory[target.name] = sample


def kept_cells(runs: list[Cell]) -> list[Cell]:
    groups: dict[tuple[str, str, int], list[Cell]] = {}
    for cell in runs:
        groups.setdefault((cell.target, cell.mix, cell.concurrency), []).append(cell)
    return [bench_report.median_cell(group) for group in groups.values()]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.client == "wrk":
        bench_clients.require_wrk()
    folder, manifest = release(args.out)
    store_dir = folder / manifest["store"]
    mixes = bench_mixes.build_mixes(args.mixes, store_dir, args.lookup_codes)
    meta: dict[str, Any] = {"release": manifest["build_id"], "triples": manifest["triples"]}
    meta |= bench_report.machine(args.client)
    print(", ".join(f"{k} {v}" for k, v in meta.items()))
    print(", ".join(f"{m.name}: {len(m.queries)} queries" for m in mixes))
    with tempfile.TemporaryDirectory(prefix="cgkg-bench-") as tmp, ExitStack() as stack:
        nquads = nquads_dump(folder, manifest)
        targets = start_targets(stack, args, store_dir, Path(tmp), nquads)
        check(targets, mixes, manifest["triples"])
        memory: dict[str, Any] = {t.name: bench_memory.memory_of(t.groups) for t in targets}
        runs = measure(args, targets, mixes, memory)
    kept = kept_cells(runs)
    ours = [t.name for t in targets if t.ours]
    print()
    print(bench_report.ratio_table(kept, ours))
    print()
    print(bench_report.memory_table(memory))
    meta |= {"loadavg_after": bench_report.machine(args.client)["loadavg"]}
    meta |= {"duration_s": args.duration, "repeat": args.repeat, "argv": sys.argv}
    meta |= {"servers": dict(servers(args.server)), "oxigraph_timeout_s": args.oxigraph_timeout_s}
    meta |= {"memory": {name: dataclasses.asdict(m) for name, m in memory.items()}}
    if args.json:
        bench_report.write_json(args.json, meta, kept, runs)
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
