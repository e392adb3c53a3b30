"""What bench.py prints and writes: the machine, one row per cell, the ratio table, JSON."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from bench_clients import Measurement
from bench_targets import OXIGRAPH

__all__ = [
    "Cell",
    "machine",
    "median_cell",
    "memory_table",
    "ratio_table",
    "ratios",
    "row_line",
    "write_json",
]

OX_TARGETS = ("oxigraph-memory", "oxigraph-disk")


@dataclass(frozen=True)
class Cell:
    """One measurement of one target on one mix at one concurrency."""

    target: str
    mix: str
    concurrency: int
    run: int
    measurement: Measurement
    cpu_ms_per_request: dict[str, float] = field(default_factory=dict)
    """The target's CPU time per request during the cell, by process role."""

    def as_dict(self) -> dict[str, Any]:
        m = self.measurement
        return {
            "target": self.target,
            "mix": self.mix,
            "concurrency": self.concurrency,
            "run": self.run,
            **asdict(m),
            "rps": m.rps,
            "cpu_ms_per_request": self.cpu_ms_per_request,
        }


def _command_output(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return "not found"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine(client: str) -> dict[str, str]:
    """The machine and the versions of everything measured."""

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": _cpu_model(),
        "kernel": platform.release(),
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
        "oxigraph": _command_output([OXIGRAPH, "--version"]),
        "flask": version("flask"),
        "granian": version("granian"),
        "client": client,
    }


def median_cell(cells: list[Cell]) -> Cell:
    """The run with the median throughput (noisy shared machines vary from run to run)."""
    return sorted(cells, key=lambda c: c.measurement.rps)[len(cells) // 2]


def row_line(cell: Cell) -> str:
    m = cell.measurement
    return (
        f"{cell.mix:<8} c={cell.concurrency:<2} {cell.target:<16} {m.rps:>8.0f} req/s  "
        f"p50 {m.p50_ms:>7.2f} ms  p99 {m.p99_ms:>8.2f} ms  n={m.requests:<6} "
        f"errors={m.errors:<4} client cpu {m.client_cpu_s / m.elapsed_s:.0%}  "
        + " ".join(f"{role} {ms:.2f}" for role, ms in sorted(cell.cpu_ms_per_request.items()))
        + " ms cpu/request"
    )


def _ratio(a: Cell | None, b: Cell | None) -> str:
    if a is None or b is None or not b.measurement.rps:
        return "–"
    return f"{a.measurement.rps / b.measurement.rps:.2f}×"


def _abs(cell: Cell | None) -> str:
    if cell is None:
        return "–"
    m = cell.measurement
    errors = f", {m.errors} err" if m.errors else ""
    return f"{m.rps:,.0f} ({m.p50_ms:.2f} / {m.p99_ms:.2f}{errors})"


def ratio_table(cells: list[Cell], ours: list[str]) -> str:
    """Markdown: per mix, concurrency and our server, absolute figures and the two ratios."""
    by = {(c.target, c.mix, c.concurrency): c for c in cells}
    keys = dict.fromkeys((c.mix, c.concurrency) for c in cells)
    lines = [
        "| mix | c | server | ours req/s (p50 / p99 ms) | oxigraph-memory | oxigraph-disk "
        "| ours / ox-memory | ours / ox-disk |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for mix, conc in keys:
        memory, disk = (by.get((t, mix, conc)) for t in OX_TARGETS)
        for name in ours:
            mine = by.get((name, mix, conc))
            lines.append(
                f"| {mix} | {conc} | {name} | {_abs(mine)} | {_abs(memory)} | {_abs(disk)} "
                f"| {_ratio(mine, memory)} | {_ratio(mine, disk)} |"
            )
    return "\n".join(lines)


def memory_table(memory: dict[str, Any]) -> str:
    """Markdown: each target's largest memory sample (bench_memory.Memory)."""
    lines = [
        "| target | processes | RSS sum MiB | PSS sum MiB | largest process RSS MiB |",
        "|---|---|---|---|---|",
    ]
    for name, m in memory.items():
        lines.append(
            f"| {name} | {m.processes} | {m.rss_mib:,.0f} | {m.pss_mib:,.0f} "
            f"| {m.largest_rss_mib:,.0f} |"
        )
    return "\n".join(lines)


def ratios(cells: list[Cell], ours: list[str]) -> list[dict[str, Any]]:
    """Per mix, concurrency and our server: requests/s of each target and ours / theirs."""
    by = {(c.target, c.mix, c.concurrency): c.measurement.rps for c in cells}
    out = []
    for mix, conc in dict.fromkeys((c.mix, c.concurrency) for c in cells):
        for name in ours:
            mine = by.get((name, mix, conc))
            row: dict[str, Any] = {"mix": mix, "concurrency": conc, "server": name, "rps": mine}
            for theirs in OX_TARGETS:
                other = by.get((theirs, mix, conc))
                row[f"{theirs}_rps"] = other
                row[f"ours_over_{theirs}"] = mine / other if mine is not None and other else None
            out.append(row)
    return out


def write_json(path: Path, meta: dict[str, Any], kept: list[Cell], runs: list[Cell]) -> None:
    """The run as JSON: meta (machine, versions, settings), ratios, kept cells, every run."""
    ours = list(dict.fromkeys(c.target for c in kept if c.target not in OX_TARGETS))
    document = {
        "meta": meta,
        "ratios": ratios(kept, ours),
        "cells": [c.as_dict() for c in kept],
        "runs": [c.as_dict() for c in runs],
    }
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
