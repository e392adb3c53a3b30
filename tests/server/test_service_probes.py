"""SERVICE probes against the production server: every way of naming a loopback listener
from a query, sent as GET, POST form and POST direct, and the listener must see 0
connections. Once with nothing allowed (the query processes have no network at all), once
with another endpoint allowed (the check parses, and the processes can reach only that one)."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.server.listener import Listener
from tests.server.support import LiveServer

# {url}: the listener's endpoint; {host}/{port}: its parts; {e}: the endpoint escaped.
PROBES = {
    "plain": "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "silent": "SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "lower case": "select * {{ service <{url}> {{ ?s ?p ?o }} }}",
    "mixed case": "SeLeCt * {{ sErViCe SiLeNt <{url}> {{ ?s ?p ?o }} }}",
    "keyword escaped": "SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "keyword long escape": "SELECT * {{ \\U00000053\\U00000045RVICE <{url}> {{ ?s ?p ?o }} }}",
    "iri escaped": "SELECT * {{ SERVICE <{e}> {{ ?s ?p ?o }} }}",
    "escape then comment": (
        "SELECT ?leak {{ OPTIONAL {{ ?a ?b <http://a/\\u0041#> }} "
        "SERVICE <{url}> {{ ?leak ?p ?o }} }}"
    ),
    "escaped quote": "SELECT * {{ ?a ?b 'x\\u0027 . SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "comment between": "SELECT * {{ SERVICE # x\n <{url}> {{ ?s ?p ?o }} }}",
    "after a comment": "# SERVICE\nSELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "after strings": (
        "SELECT * {{ ?a ?b '#', \"'\", '''\"''', \"\"\"'#\"\"\" . SERVICE <{url}> {{ ?s ?p ?o }} }}"
    ),
    "tabs and newlines": "SELECT * {{\tSERVICE\r\n<{url}>\n{{ ?s ?p ?o }} }}",
    "prefixed": (
        "PREFIX l: <http://{host}:{port}/> SELECT * {{ SERVICE l:sparql {{ ?s ?p ?o }} }}"
    ),
    "empty prefix": (
        "PREFIX : <http://{host}:{port}/> SELECT * {{ SERVICE :sparql {{ ?s ?p ?o }} }}"
    ),
    "prefix escaped": (
        "PREFIX l: <http://{host}:{port}/> SELECT * {{ SERVICE l:\\u0073parql {{ ?s ?p ?o }} }}"
    ),
    "base": "BASE <http://{host}:{port}/> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "variable": "SELECT * {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "values variable": "SELECT * {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "subquery": "SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "nested": (
        "SELECT * {{ SERVICE <http://{host}:{port}/a> {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}"
    ),
    "in exists": "ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in optional": "SELECT * {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in union": "SELECT * {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in minus": "SELECT * {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "describe": "DESCRIBE ?s {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "localhost": "SELECT * {{ SERVICE <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }}",
    "127.1": "SELECT * {{ SERVICE <http://127.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "hex host": "SELECT * {{ SERVICE <http://0x7f000001:{port}/sparql> {{ ?s ?p ?o }} }}",
    "decimal host": "SELECT * {{ SERVICE <http://2130706433:{port}/sparql> {{ ?s ?p ?o }} }}",
    "octal host": "SELECT * {{ SERVICE <http://0177.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "ipv6 loopback": "SELECT * {{ SERVICE <http://[::1]:{port}/sparql> {{ ?s ?p ?o }} }}",
    "ipv4-mapped ipv6": (
        "SELECT * {{ SERVICE <http://[::ffff:127.0.0.1]:{port}/sparql> {{ ?s ?p ?o }} }}"
    ),
    "userinfo": "SELECT * {{ SERVICE <http://allowed@{host}:{port}/sparql> {{ ?s ?p ?o }} }}",
    "file iri": "SELECT * {{ SERVICE <file:///etc/passwd> {{ ?s ?p ?o }} }}",
    "from": "SELECT * FROM <{url}> {{ ?s ?p ?o }}",
    "from named": "SELECT * FROM NAMED <{url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "from file": "SELECT * FROM <file:///etc/passwd> {{ ?s ?p ?o }}",
    "graph iri": "SELECT * {{ GRAPH <{url}> {{ ?s ?p ?o }} }}",
    "load": "LOAD <{url}>",
    "update service": "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
}


def probe_text(template: str, listener: Listener) -> str:
    escaped = "".join(f"\\u{ord(c):04X}" if c in "/:." else c for c in listener.url)
    return template.format(url=listener.url, host="127.0.0.1", port=listener.port, e=escaped)


def send(server: LiveServer, how: str, query: str) -> int:
    url = server.url + "/sparql"
    data: bytes | None = None
    headers = {"Accept": "application/sparql-results+json"}
    if how == "get":
        url += "?" + urllib.parse.urlencode({"query": query})
    elif how == "form":
        data = urllib.parse.urlencode({"query": query}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        data = query.encode()
        headers["Content-Type"] = "application/sparql-query"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.fixture(scope="module")
def target() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def decoy() -> Iterator[Listener]:
    """The endpoint the second server allows: probes aim at the other listener."""
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture(scope="module", params=["nothing allowed", "another endpoint allowed"])
def server(
    request: pytest.FixtureRequest,
    start_server: Callable[..., LiveServer],
    built_out: Path,
    decoy: Listener,
) -> LiveServer:
    extra = ["--service-allowlist", decoy.url] if request.param != "nothing allowed" else []
    return start_server(built_out, "--workers", "1", "--rate-limit-per-s", "0", *extra)


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_no_service_probe_reaches_the_listener(
    server: LiveServer, target: Listener, how: str
) -> None:
    statuses = {name: send(server, how, probe_text(t, target)) for name, t in PROBES.items()}
    time.sleep(0.5)
    assert target.connections == 0, statuses
    # FROM, FROM NAMED and GRAPH name graphs of the store: nothing is fetched, they answer.
    answered = {name for name, status in statuses.items() if status != 403}
    assert answered == {"from", "from named", "from file", "graph iri"}, statuses
