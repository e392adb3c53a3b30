"""benchmarks/lookup_benchmark.py, a CI-sized slice: the real data only, a few names, one
round, over HTTP against the server it starts (the full run: docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "lookup_benchmark.py"


def test_a_short_run_records_lookup_batch_and_peer(built_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    slice_args = [
        "--names",
        "10",
        "--rounds",
        "1",
        "--peer-names",
        "5",
        "--peer-rounds",
        "1",
        "--json",
        str(out),
    ]
    subprocess.run(
        [sys.executable, str(SCRIPT), "--real", str(built_out), "--no-synthetic", *slice_args],
        check=True,
        capture_output=True,
        timeout=300,
    )
    real = json.loads(out.read_text("utf-8"))["real"]
    assert real["lookup"]["samples"] == 10
    assert real["lookup"]["names_with_candidates"] == 10
    assert real["reconcile_batch"]["samples"] == 1
    assert real["batch_queries_with_candidates"] == 10
    assert real["peer_regex_per_name"]["samples"] == 5
    assert real["peer_regex_per_name"]["time_limit_hit"] == 0
    assert real["peer_over_lookup_p50"] > 0
