"""Killable query processes: the time limit and the bound on concurrent queries.

pyoxigraph cannot cancel a query once started, so client queries never run in
the HTTP worker itself. Each HTTP worker owns a :class:`QueryPool` of
``query_processes`` child processes (:mod:`server.query_worker`), each holding
its own read-only store. A request borrows an idle process, sends it the job
and waits for the answer until the deadline. If the deadline passes, the
process is killed (SIGKILL) and a fresh one started in its place, and the
client gets :class:`~server.errors.QueryTimeout` (503): the work really stops,
and the other processes keep serving. A request that finds no idle process
within ``queue_timeout_s`` gets :class:`~server.errors.ServiceUnavailable`
(503 with ``Retry-After``).
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
from typing import Any, cast

from flask import current_app

from server.errors import QueryTimeout, ServiceUnavailable
from server.evaluation import Job, Outcome
from server.settings import query_process_environment

__all__ = ["POOL_KEY", "PoolStats", "QueryPool", "current_pool"]

POOL_KEY = "kg_pool"

log = logging.getLogger("server.query_pool")

_HEADER = struct.Struct(">Q")
_STARTUP_TIMEOUT_S = 60.0


class _Expired(Exception):
    """The deadline passed before the process answered."""


class _Died(Exception):
    """The process closed its output: it crashed or ran out of memory."""


class _QueryProcess:
    """One child process and the pipes to it; used by one thread at a time."""

    def __init__(self, release_dir: Path, memory_max_triples: int, memory_mb: int) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "server.query_worker",
                str(release_dir),
                str(memory_max_triples),
                str(memory_mb),
            ],
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
                raise _Expired
            chunk = os.read(self._out, min(remaining, 1 << 20))
            if not chunk:
                raise _Died
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_frame(self, deadline: float) -> tuple[Any, ...]:
        (size,) = _HEADER.unpack(self._read_exactly(_HEADER.size, deadline))
        data = marshal.loads(self._read_exactly(size, deadline))  # noqa: S302 - our own child
        if not isinstance(data, tuple):
            raise _Died
        return data

    def _await_ready(self) -> None:
        try:
            hello = self._read_frame(time.monotonic() + _STARTUP_TIMEOUT_S)
        except _Expired:
            raise _Died from None
        if hello[0] != "ready":
            log.error("query process %s failed to start: %s", self.pid, hello[1:])
            raise _Died
        self._ready = True

    def run(self, job: Job, timeout_s: float) -> Outcome:
        """Evaluate ``job``; the time limit starts once the process is ready."""
        if not self._ready:
            self._await_ready()
        deadline = time.monotonic() + timeout_s
        payload = marshal.dumps(job.to_wire())
        try:
            os.write(self._in, _HEADER.pack(len(payload)) + payload)
        except (BrokenPipeError, OSError):
            raise _Died from None
        return Outcome.from_wire(self._read_frame(deadline))

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
    waiting: int = 0
    queries: int = 0
    timeouts: int = 0
    restarts: int = 0
    rejected: int = 0


class QueryPool:
    """A fixed number of query processes shared by the threads of one HTTP worker."""

    def __init__(
        self,
        release_dir: Path,
        size: int,
        timeout_s: float,
        queue_timeout_s: float,
        memory_max_triples: int = 0,
        memory_mb: int = 0,
    ) -> None:
        self._release_dir = release_dir
        self._memory_max_triples = memory_max_triples
        self._memory_mb = memory_mb
        self._timeout_s = timeout_s
        self._queue_timeout_s = queue_timeout_s
        self._cond = threading.Condition()
        self._idle: list[_QueryProcess] = [
            _QueryProcess(release_dir, memory_max_triples, memory_mb) for _ in range(size)
        ]
        self._all: set[_QueryProcess] = set(self._idle)
        self._closed = False
        self.stats = PoolStats(size=size)

    @property
    def pids(self) -> list[int]:
        """Process ids of the live query processes."""
        with self._cond:
            return sorted(p.pid for p in self._all)

    def _acquire(self) -> _QueryProcess:
        deadline = time.monotonic() + self._queue_timeout_s
        with self._cond:
            self.stats.waiting += 1
            try:
                while not self._idle:
                    remaining = deadline - time.monotonic()
                    if self._closed or remaining <= 0:
                        self.stats.rejected += 1
                        raise ServiceUnavailable(
                            "Every query slot is busy; please retry in a moment.",
                            retry_after=max(1, round(self._timeout_s / 2)),
                        )
                    self._cond.wait(remaining)
                self.stats.busy += 1
                return self._idle.pop()
            finally:
                self.stats.waiting -= 1

    def _release(self, proc: _QueryProcess) -> None:
        with self._cond:
            self.stats.busy -= 1
            if self._closed:
                self._all.discard(proc)
                proc.kill()
                return
            self._idle.append(proc)
            self._cond.notify()

    def _replace(self, proc: _QueryProcess) -> None:
        proc.kill()
        fresh = _QueryProcess(self._release_dir, self._memory_max_triples, self._memory_mb)
        with self._cond:
            self.stats.restarts += 1
            self.stats.busy -= 1
            self._all.discard(proc)
            if self._closed:
                fresh.kill()
                return
            self._all.add(fresh)
            self._idle.append(fresh)
            self._cond.notify()
        log.info("query process %s replaced by %s", proc.pid, fresh.pid)

    def execute(self, job: Job) -> Outcome:
        """Evaluate ``job`` in a query process, within the time limit.

        Raises :class:`~server.errors.QueryTimeout` when the limit is reached and
        :class:`~server.errors.ServiceUnavailable` when no process is free in time
        or the process died.
        """
        proc = self._acquire()
        try:
            outcome = proc.run(job, self._timeout_s)
        except _Expired:
            self.stats.timeouts += 1
            self._replace(proc)
            raise QueryTimeout(
                f"The query was stopped after {self._timeout_s:g} s, this endpoint's time limit. "
                "Narrow it (more specific patterns, a LIMIT) or run it on a copy of the data "
                "from /dumps/.",
                retry_after=1,
            ) from None
        except _Died:
            self._replace(proc)
            raise ServiceUnavailable(
                "The query process stopped unexpectedly (the query may need more memory than "
                "this endpoint allows); it has been restarted.",
                retry_after=1,
            ) from None
        except BaseException:
            self._replace(proc)
            raise
        self.stats.queries += 1
        self._release(proc)
        return outcome

    def close(self) -> None:
        """Stop every process; queries still running are killed."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            for proc in idle:
                self._all.discard(proc)
            self._cond.notify_all()
        for proc in idle:
            proc.kill()


def current_pool() -> QueryPool:
    """The query pool of the running app (one per HTTP worker process)."""
    return cast(QueryPool, current_app.extensions[POOL_KEY])
