"""SPARQL 1.1 Protocol, query operation: from an HTTP request to a :class:`QueryRequest`.

Three ways to send a query (https://www.w3.org/TR/sparql11-protocol/#query-operation):

* ``GET /sparql?query=...``
* ``POST`` with ``Content-Type: application/x-www-form-urlencoded`` and ``query=...``
  in the body;
* ``POST`` with ``Content-Type: application/sparql-query`` and the query as the
  body (UTF-8, the only charset allowed).

``default-graph-uri`` and ``named-graph-uri`` may be repeated; in a form POST
they may be in the body or the URL. ``format`` (or ``output``) names the result
format for clients that cannot set ``Accept``. :func:`parse` raises the
:mod:`server.errors` a client should see: a missing or repeated ``query``
(400), any update (403: the endpoint is read-only), a body over the size
limit (413), a media type or charset that is not accepted (415).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request

from server.errors import (
    BadRequest,
    ContentTooLarge,
    UnsupportedMediaType,
    UpdateForbidden,
)
from server.http.urlencoded import parse_pairs

__all__ = ["QueryRequest", "looks_like_update", "parse", "parse_query_string", "url_params"]

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

_FORM_EXPANSION = 3  # percent-encoding at most triples the size of the text


@dataclass(frozen=True, slots=True)
class QueryRequest:
    """One query operation, as the client sent it."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    """Values of the ``format``/``output`` parameters, in order."""
    via: Literal["get", "form", "direct"] = "get"


def _single_query(values: list[str]) -> str:
    if len(values) > 1:
        raise BadRequest(
            f"The request has {len(values)} 'query' parameters; send exactly one query."
        )
    if not values or not values[0].strip():
        raise BadRequest("The 'query' parameter is empty; send a SPARQL query.")
    return values[0]


def _check_size(query: str, limit: int) -> None:
    if len(query.encode("utf-8")) > limit:
        raise ContentTooLarge(
            f"The query is longer than {limit} bytes, the most this endpoint accepts."
        )


def _read_body(request: Request, limit: int) -> bytes:
    length = request.content_length
    if length is not None and length > limit:
        raise ContentTooLarge(
            f"The request body has {length} bytes; this endpoint accepts at most {limit}."
        )
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise ContentTooLarge(f"The request body is larger than {limit} bytes.")
    return body


def _charset_is_utf8(request: Request) -> bool:
    charset = request.mimetype_params.get("charset")
    return charset is None or charset.strip().lower() in ("utf-8", "utf8")


def _formats(params: MultiDict[str, str]) -> tuple[str, ...]:
    return tuple(params.getlist("format") + params.getlist("output"))


def _graphs(*sources: MultiDict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    default: list[str] = []
    named: list[str] = []
    for params in sources:
        default.extend(params.getlist("default-graph-uri"))
        named.extend(params.getlist("named-graph-uri"))
    for iri in (*default, *named):
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise BadRequest(
                f"The graph IRI {iri!r} is not a valid absolute IRI ({exc})."
            ) from None
    return tuple(default), tuple(named)


def _refuse_update(params: MultiDict[str, str]) -> None:
    if "update" in params:
        raise UpdateForbidden()


def _decode_params(text: str) -> MultiDict[str, str]:
    try:
        return MultiDict(parse_pairs(text))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The parameters are not valid UTF-8 URL-encoded data.") from None


def url_params(query_string: str) -> MultiDict[str, str]:
    """The parameters of a raw URL query string (percent-decoded as UTF-8)."""
    return _decode_params(query_string)


def parse_query_string(query_string: str, max_query_bytes: int) -> QueryRequest | None:
    """A GET's query operation from its raw query string; ``None`` when it has no query."""
    args = url_params(query_string)
    _refuse_update(args)
    if "query" not in args:
        if "default-graph-uri" in args or "named-graph-uri" in args:
            raise BadRequest("The request names graphs but has no 'query' parameter.")
        return None
    query = _single_query(args.getlist("query"))
    _check_size(query, max_query_bytes)
    default, named = _graphs(args)
    return QueryRequest(query, default, named, _formats(args), "get")


def _parse_form(request: Request, args: MultiDict[str, str], limit: int) -> QueryRequest:
    if not _charset_is_utf8(request):
        raise UnsupportedMediaType("Form data must be UTF-8.")
    body = _read_body(request, limit * _FORM_EXPANSION + 4096)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The form body is not valid UTF-8.") from None
    form = _decode_params(text)
    _refuse_update(form)
    if "query" in args:
        raise BadRequest("Send 'query' in the form body only, not also in the URL.")
    query = _single_query(form.getlist("query"))
    _check_size(query, limit)
    default, named = _graphs(form, args)
    return QueryRequest(query, default, named, _formats(form) + _formats(args), "form")


def _parse_direct(request: Request, args: MultiDict[str, str], limit: int) -> QueryRequest:
    if not _charset_is_utf8(request):
        raise UnsupportedMediaType(
            "A query sent as application/sparql-query must be UTF-8, the only charset "
            "the protocol allows."
        )
    if "query" in args:
        raise BadRequest("The query is in the body; do not also send a 'query' parameter.")
    body = _read_body(request, limit)
    try:
        query = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The query is not valid UTF-8.") from None
    if not query.strip():
        raise BadRequest("The request body is empty; send a SPARQL query.")
    default, named = _graphs(args)
    return QueryRequest(query, default, named, _formats(args), "direct")


def parse(request: Request, max_query_bytes: int) -> QueryRequest | None:
    """The query operation in ``request``, or ``None`` for a bare GET (service description)."""
    query_string = request.environ.get("QUERY_STRING", "")
    if request.method in ("GET", "HEAD"):
        return parse_query_string(query_string, max_query_bytes)
    args = url_params(query_string)
    _refuse_update(args)
    mimetype = request.mimetype
    if mimetype == SPARQL_UPDATE:
        raise UpdateForbidden()
    if mimetype == FORM:
        return _parse_form(request, args, max_query_bytes)
    if mimetype == SPARQL_QUERY:
        return _parse_direct(request, args, max_query_bytes)
    if not mimetype:
        raise UnsupportedMediaType(
            "A POST needs a Content-Type: application/sparql-query (the query as the body) "
            "or application/x-www-form-urlencoded (query=...)."
        )
    raise UnsupportedMediaType(
        f"{mimetype} is not accepted here; send application/sparql-query or "
        "application/x-www-form-urlencoded."
    )


_COMMENT_OR_STRING = re.compile(r"#[^\n]*|<[^<>\s]*>")
_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*|BASE\s*)[^\s]*\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


_FORM_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*|BASE\s*)[^\s]*\s*)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` as the query reads; empty if unclear."""
    found = _FORM_START.match(_COMMENT_OR_STRING.sub(" ", text))
    return found.group(1).upper() if found else ""


def looks_like_update(text: str) -> bool:
    """Whether text that failed to parse as a query reads like SPARQL Update.

    Used only to explain a refusal better (403 read-only instead of 400 syntax).
    """
    stripped = _COMMENT_OR_STRING.sub(" ", text)
    return _UPDATE_START.match(stripped) is not None
