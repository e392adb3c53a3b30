"""benchmarks/bench_scale.py and bench_validation.py, CI-sized slices: 1x only, one load
each side (the full runs at 1x, 100x and 1,000x: docs/benchmarks.md, "Build at scale")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_a_1x_run_records_every_stage_and_both_loads(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    command = [sys.executable, str(BENCHMARKS / "bench_scale.py"), "--scales", "1"]
    subprocess.run(
        [*command, "--load-runs", "1", "--json", str(out), "--keep", str(tmp_path / "work")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    figures = json.loads(out.read_text("utf-8"))
    (row,) = figures["rows"]
    assert row["triples"] > 4000
    assert row["load_quads"] > 3000
    for stage in ("parse", "rdf", "shacl", "dumps", "store", "lookup", "search"):
        assert row[stage] > 0, stage
    for side in ("ours", "ours_step", "oxigraph", "ours_cpu", "oxigraph_cpu"):
        assert len(row["loads"][side]) == 1, side
    assert row["ratio"] > 0
    assert figures["machine"]["pyshacl-turbo"]
    assert (tmp_path / "work" / "out-1" / "current" / "manifest.json").is_file()


def test_a_1x_validation_run_times_each_part_and_conforms(tmp_path: Path) -> None:
    out = tmp_path / "validation.json"
    script = str(BENCHMARKS / "bench_validation.py")
    subprocess.run(
        [sys.executable, script, "--scales", "1", "--json", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (row,) = json.loads(out.read_text("utf-8"))
    assert row["conforms"] is True
    assert row["quads"] > 3000
    for part in ("store", "core", "sparql"):
        assert row[part]["cpu"] > 0, part
