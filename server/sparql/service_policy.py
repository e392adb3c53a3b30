"""SERVICE allow-list: a query may call out only to endpoints the operator allowed.

pyoxigraph evaluates ``SERVICE <iri> { ... }`` by sending an HTTP request to
``iri``, from the server. Left open, anyone could make the server fetch any URL
(including ones only reachable from inside its network). :func:`check` runs on
every query before it is evaluated:

* a query in which the word ``SERVICE`` does not occur (in any letter case)
  outside its strings, IRIs and comments has no SERVICE clause and passes at
  once (the scan leaves anything it does not recognise, so it errs towards parsing);
* otherwise the query is parsed (rdflib's SPARQL parser) and every SERVICE
  endpoint is resolved against the query's prologue (``PREFIX``, ``BASE``, or the
  server's base IRI); each must be one of ``allowlist``, exactly. An endpoint
  given by a variable is always refused, and so is a query that mentions
  SERVICE but cannot be parsed, since its calls cannot be checked.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

from server.errors import ServiceForbidden

__all__ = ["check", "code_only", "mentions_service", "parse_locked", "service_endpoints"]

_MENTIONS_SERVICE = re.compile("service", re.IGNORECASE)
# The keyword, not a variable (?service), a prefixed name (ex:service) or a prefix (service:x).
_KEYWORD = re.compile(r"(?<![\w?$:.\-])service(?![\w:\-])", re.IGNORECASE)
# SPARQL reads codepoint escapes before anything else (SPARQL 1.1 Query, section 19.2).
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Longer texts that use SERVICE are refused unread when none is allowed, and unparsed when
# some are: rdflib's parser takes seconds on them, and runs under a lock.
_MAX_PARSED = 8 * 1024
# Text that cannot hold a keyword: strings, IRIs, comments, and backslash escapes
# (which local names may contain, e.g. ex:a\'b, and which must not open a string).
_NOT_CODE = re.compile(
    r"'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
    r"|\\.",
    re.DOTALL,
)
_PARSER_LOCK = threading.Lock()  # pyparsing's packrat cache is shared state


class _Unchecked(Exception):
    """An endpoint that cannot be known before evaluation."""


def _walk(node: Any) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for item in node:
            yield from _walk(item)


def parse_locked(query: str) -> Any:
    """rdflib's parse of ``query``, one at a time: its parser is not safe across threads."""
    with _PARSER_LOCK:
        return parseQuery(query)


def service_endpoints(query: str, base_iri: str) -> list[str]:
    """The IRIs of every SERVICE clause in ``query``.

    Raises ``ValueError`` if the query does not parse or an endpoint is a variable.
    """
    try:
        with _PARSER_LOCK:
            parsed = parseQuery(query)
    except ParseException as exc:
        raise ValueError(f"the query does not parse: {exc}") from None
    except RecursionError:  # rdflib's parser recurses once per nested group
        raise ValueError("the query nests too deeply to be read") from None
    prologue, body = parsed[0], parsed[1:]
    prefixes: dict[str, str] = {}
    base = base_iri
    for decl in prologue:
        if decl.name == "Base":
            base = urljoin(base, str(decl["iri"]))
        elif decl.name == "PrefixDecl":
            prefixes[str(decl.get("prefix") or "")] = urljoin(base, str(decl["iri"]))
    endpoints = []
    for node in _walk(body):
        if node.name != "ServiceGraphPattern":
            continue
        term = node["term"]
        if isinstance(term, Variable):
            raise ValueError(f"the SERVICE endpoint ?{term} is a variable")
        if isinstance(term, URIRef):
            endpoints.append(urljoin(base, str(term)))
        elif isinstance(term, CompValue) and term.name == "pname":
            prefix = str(term.get("prefix") or "")
            if prefix not in prefixes:
                raise ValueError(f"the prefix {prefix}: is not declared")
            endpoints.append(prefixes[prefix] + str(term.get("localname") or ""))
        else:
            raise ValueError("a SERVICE endpoint could not be read")
    return endpoints


def unescaped(query: str) -> str:
    """``query`` with its ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes replaced by their
    characters: the text the SPARQL grammar reads. ``ValueError`` for a code point
    that does not exist."""
    return _CODEPOINT.sub(lambda m: chr(int(m[1] or m[2], 16)), query)


def code_only(query: str) -> str:
    """``query`` as the grammar reads it (escapes applied), with its strings, IRIs and
    comments blanked out; ``query`` unchanged where an escape names no character."""
    try:
        text = unescaped(query)
    except ValueError:
        text = query
    return _NOT_CODE.sub(" ", text)


def mentions_service(query: str) -> bool:
    """Whether SERVICE may be a keyword of ``query`` (escapes read first).

    True when the keyword occurs outside the query's strings, IRIs and comments: a
    superset of the queries with a SERVICE clause, since the scan leaves in place
    anything it does not recognise.
    """
    if _MENTIONS_SERVICE.search(query) is None and "\\" not in query:
        return False
    try:
        text = unescaped(query)
    except ValueError:
        return True  # not a query the grammar can read: let the check refuse it
    return _KEYWORD.search(_NOT_CODE.sub(" ", text)) is not None


def _refuse_unread(allowlist: tuple[str, ...]) -> None:
    if not allowlist:
        raise ServiceForbidden(
            "This query uses SERVICE, and this endpoint calls no SERVICE endpoint."
        )
    raise ServiceForbidden(
        f"This query uses SERVICE and is longer than {_MAX_PARSED} bytes, the most whose "
        "SERVICE calls this endpoint checks; shorten it."
    )


def check(query: str, allowlist: tuple[str, ...], base_iri: str) -> None:
    """Raise :class:`~server.errors.ServiceForbidden` unless every SERVICE call is allowed."""
    if not mentions_service(query):
        return
    try:
        text = unescaped(query)
    except ValueError:
        raise ServiceForbidden(
            "This query has a codepoint escape that names no character."
        ) from None
    if len(text.encode("utf-8")) > _MAX_PARSED:
        _refuse_unread(allowlist)
    try:
        endpoints = service_endpoints(text, base_iri)
    except ValueError as exc:
        raise ServiceForbidden(
            f"This query mentions SERVICE, and its endpoints could not be checked ({exc}); "
            "this endpoint only calls SERVICE endpoints its operator allows."
        ) from None
    refused = [e for e in endpoints if e not in allowlist]
    if refused:
        allowed = ", ".join(allowlist) if allowlist else "none"
        raise ServiceForbidden(
            f"SERVICE <{refused[0]}> is not allowed: this endpoint only calls the SERVICE "
            f"endpoints its operator allows ({allowed})."
        )
