"""The query engine of a server: fair admission, killable query processes, release switches.

:class:`QueryEngine` is what every client query goes through, in whichever
process holds it: the broker process of a running server
(:mod:`server.sparql.execution.broker`), or the app itself when it is created
without one (tests, ``flask run``). :meth:`QueryEngine.execute` waits for a
slot (:class:`~server.sparql.execution.admission.Admission`), then runs the
job in a query process of the current release within the time limit.

:meth:`QueryEngine.switch` moves the engine to a newer release without a
failed query: the new release's processes are started and must all answer
before the engine uses them; queries already running finish on the old ones,
which then stop and let the old release go.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path
from typing import Any

from server.errors import QueryTimeout, ServiceUnavailable
from server.release import Lease
from server.settings import ServerSettings
from server.sparql.evaluation import Job, Outcome
from server.sparql.execution.admission import Admission, Busy
from server.sparql.execution.pool import Died, Expired, ProcessPool

__all__ = ["QueryEngine"]

log = logging.getLogger("server.engine")

_PROBE_TIMEOUT_S = 5.0


class QueryEngine:
    """Admission and query processes over the release held by ``lease``."""

    def __init__(self, settings: ServerSettings, lease: Lease) -> None:
        self._settings = settings
        self._admission = Admission.for_server(settings)
        self._lock = threading.Lock()
        self._lease = lease
        self._pool = self._start_pool(lease.release_dir)

    def _start_pool(self, release_dir: Path) -> ProcessPool:
        s = self._settings
        # Query processes reach no network but the allowed SERVICE endpoints, if any.
        return ProcessPool(
            release_dir,
            s.query_processes,
            s.memory_max_triples,
            s.query_memory_mb,
            isolated=True,
            allowed=s.service_allowlist,
        )

    @property
    def release_dir(self) -> Path:
        return self._lease.release_dir

    @property
    def pids(self) -> list[int]:
        return self._pool.pids

    def await_ready(self) -> None:
        """Wait until every query process has opened the release."""
        self._pool.await_ready()

    def execute(self, client: str, job: Job) -> Outcome:
        """Evaluate ``job`` for ``client`` within the time limit.

        Raises :class:`~server.errors.QueryTimeout` at the limit and
        :class:`~server.errors.ServiceUnavailable` (with ``Retry-After``) when no
        slot comes free in time or the query process died.
        """
        timeout_s = self._settings.query_timeout_s
        try:
            with self._admission.slot(client):
                return self._pool.run(job, timeout_s)
        except Busy as exc:
            raise ServiceUnavailable(exc.message, retry_after=exc.retry_after) from None
        except Expired:
            raise QueryTimeout(
                f"The query was stopped after {timeout_s:g} s, this endpoint's time limit. "
                "Narrow it (more specific patterns, a LIMIT) or run it on a copy of the data "
                "from /dumps/.",
                retry_after=1,
            ) from None
        except Died:
            raise ServiceUnavailable(
                "The query process stopped unexpectedly (the query may need more memory than "
                "this endpoint allows); it has been restarted.",
                retry_after=1,
            ) from None

    def switch(self, lease: Lease) -> None:
        """Serve the (verified) release held by ``lease`` from now on.

        Raises :class:`~server.sparql.execution.pool.Died` if its processes cannot
        open it; the engine then goes on with the release it had.
        """
        fresh = self._start_pool(lease.release_dir)
        try:
            fresh.await_ready()
        except Died:
            fresh.close()
            raise
        with self._lock:
            old_pool, old_lease = self._pool, self._lease
            self._pool, self._lease = fresh, lease
        old_pool.close()  # idle processes stop now, busy ones (each with its own lease) when
        old_lease.close()  # their query ends
        log.info("now serving %s (was %s)", lease.release_dir.name, old_lease.release_dir.name)

    def problems(self) -> list[str]:
        """What keeps the engine from answering queries; empty when it is healthy."""
        return self._pool.problems(_PROBE_TIMEOUT_S, self._settings.query_timeout_s)

    def stats(self) -> dict[str, Any]:
        return {
            "release": self.release_dir.name,
            "processes": dataclasses.asdict(self._pool.stats),
            "admission": dataclasses.asdict(self._admission.stats),
        }

    def close(self) -> None:
        self._pool.close()
        self._lease.close()
