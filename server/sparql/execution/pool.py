"""Query processes for one release: started, lent, killed and replaced.

pyoxigraph cannot cancel a query once started, so client queries never run in
an HTTP worker. A :class:`ProcessPool` keeps ``size`` child processes
(:mod:`server.sparql.execution.worker`), each holding its own read-only copy of
one release. :meth:`ProcessPool.run` lends an idle process a job and waits for
the answer until the deadline; past it, the process is killed (SIGKILL) and a
fresh one started in its place, so the work really stops. Who may run a query
when is decided before, by :class:`~server.sparql.execution.admission.Admission`.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.settings import query_process_environment
from server.sparql.evaluation import Job, Outcome

__all__ = ["Died", "Expired", "PoolStats", "ProcessPool", "QueryProcess"]

log = logging.getLogger("server.pool")

_HEADER = struct.Struct(">Q")
_STARTUP_TIMEOUT_S = 120.0
_PROBE = Job("ASK {}", (), (), "json", "", 1, 1024)


class Expired(Exception):
    """The deadline passed before the process answered."""


class Died(Exception):
    """The process closed its output: it crashed, failed to start or ran out of memory."""


class QueryProcess:
    """One child process and the pipes to it; used by one thread at a time."""

    def __init__(
        self,
        release_dir: Path,
        memory_max_triples: int,
        memory_mb: int,
        isolated: bool = False,
        allowed: tuple[str, ...] = (),
    ) -> None:
        command = [sys.executable, "-m", "server.sparql.execution.worker", str(release_dir)]
        limits = [str(memory_max_triples), str(memory_mb), "isolated" if isolated else "open"]
        limits += list(allowed) if isolated else []
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [*command, *limits],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            close_fds=True,
            env=query_process_environment(),
        )
        stdin, stdout = self.proc.stdin, self.proc.stdout
        if stdin is None or stdout is None:  # pragma: no cover - PIPE always gives both
            raise RuntimeError("query process without pipes")
        self._in = stdin.fileno()
        self._out = stdout.fileno()
        self._ready = False
        self.isolated = False
        """Whether the process could leave the network (known once it is ready)."""
        self.started_job_at: float | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        chunks = []
        remaining = size
        poller = select.poll()
        poller.register(self._out, select.POLLIN)
        while remaining:
            wait_ms = (deadline - time.monotonic()) * 1000
            if wait_ms <= 0 or not poller.poll(wait_ms):
                raise Expired
            chunk = os.read(self._out, min(remaining, 1 << 20))
            if not chunk:
                raise Died
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_frame(self, deadline: float) -> tuple[Any, ...]:
        (size,) = _HEADER.unpack(self._read_exactly(_HEADER.size, deadline))
        data = marshal.loads(self._read_exactly(size, deadline))  # noqa: S302 - our own child
        if not isinstance(data, tuple):
            raise Died
        return data

    def await_ready(self) -> None:
        """Wait for the process to open its release; :class:`Died` if it cannot."""
        if self._ready:
            return
        try:
            hello = self._read_frame(time.monotonic() + _STARTUP_TIMEOUT_S)
        except Expired:
            raise Died from None
        if hello[0] != "ready":
            log.error("query process %s failed to start: %s", self.pid, hello[1:])
            raise Died
        self._ready = True
        self.isolated = bool(hello[2])

    def run(self, job: Job, timeout_s: float) -> Outcome:
        """Evaluate ``job``; the time limit starts once the process is ready."""
        self.await_ready()
        self.started_job_at = time.monotonic()
        payload = marshal.dumps(job.to_wire())
        try:
            os.write(self._in, _HEADER.pack(len(payload)) + payload)
            return Outcome.from_wire(self._read_frame(self.started_job_at + timeout_s))
        except (BrokenPipeError, OSError):
            raise Died from None
        finally:
            self.started_job_at = None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


@dataclass(slots=True)
class PoolStats:
    """Counters for ``/health`` and the logs."""

    size: int
    busy: int = 0
    queries: int = 0
    timeouts: int = 0
    restarts: int = 0


class ProcessPool:
    """``size`` query processes over one release."""

    def __init__(
        self,
        release_dir: Path,
        size: int,
        memory_max_triples: int,
        memory_mb: int,
        isolated: bool = False,
        allowed: tuple[str, ...] = (),
    ):
        """``isolated``: the processes leave the network, reaching only the ``allowed``
        SERVICE endpoints (:mod:`.egress`)."""
        self.release_dir = release_dir
        self._spawn_args = (release_dir, memory_max_triples, memory_mb, isolated, allowed)
        self._cond = threading.Condition()
        self._idle = [QueryProcess(*self._spawn_args) for _ in range(size)]
        self._all: set[QueryProcess] = set(self._idle)
        self._closed = False
        self.stats = PoolStats(size=size)

    @property
    def pids(self) -> list[int]:
        with self._cond:
            return sorted(p.pid for p in self._all)

    def await_ready(self) -> None:
        """Wait until every process has opened the release; :class:`Died` if one cannot."""
        with self._cond:
            processes = list(self._idle)
        for proc in processes:
            proc.await_ready()
        if self._spawn_args[3] and not all(p.isolated for p in processes):
            log.warning(
                "query processes could not leave the network: the SERVICE allow-list check "
                "is the only guard against SERVICE calls (docs/server.md, SERVICE)"
            )

    def _take(self) -> QueryProcess:
        with self._cond:
            while not self._idle:  # admission lends no more slots than processes; a probe may
                self._cond.wait()  # hold one for a moment
            self.stats.busy += 1
            return self._idle.pop()

    def _give_back(self, proc: QueryProcess) -> None:
        with self._cond:
            self.stats.busy -= 1
            if self._closed:
                self._all.discard(proc)
                proc.kill()
                return
            self._idle.append(proc)
            self._cond.notify()

    def _replace(self, proc: QueryProcess) -> None:
        proc.kill()
        fresh = QueryProcess(*self._spawn_args)
        with self._cond:
            self.stats.restarts += 1
            self.stats.busy -= 1
            self._all.discard(proc)
            closed = self._closed
            if not closed:
                self._all.add(fresh)
                self._idle.append(fresh)
                self._cond.notify()
        if closed:
            fresh.kill()
        log.info("query process %s replaced by %s", proc.pid, fresh.pid)

    def _take_all_idle(self) -> list[QueryProcess]:
        """Every idle process at once, so that each is probed, and only once."""
        with self._cond:
            idle, self._idle = self._idle, []
            self.stats.busy += len(idle)
            return idle

    def run(self, job: Job, timeout_s: float) -> Outcome:
        """Evaluate ``job`` in an idle process within ``timeout_s``.

        Raises :class:`Expired` at the time limit and :class:`Died` if the process
        died; either way the process has been replaced.
        """
        return self._run_on(self._take(), job, timeout_s)

    def _run_on(self, proc: QueryProcess, job: Job, timeout_s: float) -> Outcome:
        try:
            outcome = proc.run(job, timeout_s)
        except Expired:
            self.stats.timeouts += 1
            self._replace(proc)
            raise
        except BaseException:
            self._replace(proc)
            raise
        self.stats.queries += 1
        self._give_back(proc)
        return outcome

    def problems(self, probe_timeout_s: float, query_timeout_s: float) -> list[str]:
        """What keeps this pool from answering: each idle process must answer a probe
        query, each busy one must be alive and within its time limit."""
        with self._cond:
            processes = list(self._all)
        problems = [f"query process {p.pid} has exited" for p in processes if not p.alive()]
        limit = query_timeout_s + probe_timeout_s
        now = time.monotonic()
        late = [p.pid for p in processes if p.started_job_at and now - p.started_job_at > limit]
        problems += [f"query process {pid} is past its time limit" for pid in late]
        for proc in self._take_all_idle():
            try:
                if self._run_on(proc, _PROBE, probe_timeout_s).kind != "ok":
                    problems.append(f"query process {proc.pid} cannot evaluate a query")
            except (Expired, Died):
                problems.append(f"query process {proc.pid} did not answer a probe query")
        return problems

    def close(self) -> None:
        """Stop every idle process now and every busy one when its query ends."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            for proc in idle:
                self._all.discard(proc)
        for proc in idle:
            proc.kill()
