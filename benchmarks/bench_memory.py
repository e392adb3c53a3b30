"""Resident memory and CPU time of a target of bench.py: every process of its process groups.

Each target is started in a session of its own (``start_new_session``), so its
processes (for ours: granian and its HTTP workers, the query broker and the query
processes; for the front also the Oxigraph server it fronts) are the members of
its process groups. RSS counts pages shared between forked processes once per
process; PSS (``/proc/PID/smaps_rollup``) shares them out, so the PSS sum is what
the target takes from the machine.

CPU time (user + system, ``/proc/PID/stat``) is summed by the role of each
process, read from its command line, so that a cell's CPU per request shows
where the time of a request goes: HTTP workers, broker, query processes, Oxigraph.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Memory", "cpu_by_role", "memory_of"]

_PROC = Path("/proc")
_TICK = os.sysconf("SC_CLK_TCK")
_ROLES = (
    ("server.sparql.execution.worker", "query processes"),
    ("server.sparql.execution.broker", "broker"),
    ("oxigraph", "oxigraph"),
    ("-m\0server", "http"),
)


@dataclass(frozen=True)
class Memory:
    processes: int
    rss_mib: float
    pss_mib: float
    largest_rss_mib: float
    """The largest single process (a replica of the store lives in one)."""


def _group_members(groups: tuple[int, ...]) -> list[int]:
    members = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) in groups:
                members.append(int(entry.name))
        except ProcessLookupError:
            continue
    return members


def _kib(pid: int, path: str, field: str) -> float:
    try:
        for line in (_PROC / str(pid) / path).read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


def memory_of(groups: tuple[int, ...]) -> Memory:
    """RSS and PSS summed over the processes of ``groups`` (process group ids)."""
    members = _group_members(groups)
    rss = [_kib(pid, "status", "VmRSS") for pid in members]
    pss = sum(_kib(pid, "smaps_rollup", "Pss") for pid in members)
    return Memory(len(members), sum(rss) / 1024, pss / 1024, max(rss, default=0.0) / 1024)


def _role(pid: int) -> str:
    try:
        command = (_PROC / str(pid) / "cmdline").read_text(errors="replace")
    except OSError:
        return "gone"
    for mark, role in _ROLES:
        if mark in command:
            return role
    return "other"


def cpu_by_role(groups: tuple[int, ...]) -> dict[str, float]:
    """CPU seconds so far of the live processes of ``groups``, summed by role."""
    found: dict[str, float] = {}
    for pid in _group_members(groups):
        try:
            fields = (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
        role = _role(pid)
        found[role] = found.get(role, 0.0) + seconds
    return found
