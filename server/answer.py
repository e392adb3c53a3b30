"""Answering a parsed query: negotiation, cache, SERVICE policy, evaluation, response.

:class:`QueryAnswerer` does the work of ``/sparql`` for a
:class:`~server.protocol.QueryRequest`, without Flask, so that the WSGI front
(:mod:`server.http`) can answer plain GET queries without Flask's dispatch and
the Flask view can answer everything else the same way. It raises the
:mod:`server.errors` a client should see and returns a
:class:`~server.cache.CachedResponse`, which :func:`server.http.render` turns
into status, headers and body for one request.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from email.utils import format_datetime
from typing import Any

from server import service_policy
from server.cache import CachedResponse, ResponseCache
from server.errors import (
    BadGateway,
    KGError,
    NotAcceptable,
    QuerySyntaxError,
    ResultTooLarge,
    UpdateForbidden,
)
from server.evaluation import Job, Outcome
from server.kg import KnowledgeGraph
from server.negotiation import RDF_FORMATS, SOLUTION_FORMATS, Format, by_name, choose
from server.protocol import QueryRequest, looks_like_update
from server.query_pool import QueryPool
from server.settings import ServerSettings

__all__ = [
    "ANSWERER_KEY",
    "ENV_CACHE",
    "ENV_QUERY_HASH",
    "ENV_ROWS",
    "QueryAnswerer",
    "query_hash",
    "raw_key",
]

ANSWERER_KEY = "kg_answerer"
ENV_QUERY_HASH = "cgkg.query_hash"
ENV_ROWS = "cgkg.rows"
ENV_CACHE = "cgkg.cache"

_COMPRESSIBLE_FORMATS = frozenset(
    {"json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml", "nquads", "trig", "n3"}
)


def query_hash(text: str) -> str:
    """A short, stable identifier of a query text, for logs, ``X-Query-Hash`` and ETags."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def raw_key(environ: MutableMapping[str, Any]) -> tuple[str, str, str]:
    """The cache key of a GET/HEAD as received: path, raw query string and ``Accept``."""
    return (
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT", ""),
    )


def _not_acceptable(parsed: QueryRequest, accept: str | None, result: str | None) -> NotAcceptable:
    asked = ", ".join(parsed.formats) if parsed.formats else (accept or "")
    offers = {
        "solutions": SOLUTION_FORMATS,
        "boolean": SOLUTION_FORMATS,
        "graph": RDF_FORMATS,
    }.get(result or "", SOLUTION_FORMATS + RDF_FORMATS)
    return NotAcceptable(
        f"None of the formats you accept ({asked}) can carry this query's results. "
        f"Available: {', '.join(f.media_type for f in offers)}."
    )


class QueryAnswerer:
    """Answers queries for one app: its settings, release, cache and query processes."""

    def __init__(
        self, settings: ServerSettings, kg: KnowledgeGraph, cache: ResponseCache, pool: QueryPool
    ) -> None:
        self._settings = settings
        self._kg = kg
        self._cache = cache
        self._pool = pool
        self._base_iri = settings.base_iri or kg.base_iri
        self._last_modified = format_datetime(kg.last_modified, usegmt=True)

    def run_checked(self, job: Job) -> Outcome:
        """Evaluate ``job`` as the endpoint does: SERVICE policy, query process, limits."""
        service_policy.check(job.query, self._settings.service_allowlist, self._base_iri)
        return self._pool.execute(job)

    def answer(
        self, parsed: QueryRequest, accept: str | None, environ: MutableMapping[str, Any]
    ) -> CachedResponse:
        """The complete response to ``parsed`` for a client sending ``accept``.

        Records the query hash, row count and cache outcome in ``environ`` for the
        access log, and files a GET's answer under its raw request too.
        """
        solutions = choose(accept, SOLUTION_FORMATS, parsed.formats)
        graph = choose(accept, RDF_FORMATS, parsed.formats)
        if solutions is None and graph is None:
            raise _not_acceptable(parsed, accept, None)
        digest = query_hash(parsed.query)
        environ[ENV_QUERY_HASH] = digest
        settings, cache = self._settings, self._cache
        key = (
            self._kg.build_id,
            parsed.query,
            parsed.default_graphs,
            parsed.named_graphs,
            solutions.name if solutions else "",
            graph.name if graph else "",
        )
        entry = cache.get(key) if cache.enabled else None
        environ[ENV_CACHE] = "hit" if entry is not None else "miss"
        if entry is None:
            job = Job(
                parsed.query,
                parsed.default_graphs,
                parsed.named_graphs,
                solutions.name if solutions else "",
                graph.name if graph else "",
                settings.max_result_rows,
                settings.max_result_bytes,
                self._base_iri,
            )
            outcome = self.run_checked(job)
            entry = self._entry(outcome, parsed, accept, digest)
            if cache.enabled:
                cache.put(key, entry)
        if cache.enabled and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            cache.put(raw_key(environ), entry)
        environ[ENV_ROWS] = entry.rows
        return entry

    def _entry(
        self, outcome: Outcome, parsed: QueryRequest, accept: str | None, digest: str
    ) -> CachedResponse:
        if outcome.kind == "syntax":
            if looks_like_update(parsed.query):
                raise UpdateForbidden()
            raise QuerySyntaxError(f"The query does not parse: {outcome.message}")
        if outcome.kind == "not_acceptable":
            raise _not_acceptable(parsed, accept, outcome.result)
        if outcome.kind == "too_large":
            raise ResultTooLarge(outcome.message)
        if outcome.kind == "error":
            if service_policy.mentions_service(parsed.query):
                raise BadGateway(f"A SERVICE call failed: {outcome.message}")
            raise KGError(f"The query could not be evaluated: {outcome.message}")
        fmt: Format = by_name(outcome.format)
        headers = [
            ("Content-Type", fmt.content_type),
            ("Cache-Control", f"public, max-age={self._settings.cache_max_age_s}"),
            ("Last-Modified", self._last_modified),
            ("Vary", "Accept, Accept-Encoding"),
            ("X-Result-Rows", str(outcome.rows)),
            ("X-Query-Hash", digest),
        ]
        validator = "\x00".join(
            (parsed.query, *parsed.default_graphs, "|", *parsed.named_graphs, fmt.name)
        )
        digest_tag = hashlib.sha256(validator.encode("utf-8")).hexdigest()[:20]
        return CachedResponse(
            status="200 OK",
            headers=headers,
            body=outcome.body,
            etag=f'"{self._kg.build_id}-{digest_tag}"',
            compressible=fmt.name in _COMPRESSIBLE_FORMATS,
            rows=outcome.rows,
            query_hash=digest,
            gzip_level=6 if self._cache.enabled else 1,
        )
