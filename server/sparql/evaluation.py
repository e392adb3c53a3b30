"""Evaluate one client query and serialize its result, within the row and byte caps.

This runs inside a query process (:mod:`server.sparql.execution.worker`). The result is
either complete or refused: a result with more than ``max_rows`` rows
(solutions or triples) or more than ``max_bytes`` bytes is never cut short, it
becomes an :class:`Outcome` of kind ``"too_large"``.

Solutions are first written as SPARQL TSV, one line per row, through a writer
that counts lines as they are produced and stops the serializer as soon as the
cap is passed; the rows are then re-read from that TSV and written in the
format the client asked for. Every step runs in pyoxigraph's native code, and
TSV keeps every term exactly (IRIs, literals with language or datatype, blank
node labels, quoted triples).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any, Literal

import pyoxigraph as ox

from server.kg import KnowledgeGraph
from server.search.functions import SearchFunctions
from server.sparql.formats import by_name, serialize_triples

__all__ = ["Job", "Outcome", "evaluate"]

OutcomeKind = Literal["ok", "syntax", "invalid", "not_acceptable", "too_large", "error"]


@dataclass(frozen=True, slots=True)
class Job:
    """One query to evaluate, with the formats negotiated for each possible result kind."""

    query: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    solutions_format: str
    """Format name for SELECT/ASK results; empty if the client accepts none."""
    graph_format: str
    """Format name for CONSTRUCT/DESCRIBE results; empty if the client accepts none."""
    max_rows: int
    max_bytes: int
    base_iri: str = ""
    """Base for relative IRIs in the query; empty: no resolution."""

    def to_wire(self) -> tuple[Any, ...]:
        return (
            self.base_iri,
            self.query,
            self.default_graphs,
            self.named_graphs,
            self.solutions_format,
            self.graph_format,
            self.max_rows,
            self.max_bytes,
        )

    @classmethod
    def from_wire(cls, data: tuple[Any, ...]) -> Job:
        base, query, dg, ng, sf, gf, rows, size = data
        return cls(
            str(query), tuple(dg), tuple(ng), str(sf), str(gf), int(rows), int(size), str(base)
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a :class:`Job`."""

    kind: OutcomeKind
    body: bytes = b""
    format: str = ""
    """Name of the format of ``body`` (see :mod:`server.sparql.formats`)."""
    result: str = ""
    """``"solutions"``, ``"boolean"`` or ``"graph"``."""
    rows: int = 0
    message: str = ""
    build_id: str = ""
    """The release that answered (set by the query process)."""
    built_at: str = ""
    """When that release was built (ISO 8601), for ``Last-Modified``."""

    def to_wire(self) -> tuple[Any, ...]:
        return (
            self.kind,
            self.body,
            self.format,
            self.result,
            self.rows,
            self.message,
            self.build_id,
            self.built_at,
        )

    @classmethod
    def from_wire(cls, data: tuple[Any, ...]) -> Outcome:
        kind, body, fmt, result, rows, message, build_id, built_at = data
        return cls(
            kind,
            bytes(body),
            str(fmt),
            str(result),
            int(rows),
            str(message),
            str(build_id),
            str(built_at),
        )


class _Overflow(Exception):
    """Raised inside the serializer's writer to stop it once a cap is passed."""


class _CountingWriter:
    """A binary sink that counts lines and bytes and gives up past the caps."""

    def __init__(self, max_lines: int, max_bytes: int) -> None:
        self._parts: list[bytes] = []
        self.lines = 0
        self.size = 0
        self._max_lines = max_lines
        self._max_bytes = max_bytes

    def write(self, chunk: bytes) -> int:
        self.lines += chunk.count(b"\n")
        self.size += len(chunk)
        if self.lines > self._max_lines or self.size > self._max_bytes:
            raise _Overflow
        self._parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        return None

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


# A remote engine's answer (SPARQL JSON, N-Triples) is read up to this many times the
# byte cap: larger than any result the cap lets through in a compact format.
_READ_FACTOR = 4

# pyoxigraph's messages for evaluation errors the query causes (the rest are the server's).
_QUERY_FAULTS = ("The custom function",)


def _results_format(name: str) -> ox.QueryResultsFormat:
    writer = by_name(name).writer
    if not isinstance(writer, ox.QueryResultsFormat):
        raise TypeError(f"{name} is not a query results format")
    return writer


def _too_large(job: Job, what: str) -> Outcome:
    return Outcome(
        "too_large",
        message=(
            f"The result has more than {job.max_rows} {what} or {job.max_bytes} bytes, the most "
            "this endpoint returns at once. Nothing was cut: narrow the query, or page through "
            "the result with ORDER BY, LIMIT and OFFSET."
        ),
    )


def _solutions(job: Job, results: ox.QuerySolutions) -> Outcome:
    if not job.solutions_format:
        return Outcome("not_acceptable", result="solutions")
    # The header line plus at most max_rows rows; TSV escapes newlines inside terms.
    writer = _CountingWriter(job.max_rows + 1, job.max_bytes)
    try:
        results.serialize(writer, ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
    except _Overflow:
        return _too_large(job, "rows")
    tsv = writer.getvalue()
    rows = tsv.count(b"\n") - 1
    if job.solutions_format == "tsv":
        body = tsv
    else:
        reread = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
        body = reread.serialize(format=_results_format(job.solutions_format)) or b""
        if len(body) > job.max_bytes:
            return _too_large(job, "rows")
    return Outcome("ok", body, job.solutions_format, "solutions", rows)


def _boolean(job: Job, results: ox.QueryBoolean) -> Outcome:
    if not job.solutions_format:
        return Outcome("not_acceptable", result="boolean")
    fmt = job.solutions_format
    body = results.serialize(format=_results_format(fmt)) or b""
    return Outcome("ok", body, fmt, "boolean", 1)


def _graph(kg: KnowledgeGraph, job: Job, results: Iterable[ox.Triple]) -> Outcome:
    if not job.graph_format:
        return Outcome("not_acceptable", result="graph")
    triples = list(islice(results, job.max_rows + 1))
    if len(triples) > job.max_rows:
        return _too_large(job, "triples")
    body = serialize_triples(triples, by_name(job.graph_format), kg.prefixes)
    if len(body) > job.max_bytes:
        return _too_large(job, "triples")
    return Outcome("ok", body, job.graph_format, "graph", len(triples))


def evaluate(kg: KnowledgeGraph, job: Job, search: SearchFunctions | None = None) -> Outcome:
    """Run ``job`` against ``kg``, with the search functions when the release has an
    index; never raises for anything the query itself causes."""
    outcome = _evaluate(kg, job, search)
    if search is not None and search.errors:
        # A search text the functions refused: say so rather than answer an empty result.
        outcome = Outcome("invalid", message=search.errors[0])
    return replace(outcome, build_id=kg.build_id, built_at=kg.last_modified.isoformat())


def _evaluate(kg: KnowledgeGraph, job: Job, search: SearchFunctions | None) -> Outcome:
    if search is not None:
        search.errors.clear()
    try:
        results = kg.query(
            job.query,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            base_iri=job.base_iri or None,
            limit_bytes=_READ_FACTOR * job.max_bytes,
            custom_functions=search.table() if search is not None else None,
        )
        if isinstance(results, ox.QuerySolutions):
            return _solutions(job, results)
        if isinstance(results, ox.QueryBoolean):
            return _boolean(job, results)
        return _graph(kg, job, results)
    except SyntaxError as exc:
        return Outcome("syntax", message=str(exc))
    except (ValueError, TypeError) as exc:  # the query's own doing, e.g. a bad IRI
        return Outcome("invalid", message=str(exc) or type(exc).__name__)
    except RuntimeError as exc:
        if str(exc).startswith(_QUERY_FAULTS):
            return Outcome("invalid", message=str(exc))
        return Outcome("error", message=str(exc) or type(exc).__name__)
    except OSError as exc:
        # Evaluation errors surface here, e.g. a failed SERVICE call or an
        # unsupported feature; the message is pyoxigraph's, without a trace.
        return Outcome("error", message=str(exc) or type(exc).__name__)
