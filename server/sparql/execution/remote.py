"""A remote SPARQL 1.1 endpoint as the store of a release: :class:`RemoteStore`.

With ``sparql_endpoint`` set, the server answers from an engine that holds the
release (written there by ``cgkg publish``) instead of the release's own store;
manifest, dumps and the other files still come from the release folder.
:class:`~server.kg.KnowledgeGraph` sends its queries here, client queries and the
pages' trusted queries alike, and gets pyoxigraph results back, so everything
above it works as with the embedded store.

A query goes out by the SPARQL 1.1 Protocol (a form POST; redirects are not
followed). Its dataset is always named: ``default-graph-uri`` and
``named-graph-uri`` are the release's graphs unless the client named its own, so
the default graph is their union as in the embedded store, and nothing else the
engine holds (another dataset, graphs ``cgkg publish`` is still writing) is seen.
The base IRI goes as a leading ``BASE``; values of trusted queries as a ``VALUES``
block, its terms written by pyoxigraph, first in the query's ``WHERE`` group
(SPARQL 1.1 has no other way to bind variables over the protocol). Results are
read as SPARQL JSON or N-Triples by pyoxigraph, at most ``limit_bytes`` of them.

A connection refused, an answer that is no SPARQL result or a server error
raise :class:`~server.errors.BadGateway` (502); no answer within the time limit
:class:`~server.errors.GatewayTimeout` (504); an engine saying it is busy
:class:`~server.errors.ServiceUnavailable` (503); an engine refusing the query
with 400 ``SyntaxError``, the query's own fault.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
import urllib3

from server.errors import BadGateway, GatewayTimeout, ResultTooLarge, ServiceUnavailable
from server.kg import QueryResults, Term
from server.settings import SettingsError
from server.sparql.protocol import query_form

__all__ = ["RemoteStore"]

_RESULTS = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
_ACCEPT = {"SELECT": _RESULTS, "ASK": _RESULTS, "CONSTRUCT": _GRAPH, "DESCRIBE": _GRAPH}
_CONNECT_TIMEOUT_S = 5.0
log = logging.getLogger("server.remote")
_CHUNK = 1 << 16
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _bind(text: str, substitutions: Mapping[str, Term]) -> str:
    """``text`` with a ``VALUES`` block for ``substitutions``, first in its outer group.

    Only for the server's own queries, each written with one ``WHERE {``: there the
    block joins every solution as binding the variables beforehand would. Not at the
    end of the query, which Virtuoso 7 refuses for anything but SELECT.
    """
    names = " ".join(str(ox.Variable(name)) for name in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    values = f"\n  VALUES ({names}) {{ ({terms}) }}\n"
    found = _WHERE.search(text)
    if found is None:
        return f"{text}\n{values}"
    return text[: found.end()] + values + text[found.end() :]


def _read(response: urllib3.BaseHTTPResponse, deadline: float, limit: int | None) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if limit is not None and size > limit:
            raise ResultTooLarge(
                f"The SPARQL engine's answer is over {limit} bytes, more than this endpoint "
                "returns at once. Nothing was cut: narrow the query, or page through the "
                "result with ORDER BY, LIMIT and OFFSET."
            )
        if time.monotonic() > deadline:
            raise TimeoutError
        parts.append(chunk)
    return b"".join(parts)


def _media_type(response: urllib3.BaseHTTPResponse) -> str:
    return (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class RemoteStore:
    """One remote SPARQL 1.1 query endpoint, shared by every thread of a process."""

    def __init__(self, endpoint: str, timeout_s: float, connections: int = 8) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(f"sparql_endpoint must be an http(s) URL, not {endpoint!r}")
        self.endpoint = endpoint
        self._timeout_s = timeout_s
        self._pool = urllib3.PoolManager(maxsize=connections, retries=False)

    def query(
        self,
        text: str,
        *,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        substitutions: Mapping[str, Term] | None = None,
        base_iri: str | None = None,
        limit_bytes: int | None = None,
        timeout_s: float | None = None,
    ) -> QueryResults:
        """Evaluate ``text`` on the engine over this dataset; see the module docstring."""
        if base_iri:
            text = f"BASE {ox.NamedNode(base_iri)}\n{text}"
        if substitutions:
            text = _bind(text, substitutions)
        fields = [("query", text)]
        fields += [("default-graph-uri", g) for g in default_graphs]
        fields += [("named-graph-uri", g) for g in named_graphs]
        accept = _ACCEPT.get(query_form(text), f"{_RESULTS}, {_GRAPH}")
        body, media_type = self._post(urlencode(fields), accept, timeout_s, limit_bytes)
        return self._results(body, media_type)

    def _post(
        self, form: str, accept: str, timeout_s: float | None, limit: int | None
    ) -> tuple[bytes, str]:
        timeout_s = timeout_s or self._timeout_s
        deadline = time.monotonic() + timeout_s
        for attempt in (1, 2):
            try:
                return self._exchange(form, accept, timeout_s, deadline, limit)
            except urllib3.exceptions.NewConnectionError as exc:  # a ConnectTimeoutError too
                log.warning("cannot reach %s: %s", self.endpoint, exc)
                break
            except (TimeoutError, urllib3.exceptions.TimeoutError):
                raise GatewayTimeout(
                    f"The SPARQL engine behind this endpoint gave no answer within {timeout_s:g} s."
                ) from None
            except urllib3.exceptions.ProtocolError as exc:
                # A kept-alive connection the engine had closed: one more try on a new one.
                log.warning("connection to %s lost (attempt %d): %s", self.endpoint, attempt, exc)
            except urllib3.exceptions.HTTPError as exc:
                log.warning("request to %s failed: %s", self.endpoint, exc)
                break
        raise BadGateway("The SPARQL engine behind this endpoint cannot be reached.")

    def _exchange(
        self, form: str, accept: str, timeout_s: float, deadline: float, limit: int | None
    ) -> tuple[bytes, str]:
        response = self._pool.request(
            "POST",
            self.endpoint,
            body=form.encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
            timeout=urllib3.Timeout(connect=min(_CONNECT_TIMEOUT_S, timeout_s), read=timeout_s),
            redirect=False,
            preload_content=False,
        )
        try:
            if response.status != 200:
                self._refuse(response.status, response.read(1 << 16))
            return _read(response, deadline, limit), _media_type(response)
        finally:
            response.release_conn()

    def _refuse(self, status: int, body: bytes) -> None:
        said = body.decode("utf-8", "replace").strip()[:500]
        if status == 400:  # the query's own fault: the engine's words are for the client
            raise SyntaxError(said or "the SPARQL engine refused the query")
        log.warning("%s answered %d: %s", self.endpoint, status, said)
        if status == 503:
            raise ServiceUnavailable("The SPARQL engine behind this endpoint is busy.")
        raise BadGateway(f"The SPARQL engine behind this endpoint failed (HTTP {status}).")

    def _results(self, body: bytes, media_type: str) -> QueryResults:
        try:
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            if results_format is not None:
                return ox.parse_query_results(body, results_format)
            rdf_format = ox.RdfFormat.from_media_type(media_type)
            if rdf_format is not None:
                return [quad.triple for quad in ox.parse(body, rdf_format)]
        except (SyntaxError, ValueError) as exc:
            raise BadGateway(
                f"The SPARQL engine behind this endpoint sent unreadable {media_type}: {exc}"
            ) from None
        raise BadGateway(
            f"The SPARQL engine behind this endpoint answered {media_type or 'no media type'}, "
            "which is not a SPARQL result."
        )

    def close(self) -> None:
        self._pool.clear()
