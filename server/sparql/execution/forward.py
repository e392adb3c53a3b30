"""The query engine of a server fronting a remote SPARQL endpoint: :class:`ForwardingEngine`.

It takes the place of :class:`~server.sparql.execution.engine.QueryEngine` when
``sparql_endpoint`` is set, with the same interface: in the broker of a running
server (so admission and per-client limits stay shared by every HTTP worker) or
in an app of its own. A client query waits for a slot of fair admission
(``query_processes`` slots: the queries forwarded at once), then goes to the
engine through the release's :class:`~server.kg.KnowledgeGraph`, which the
caps, formats and errors of :func:`~server.sparql.evaluation.evaluate` apply to
as they do in a query process. The SERVICE allow-list has been checked before
(:meth:`server.services.Services.runner_for`): nothing reaches the engine unchecked.

:func:`open_release` opens a release the way the settings say: its own store, or
the endpoint, which must record holding this very release (by build id and
manifest digest, :mod:`~server.sparql.execution.publication`) and whose triple
counts per graph must match the manifest's.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path
from typing import Any

from server.errors import KGError, ServiceUnavailable
from server.kg import KnowledgeGraph
from server.release import Lease
from server.settings import ServerSettings
from server.sparql.evaluation import Job, Outcome, evaluate
from server.sparql.execution.admission import Admission, Busy
from server.sparql.execution.publication import check_publication
from server.sparql.execution.remote import RemoteStore
from server.sparql.protocol import looks_like_update

__all__ = ["ForwardingEngine", "open_release", "remote_store"]

log = logging.getLogger("server.forward")

_PROBE = "ASK {}"
_PROBE_TIMEOUT_S = 5.0
_stores: dict[tuple[str, float], RemoteStore] = {}
_stores_lock = threading.Lock()


def remote_store(settings: ServerSettings) -> RemoteStore | None:
    """This process's connection to ``sparql_endpoint`` (one per endpoint); ``None``
    when the server uses the release's own store."""
    if not settings.sparql_endpoint:
        return None
    key = (settings.sparql_endpoint, settings.query_timeout_s)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            connections = settings.query_processes + settings.threads
            store = _stores[key] = RemoteStore(*key, connections=connections)
        return store


def open_release(
    lease: Lease, settings: ServerSettings, verified: bool = False, in_memory: bool = True
) -> KnowledgeGraph:
    """The leased release, over the store the settings name; with ``verified``, its files
    are checked, a remote engine's publication record too, and the store's counts
    compared with the manifest's (:class:`~server.release.ReleaseError` if they differ).
    Without ``in_memory`` an embedded store stays on disk (for a release opened only to
    be checked)."""
    opener = KnowledgeGraph.open_verified if verified else KnowledgeGraph.open
    memory = settings.memory_max_triples if in_memory else 0
    remote = remote_store(settings)
    if verified and remote is not None:
        check_publication(remote, lease.release_dir)
    return opener(lease, memory, remote)


class ForwardingEngine:
    """Admission in front of the remote engine, for the release held by ``lease``."""

    def __init__(self, settings: ServerSettings, lease: Lease) -> None:
        self._settings = settings
        self._admission = Admission.for_server(settings)
        self._kg = open_release(lease, settings)
        self._lock = threading.Lock()
        self._queries = 0

    @property
    def release_dir(self) -> Path:
        return self._kg.release_dir

    @property
    def pids(self) -> list[int]:
        return []

    def await_ready(self) -> None:
        """Nothing to wait for: the remote engine was reached when the release was verified."""

    def execute(self, client: str, job: Job) -> Outcome:
        """Evaluate ``job`` on the engine for ``client``, within the caps and time limit.

        Text that reads as SPARQL Update is refused here, never sent: an engine's query
        URL may accept updates (Virtuoso's does, for a user allowed to write)."""
        if looks_like_update(job.query):
            return Outcome("syntax", message="SPARQL Update")
        try:
            with self._admission.slot(client):
                kg = self._kg
                with self._lock:
                    self._queries += 1
                return evaluate(kg, job)
        except Busy as exc:
            raise ServiceUnavailable(exc.message, retry_after=exc.retry_after) from None

    def switch(self, lease: Lease) -> None:
        """Serve the (verified) release held by ``lease`` from now on."""
        fresh = open_release(lease, self._settings)
        with self._lock:
            old, self._kg = self._kg, fresh
        old.close()

    def problems(self) -> list[str]:
        """Empty when the engine answers a probe query within 5 s."""
        remote = self._kg.remote
        if remote is None:  # pragma: no cover - made only with sparql_endpoint set
            return []
        try:
            remote.query(_PROBE, default_graphs=(), named_graphs=(), timeout_s=_PROBE_TIMEOUT_S)
        except (KGError, SyntaxError) as exc:  # the endpoint's URL is for the log only
            log.warning("the SPARQL engine at %s does not answer: %s", remote.endpoint, exc)
            return [f"the SPARQL engine behind this server does not answer: {exc}"]
        return []

    def stats(self) -> dict[str, Any]:
        return {
            "release": self.release_dir.name,
            "forwarded": self._queries,
            "admission": dataclasses.asdict(self._admission.stats),
        }

    def close(self) -> None:
        self._kg.close()
