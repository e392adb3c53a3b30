"""A seeded generator of hostile requests over every route, and a raw-socket client to send them.

Used by tests/server/test_fuzz.py (a CI-sized run) and scripts/fuzz.py (the long run). Each
request is bytes as they go on the wire, so that malformed HTTP can be sent too; each is
tagged with the class it belongs to, so that a failure names what provoked it.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

ZONE = "/zone/2015/110102"
# One path per route of the server (tests/server/test_fuzz.py checks that none is missing).
ROUTES = [
    "/",
    "/zones",
    "/themes",
    "/divisions",
    "/initiatives",
    "/zones.ttl",
    "/themes.jsonld",
    "/divisions.nt",
    "/initiatives.rdf",
    "/service",
    "/service.ttl",
    "/sitemap.xml",
    "/robots.txt",
    "/CHANGELOG.md",
    "/context.jsonld",
    "/search?q=%E5%8D%8F%E5%95%86",
    "/sparql",
    "/sparql/",
    "/rdf-graph-store",
    "/rdf-graph-store?default",
    "/rdf-graph-store?graph=https%3A%2F%2Fw3id.org%2Fcgkg%2Fgraph%2Fthemes",
    "/dumps/",
    "/dumps/cgkg.ttl",
    "/dumps/1.0.0/cgkg.ttl",
    "/downloads",
    "/ontology",
    "/ontology.ttl",
    "/ontology/1.0.0",
    "/shapes",
    "/shapes.ttl",
    "/.well-known/void",
    "/health",
    "/static/cgkg.css",
    "/lookup?q=%E6%9C%9D%E9%98%B3",
    "/reconcile",
    "/reconcile?queries=%7B%7D",
    "/reconcile/preview?id=zone%2F2015%2F110102",
    "/reconcile/suggest/entity?prefix=%E5%8C%97",
    "/reconcile/suggest/type?prefix=z",
    "/reconcile/suggest/property?prefix=c",
    "/reconcile/properties?type=zone",
    "/reconcile/schema",
    ZONE,
    ZONE + ".ttl",
    "/zone",
    "/zone.ttl",
    "/division/110102",
    "/theme/community-services",
    "/graph/themes",
    "/query/01-zones-per-province",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO"]
BAD_SEGMENTS = [
    "a%20b",
    "<",
    "%3C",
    '"',
    "{",
    "}",
    "\\",
    "%",
    "%zz",
    "%FF",
    "%C3%28",
    "%ED%A0%80",
    "..",
    "%2e%2e",
    "..%2f..%2fetc%2fpasswd",
    "%00",
    "%0d%0aX-Evil:%201",
    "|",
    "^",
    "`",
    quote("社区治理"),
    "社区",
    "a" * 3000,
    "%" * 50,
    "/" * 40,
    "\u202e",
    "%EF%BB%BF",
]
BAD_GRAPHS = ["graph/themes", "", "<>", "http://", "urn:", " ", "%", "::", "javascript:alert(1)"]
QUERIES = [
    "ASK {}",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT * WHERE { ?s",
    "CLEAR ALL",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "SELECT (<urn:unknownfn>(1) AS ?v) {}",
    "SELECT * { BIND(<urn:unknownfn>(1) AS ?v) }",
    'SELECT * { ?s ?p """unterminated }',
    "SELECT * { ?s ?p '\\u0041' }",
    "SELECT * { ?s <http://a/\\uD800> ?o }",
    'SELECT * { ?s ?p ?o FILTER(REGEX(?o, "(a+)+$")) } LIMIT 5',
    "DESCRIBE <javascript:alert(1)>",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
    "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }",
    "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
    "PREFIX : <x> SELECT * { :a :b :c }",
    "BASE <::> SELECT * { <a> ?p ?o }",
    'SELECT * { ?s ?p "<script>alert(1)</script>"@en }',
    'SELECT * { ?s ?p "x"@<script> }',
    "\x00\x01\x02",
    "",
]


@dataclass(frozen=True, slots=True)
class Hostile:
    """One request as it goes on the wire, and what made it."""

    kind: str
    wire: bytes
    method: str = "GET"


@dataclass(slots=True)
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _request(method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if body and not any(
        name.lower() in ("content-length", "transfer-encoding") for name, _ in headers
    ):
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{name}: {value}" for name, value in headers]
    head = "\r\n".join(lines) + "\r\n\r\n"
    return head.encode("utf-8", "surrogateescape") + body


def _q(query: str) -> str:
    return "/sparql?query=" + quote(query, safe="")


def _deep(r: random.Random) -> str:
    depth = r.choice([40, 100, 500, 3000])
    return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth


def _big_query(r: random.Random) -> str:
    kind = r.randrange(5)
    if kind == 0:
        return 'SELECT * { ?s ?p "' + "x" * r.choice([10_000, 200_000]) + '" }'
    if kind == 1:
        return "SELECT * { ?s ?p <http://a/" + "b" * r.choice([5_000, 100_000]) + "> }"
    if kind == 2:
        words = [
            "SELECT",
            "WHERE",
            "{",
            "}",
            "FILTER",
            "(",
            ")",
            "?x",
            "UNION",
            "OPTIONAL",
            "SERVICE",
            "GRAPH",
            ".",
            ";",
            ",",
            "'",
            '"',
            "<",
            ">",
            "#",
            "\\u0041",
        ]
        return " ".join(r.choice(words) for _ in range(r.choice([50, 2000])))
    if kind == 3:
        rows = " ".join(f"({i})" for i in range(r.choice([1_000, 20_000])))
        return f"SELECT * {{ VALUES (?v) {{ {rows} }} }}"
    return _deep(r)


def _query_request(r: random.Random) -> Hostile:
    query = r.choice([*QUERIES, _big_query(r), _deep(r)])
    how = r.randrange(6)
    accept = [
        (
            "Accept",
            r.choice(
                [
                    "*/*",
                    "text/html",
                    "application/json",
                    "text/csv",
                    "image/png",
                    "application/sparql-results+xml;q=0",
                ]
            ),
        )
    ]
    if how == 0:
        return Hostile("query-get", _request("GET", _q(query), accept))
    if how == 1:
        form = b"query=" + quote(query, safe="").encode()
        ctype = [("Content-Type", "application/x-www-form-urlencoded")]
        return Hostile("query-form", _request("POST", "/sparql", ctype + accept, form), "POST")
    if how == 2:
        ctype = [("Content-Type", "application/sparql-query")]
        return Hostile(
            "query-direct", _request("POST", "/sparql", ctype + accept, query.encode()), "POST"
        )
    if how == 3:
        graph = r.choice(BAD_GRAPHS)
        param = r.choice(["default-graph-uri", "named-graph-uri"])
        target = _q("ASK {}") + f"&{param}=" + quote(graph, safe="")
        return Hostile("graph-uri", _request("GET", target, accept))
    if how == 4:
        target = _q("ASK {}") + r.choice(
            [
                "&query=ASK%7B%7D",
                "&format=nope",
                "&format=",
                "&timeout=-1",
                "&query",
                "&&&",
                "&lang=<x>",
            ]
        )
        return Hostile("duplicate-params", _request("GET", target, accept))
    raw = r.choice([b"%FF%FE", b"%C3", b"%ED%A0%80", b"%"])
    return Hostile("query-bad-utf8", _request("GET", "/sparql?query=ASK" + raw.decode(), accept))


def _body_request(r: random.Random) -> Hostile:
    target = r.choice(["/sparql", "/graph-store", "/", ZONE, "/dumps/"])
    texts = [
        b"\xff\xfe\x00A\x00S\x00K",
        "ASK {}".encode("utf-16"),
        b"\xc3\x28",
        b"\x00" * 64,
        b"query=%FF",
        b"query=ASK+%7B%7D&query=ASK",
        b'{"query": "ASK {}"}',
        b"",
    ]
    types = [
        "application/sparql-query",
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plain; charset=utf-16",
        "multipart/form-data",
        "application/sparql-update",
        "",
        "text/turtle",
        "application/x-www-form-urlencoded; charset=latin1",
        "*/*",
    ]
    headers = [("Content-Type", r.choice(types))]
    body = r.choice(texts)
    return Hostile(
        "body", _request(r.choice(["POST", "PUT", "PATCH"]), target, headers, body), "POST"
    )


def _header_request(r: random.Random) -> Hostile:
    target = r.choice(ROUTES)
    kind = r.randrange(6)
    if kind == 0:
        types = [f"type{i}/sub{i};q=0.{i % 10}" for i in range(r.choice([100, 400]))]
        headers = [("Accept", ", ".join(types))]
    elif kind == 1:
        headers = [("X-Big", "a" * r.choice([4_000, 20_000]))]
    elif kind == 2:
        headers = [(f"X-H{i}", "v") for i in range(r.choice([50, 150]))]
    elif kind == 3:
        headers = [
            (
                r.choice(
                    [
                        "Accept",
                        "Accept-Language",
                        "Accept-Encoding",
                        "If-None-Match",
                        "If-Modified-Since",
                        "Range",
                        "Origin",
                        "Cookie",
                    ]
                ),
                r.choice(
                    [
                        "",
                        ";;;",
                        "q=2",
                        "*/*;q=nan",
                        "\u00e9\u00e8",
                        "ZZZ, GMT",
                        "bytes=99999999-",
                        "null",
                        "text/html;q=-1",
                        "zh-CN;q=0.9,*;q=x",
                    ]
                ),
            )
        ]
    elif kind == 4:
        headers = [("Host", r.choice(["evil.example", "", "a b", "[::1", "127.0.0.1:99999"]))]
    else:
        headers = [("Accept", "text/html"), ("Accept-Language", "x" * 2000)]
    method = r.choice(["GET", "HEAD"])
    return Hostile("headers", _request(method, target, headers), method)


def _path_request(r: random.Random) -> Hostile:
    base = r.choice([ZONE, "/division", "/theme", "/dumps", "/ontology", "/graph", "/query", ""])
    path = base + "/" + r.choice(BAD_SEGMENTS) + r.choice(["", ".ttl", ".json", ".html", "?x=%"])
    return Hostile("path", _request("GET", path, [("Accept", r.choice(["text/html", "*/*"]))]))


def _method_request(r: random.Random) -> Hostile:
    method = r.choice(METHODS)
    body = b"ASK {}" if method in ("POST", "PUT", "PATCH") else b""
    return Hostile("method", _request(method, r.choice(ROUTES), [], body), method)


def _raw_request(r: random.Random) -> Hostile:
    choices = [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        b"GET /\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n X-Folded: y\r\n\r\n",
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"b" * 500_000 + b"\r\n\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/sparql-query\r\nConnection: close\r\n\r\n"
        b"ZZ\r\nASK {}\r\n0\r\n\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n"
        b"Connection: close\r\nContent-Length: 6\r\n\r\nASK {}",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nContent-Length: 7\r\n"
        b"Connection: close\r\n\r\nASK {}",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n",
        b"G\xc3\xa9T / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET http://evil.example/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]
    if r.random() < 0.1:  # not HTTP/1 at all: a TLS hello, an HTTP/2 preface
        tls = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(32))
        return Hostile("not-http1", r.choice([tls, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"]))
    return Hostile("raw", r.choice(choices))


GENERATORS: list[Callable[[random.Random], Hostile]] = [
    _query_request,
    _query_request,
    _body_request,
    _header_request,
    _path_request,
    _method_request,
    _raw_request,
]


def corpus(seed: int, count: int) -> Iterator[Hostile]:
    """``count`` hostile requests, the same for the same ``seed``."""
    r = random.Random(seed)  # noqa: S311 - reproducible, not secret
    for _ in range(count):
        yield r.choice(GENERATORS)(r)


def send(port: int, request: Hostile, timeout_s: float = 30.0) -> Answer | None:
    """Send ``request`` on a fresh connection; the answer, or ``None`` if the connection was
    closed without one."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as sock:
        # The server may answer and close before reading all of a huge request.
        with contextlib.suppress(OSError):
            sock.sendall(request.wire)
        data = bytearray()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(1 << 16)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            data += chunk
    return parse_answer(bytes(data))


def parse_answer(data: bytes) -> Answer | None:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _unchunk(body)
    return Answer(int(parts[1]), headers, body)


def _unchunk(body: bytes) -> bytes:
    out = bytearray()
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return bytes(out)


def in_error_shape(answer: Answer) -> bool:
    """Whether a 4xx/5xx body is the documented error shape (server/errors.py)."""
    kind = answer.headers.get("content-type", "").split(";")[0].strip()
    if kind == "application/json":
        try:
            doc = json.loads(answer.body)
        except ValueError:
            return False
        return isinstance(doc, dict) and doc.get("status") == answer.status and "message" in doc
    if kind == "text/html":
        return f"<h1>{answer.status} ".encode() in answer.body
    return answer.body.startswith(f"{answer.status} ".encode())


_TARGET = re.compile(rb"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


_BUFFER = 8 * 1024 + 2 * 32 * 1024
"""granian's buffer for a request head at the defaults (max_url_bytes + 2 x max_header_bytes):
a smaller head reaches the application, which answers in the error shape."""


def malformed_http(request: Hostile) -> bool:
    """Whether ``request`` is not well-formed HTTP/1.1 (which the HTTP server refuses itself):
    a request target with characters RFC 9112 does not allow, or a head over its limits
    (100 header fields, the HTTP/1 buffer, a request target of 65,534 bytes)."""
    head = request.wire.split(b"\r\n\r\n", 1)[0]
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    target_ok = len(parts) == 3 and len(parts[1]) <= 65_534 and _TARGET.match(parts[1]) is not None
    return request.kind == "raw" or not target_ok or len(lines) > 100 or len(head) > _BUFFER


def from_the_application(answer: Answer) -> bool:
    """Whether the application answered (it sets security headers; the HTTP server's own
    refusals of unparsable requests carry none)."""
    return "x-content-type-options" in answer.headers
