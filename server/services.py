"""What a request needs, in one object made by the app factory: :class:`Services`.

Views reach it with :func:`current_services`. It holds the settings, the
release this HTTP worker serves (:attr:`Services.kg`), the query engine (the
server's broker, or an engine of the app's own), the result cache, the rate
limiter, the query answerer and the service describer.

The release can change while the server runs: the query engine switches first
(:mod:`server.sparql.execution.engine`) and announces the release it serves in
the runtime folder; each HTTP worker follows within a second
(:class:`ReleaseFollower`), opening the new release beside the old one and
swapping them in one assignment, so a request never sees half of each. A
request takes :attr:`Services.kg` once and keeps that release to its end.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from flask import Response, current_app, g, has_request_context

from server.http.ratelimit import RateLimiter
from server.kg import KnowledgeGraph
from server.lookup.table import NameTables
from server.release import Lease, ReleaseError, record_served
from server.search.service import Search
from server.settings import ServerSettings
from server.sparql import nesting, service_policy
from server.sparql.answer import QueryAnswerer
from server.sparql.cache import ResponseCache
from server.sparql.description import ServiceDescriber
from server.sparql.evaluation import Job, Outcome
from server.sparql.execution.broker import SERVED_FILE
from server.sparql.execution.forward import open_release

__all__ = ["EXTENSION_KEY", "QueryRunner", "ReleaseFollower", "Services", "current_services"]

EXTENSION_KEY = "cgkg"

log = logging.getLogger("server.services")

_CHECK_EVERY_S = 1.0
_RETIRE_AFTER_S = 60.0


class QueryRunner(Protocol):
    """Runs client queries: :class:`~server.sparql.execution.engine.QueryEngine` or the
    broker's client; both raise the :mod:`server.errors` a client should see."""

    def execute(self, client: str, job: Job) -> Outcome: ...

    def problems(self) -> list[str]: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


class ReleaseFollower:
    """This process's release, following the one the query engine announces."""

    def __init__(self, kg: KnowledgeGraph, settings: ServerSettings) -> None:
        self._kg = kg
        self._settings = settings
        runtime = settings.runtime_path
        self._served = runtime / SERVED_FILE if runtime is not None else None
        self._next_check = 0.0
        self._opening = threading.Lock()
        self._record()

    def _record(self) -> None:
        """Say in the runtime folder which release this worker serves (``/health`` lists them)."""
        runtime = self._settings.runtime_path
        if runtime is not None:
            try:
                record_served(runtime, self._kg.release_dir)
            except OSError as exc:
                log.warning("cannot record the release this worker serves: %s", exc)

    @property
    def kg(self) -> KnowledgeGraph:
        now = time.monotonic()
        if self._served is not None and now >= self._next_check:
            self._next_check = now + _CHECK_EVERY_S
            target = self._announced()
            moved = target is not None and target != self._kg.release_dir
            if moved and self._opening.acquire(blocking=False):
                threading.Thread(target=self._open, args=(target,), daemon=True).start()
        return self._kg

    def _announced(self) -> Path | None:
        try:
            return Path(cast(Path, self._served).read_text(encoding="utf-8").strip())
        except OSError:
            return None

    def _open(self, target: Path) -> None:
        try:
            fresh = open_release(Lease(target), self._settings)
        except ReleaseError as exc:
            log.error("cannot follow the query engine to %s: %s", target, exc)
        else:
            old, self._kg = self._kg, fresh
            self._record()
            retire = threading.Timer(_RETIRE_AFTER_S, old.close)  # requests on it finish first
            retire.daemon = True
            retire.start()
            log.info("now serving %s", target.name)
        finally:
            self._opening.release()


@dataclass
class Services:
    """Everything the views of one app use."""

    settings: ServerSettings
    releases: ReleaseFollower
    queries: QueryRunner
    cache: ResponseCache
    limiter: RateLimiter
    answerer: QueryAnswerer
    describer: ServiceDescriber
    search: Search = field(default_factory=Search)
    """The search index of each release served (``/search``)."""
    started_at: float = field(default_factory=time.monotonic)
    query_page: Callable[[], Response] | None = None
    """The page a browser gets at ``/sparql`` (the web site's query editor), if any."""
    names: NameTables = field(default_factory=NameTables)
    """The lookup's name table of each release (``lookup.json``), loaded on first use."""

    @property
    def kg(self) -> KnowledgeGraph:
        """The release of the current request: the same one from its start to its end."""
        if not has_request_context():
            return self.releases.kg
        pinned: KnowledgeGraph | None = g.get("cgkg_release")
        if pinned is None:
            pinned = g.cgkg_release = self.releases.kg
        return pinned

    @property
    def base_iri(self) -> str:
        """The canonical base IRI: the setting when given, else the release's. Relative
        IRIs in queries resolve against it, and pages link the data's IRIs by it."""
        return self.settings.base_iri or self.kg.base_iri

    def runner_for(self, client: str) -> Callable[[Job], Outcome]:
        """Runs jobs for ``client``: the nesting depth and the SERVICE allow-list first, then
        fair admission and the query processes. Every client query, from any page, goes
        through it."""
        allowlist = self.settings.service_allowlist

        def run(job: Job) -> Outcome:
            nesting.check(job.query)
            service_policy.check(job.query, allowlist, job.base_iri)
            return self.queries.execute(client, job)

        return run

    def close(self) -> None:
        self.queries.close()
        self.limiter.close()


def current_services() -> Services:
    """The services of the running app (inside a request or app context)."""
    return cast(Services, current_app.extensions[EXTENSION_KEY])
