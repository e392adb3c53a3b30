"""The build's validation at scale, by part: how each part grows with the data.

Usage: python benchmarks/bench_validation.py --scales 10 100 1000 [--data DIR] [--json FILE]

For each scale, in a fresh process: synthetic data (``cgkg generate``, seed 1, or
``--data DIR/data-SCALE`` when it is there), mapped to quads as the build maps them
(loader.pipeline.map_graph), then the three parts of the build's shacl stage, each
timed in wall and CPU seconds: the in-memory store the validation reads, SHACL Core
in pyshacl-turbo, and the SPARQL constraints once each over the store in Oxigraph.
Wall time on a shared machine depends on the other jobs; CPU time much less, so the
growth between scales is read from CPU time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ONE = """
import json, resource, sys, time
from pathlib import Path
from loader.pipeline import Timer, map_graph, memory_store
from loader.settings import BuildSettings
from loader.synthetic import SYNTHETIC_BASE_IRI
from loader.validate import validate_core, validate_sparql

def clock():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), usage.ru_utime + usage.ru_stime

def since(start):
    wall, cpu = clock()
    return {"wall": wall - start[0], "cpu": cpu - start[1]}

settings = BuildSettings(data_dir=Path(sys.argv[1]), out_dir=Path(sys.argv[2]),
                         base_iri=SYNTHETIC_BASE_IRI)
mapped = map_graph(settings, Timer())
figures = {"quads": len(mapped.quads)}
start = clock()
store = memory_store(mapped.quads)
figures["store"] = since(start)
start = clock()
conforms, report, root = validate_core(store, mapped.shapes)
figures["core"] = since(start)
start = clock()
conforms = validate_sparql(store, mapped.shapes, report, root) and conforms
figures["sparql"] = since(start)
figures["conforms"] = conforms
figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(figures))
"""


def data_for(scale: int, given: Path | None, work: Path) -> Path:
    if given and (given / f"data-{scale}").is_dir():
        return given / f"data-{scale}"
    data = work / f"data-{scale}"
    command = [sys.executable, "-m", "loader", "generate", str(data), "--scale", str(scale)]
    subprocess.run([*command, "--seed", "1"], check=True, capture_output=True)
    return data


def measure(scale: int, data: Path, work: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", ONE, str(data), str(work / f"out-{scale}")],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {"scale": scale, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--data", type=Path, help="a folder holding data-SCALE folders")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="cgkg-validation-") as folder:
        for scale in args.scales:
            row = measure(scale, data_for(scale, args.data, Path(folder)), Path(folder))
            print(json.dumps(row), flush=True)
            rows.append(row)
    print("| scale | quads | store (wall / CPU) | SHACL Core | SPARQL constraints | peak MiB |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        parts = " | ".join(
            f"{row[p]['wall']:.1f} s / {row[p]['cpu']:.1f} s" for p in ("store", "core", "sparql")
        )
        print(f"| {row['scale']}× | {row['quads']:,} | {parts} | {row['peak_mib']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
