"""Answering a parsed query: negotiation, cache, SERVICE policy, evaluation, response.

:class:`QueryAnswerer` does the work of ``/sparql`` for a
:class:`~server.sparql.protocol.QueryRequest`: it raises the
:mod:`server.errors` a client should see and returns a
:class:`~server.sparql.cache.CachedResponse`. :func:`render` turns such an
entry into the status, headers and body for one request (gzip, ``ETag``, 304);
the view and the cache-hit shortcut (:mod:`server.http.cache_hits`) both send
what it gives, so a cached answer is byte for byte the answer the view sends.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Mapping, MutableMapping
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from server.errors import (
    BadGateway,
    BadRequest,
    KGError,
    NotAcceptable,
    QuerySyntaxError,
    ResultTooLarge,
    UpdateForbidden,
)
from server.http.access_log import NOTE_CACHE, NOTE_QUERY_HASH, NOTE_ROWS
from server.http.compression import accepts_gzip
from server.http.conditional import not_modified
from server.settings import ServerSettings
from server.sparql import service_policy
from server.sparql.cache import CachedResponse, ResponseCache
from server.sparql.evaluation import Job, Outcome
from server.sparql.formats import RDF_FORMATS, SOLUTION_FORMATS, by_name, choose, with_profile
from server.sparql.protocol import QueryRequest, looks_like_update

log = logging.getLogger("server.sparql")

__all__ = ["QueryAnswerer", "Runner", "query_hash", "raw_key", "render"]

Runner = Callable[[Job], Outcome]
"""Evaluates a job for the client of the current request (admission, time limit, caps)."""


def query_hash(text: str) -> str:
    """A short, stable identifier of a query text, for logs, ``X-Query-Hash`` and ETags."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def raw_key(environ: Mapping[str, Any], build_id: str) -> tuple[str, str, str, str, str]:
    """The cache key of a GET/HEAD as received, for the release ``build_id``: path, raw
    query string, ``Accept`` and ``Accept-Encoding``."""
    return (
        build_id,
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT", ""),
        environ.get("HTTP_ACCEPT_ENCODING", ""),
    )


def render(
    entry: CachedResponse,
    environ: Mapping[str, Any],
    gzip_min_bytes: int,
    strip_head: bool = True,
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, headers and body to send for a cached response to this request.

    With ``strip_head`` a HEAD request gets no body; Flask views leave that to
    werkzeug, which keeps the ``Content-Length`` of the body it drops.
    """
    body = entry.body
    headers = list(entry.headers)
    etag = entry.etag
    if entry.compressible and len(body) >= gzip_min_bytes and accepts_gzip(environ):
        body = entry.gzipped()
        etag = etag[:-1] + '-gz"'
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("ETag", etag))
    if not_modified(environ, etag, entry.last_modified):
        return "304 Not Modified", [h for h in headers if h[0] != "Content-Encoding"], b""
    headers.append(("Content-Length", str(len(body))))
    if strip_head and environ.get("REQUEST_METHOD") == "HEAD":
        return entry.status, headers, b""
    return entry.status, headers, body


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


def _refusal(outcome: Outcome, parsed: QueryRequest, accept: str | None) -> KGError:
    """The error for an outcome that is not a result."""
    if outcome.kind == "syntax":
        if looks_like_update(parsed.query):
            return UpdateForbidden()
        return QuerySyntaxError(f"The query does not parse: {outcome.message}")
    if outcome.kind == "invalid":
        return BadRequest(f"The query cannot be evaluated: {outcome.message}")
    if outcome.kind == "not_acceptable":
        return _not_acceptable(parsed, accept, outcome.result)
    if outcome.kind == "too_large":
        return ResultTooLarge(outcome.message)
    if service_policy.mentions_service(parsed.query):
        # The engine's text may quote the remote answer: it goes to the log, not the client.
        log.warning("SERVICE call failed: %s", outcome.message)
        return BadGateway(
            "A SERVICE call failed: an allowed endpoint could not be reached or gave no "
            "SPARQL result. Try again later, or use SERVICE SILENT to go on without it."
        )
    return KGError(f"The query could not be evaluated: {outcome.message}")


class QueryAnswerer:
    """Answers queries for one server: its settings and result cache."""

    def __init__(self, settings: ServerSettings, cache: ResponseCache) -> None:
        self._settings = settings
        self._cache = cache

    def job(self, parsed: QueryRequest, solutions: str, graph: str, base_iri: str) -> Job:
        s = self._settings
        return Job(
            parsed.query,
            parsed.default_graphs,
            parsed.named_graphs,
            solutions,
            graph,
            s.max_result_rows,
            s.max_result_bytes,
            base_iri,
        )

    def answer(
        self,
        parsed: QueryRequest,
        accept: str | None,
        environ: MutableMapping[str, Any],
        build_id: str,
        runner: Runner,
        base_iri: str,
    ) -> CachedResponse:
        """The complete response to ``parsed`` for a client sending ``accept``.

        ``runner`` evaluates the query when the cache holds no answer from the
        release ``build_id``. Notes the query hash, row count and cache outcome
        for the access log, and files a GET's answer under its raw request too.
        """
        solutions = choose(accept, SOLUTION_FORMATS, parsed.formats)
        graph = choose(accept, RDF_FORMATS, parsed.formats)
        graph = with_profile(graph, accept) if graph else None
        if solutions is None and graph is None:
            raise _not_acceptable(parsed, accept, None)
        names = (solutions.name if solutions else "", graph.name if graph else "")
        digest = query_hash(parsed.query)
        environ[NOTE_QUERY_HASH] = digest
        key = (build_id, parsed.query, parsed.default_graphs, parsed.named_graphs, *names)
        entry = self._cache.get(key) if self._cache.enabled else None
        environ[NOTE_CACHE] = "hit" if entry is not None else "miss"
        if entry is None:
            outcome = runner(self.job(parsed, *names, base_iri))
            if outcome.kind != "ok":
                raise _refusal(outcome, parsed, accept)
            entry = self._entry(outcome, parsed, digest)
            if outcome.build_id != build_id:  # the engine has moved on: answer, keep nothing
                return entry
            if self._cache.enabled:
                self._cache.put(key, entry)
        if self._cache.enabled and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            self._cache.put(raw_key(environ, build_id), entry)
        environ[NOTE_ROWS] = entry.rows
        return entry

    def _entry(self, outcome: Outcome, parsed: QueryRequest, digest: str) -> CachedResponse:
        fmt = by_name(outcome.format)
        built_at, last_modified = _built_at(outcome.built_at)
        headers = [
            ("Content-Type", fmt.content_type),
            ("Cache-Control", f"public, max-age={self._settings.cache_max_age_s}"),
            ("Vary", "Accept, Accept-Encoding"),
            ("X-Result-Rows", str(outcome.rows)),
            ("X-Query-Hash", digest),
        ]
        if last_modified:
            headers.append(("Last-Modified", last_modified))
        validator = "\x00".join(
            (parsed.query, *parsed.default_graphs, "|", *parsed.named_graphs, fmt.name)
        )
        digest_tag = hashlib.sha256(validator.encode("utf-8")).hexdigest()[:20]
        return CachedResponse(
            status="200 OK",
            headers=headers,
            body=outcome.body,
            etag=f'"{outcome.build_id}-{digest_tag}"',
            compressible=True,
            rows=outcome.rows,
            query_hash=digest,
            last_modified=built_at,
            gzip_level=6 if self._cache.enabled else 1,
        )


@functools.lru_cache(maxsize=8)
def _built_at(built_at: str) -> tuple[datetime | None, str]:
    """A release's build time and its ``Last-Modified`` value, worked out once per release
    rather than on every answer (every answer of a release carries the same one)."""
    if not built_at:
        return None, ""
    when = datetime.fromisoformat(built_at)
    return when, format_datetime(when, usegmt=True)
