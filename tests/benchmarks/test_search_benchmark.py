"""benchmarks/search_benchmark.py, a CI-sized slice: the real data only, one run of each
measure, over HTTP against the server it starts (the full run: docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "search_benchmark.py"


def test_a_short_run_records_the_index_and_every_text(built_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    slice_args = ["--runs", "1", "--peer-runs", "1", "--json", str(out)]
    subprocess.run(
        [sys.executable, str(SCRIPT), "--real", str(built_out), "--no-synthetic", *slice_args],
        check=True,
        capture_output=True,
        timeout=300,
    )
    real = json.loads(out.read_text("utf-8"))["real"]
    assert real["index"]["documents"] > 0
    assert real["index"]["index_mib"] > 0
    three = next(t for t in real["texts"] if t["text"] == "三社联动")
    # The peer scans the same texts the index holds: both find the same resources.
    assert three["rows"]["search"] == three["rows"]["peer_regex"] > 0
    assert all(t["search"]["samples"] == 1 for t in real["texts"])
