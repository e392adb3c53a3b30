"""A CI-sized run of the hostile-request corpus (tests/server/hostile.py) against the
production server: no 5xx but deliberate 503s, every error of the application in the
documented shape. The long run is scripts/fuzz.py (figures in docs/reliability.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException

from tests.server.hostile import (
    METHODS,
    ROUTES,
    Answer,
    Hostile,
    corpus,
    from_the_application,
    in_error_shape,
    malformed_http,
    send,
)
from tests.server.support import LiveServer

SEED = 20150701
COUNT = 2400


@pytest.fixture(scope="module")
def target(start_server: Callable[..., LiveServer], built_out: Path) -> LiveServer:
    return start_server(
        built_out, "--workers", "2", "--rate-limit-per-s", "0", "--query-timeout-s", "5"
    )


def faults(request: Hostile, answer: Answer | None) -> list[str]:
    """What is wrong with ``answer``, if anything."""
    if answer is None:  # HTTP/1 cannot answer what is not HTTP/1
        return [] if request.kind == "not-http1" else ["no answer"]
    status = answer.status
    if status >= 500 and not (status == 503 and "retry-after" in answer.headers):
        return [f"{status}"]
    if status == 503 and b"stopped unexpectedly" in answer.body:
        return ["503: the query process died"]  # not a deliberate refusal: a crash
    if not from_the_application(answer):
        # The HTTP server's own refusal of a request it cannot parse (docs/server.md).
        own = (400, 413, 414, 431)  # 414: hyper's, for a request target over 65,534 bytes
        return [] if malformed_http(request) and status in own else ["bare front"]
    if status >= 400 and request.method != "HEAD" and not in_error_shape(answer):
        return [f"{status} not in the error shape"]
    return []


def test_the_hostile_corpus_gets_no_5xx_and_only_documented_errors(target: LiveServer) -> None:
    requests = list(corpus(SEED, COUNT))
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda r: send(target.port, r), requests))
    problems = Counter(
        f"{r.kind}: {fault}"
        for r, a in zip(requests, answers, strict=True)
        for fault in faults(r, a)
    )
    examples = {
        fault: r.wire[:200]
        for r, a in zip(requests, answers, strict=True)
        for fault in faults(r, a)
    }
    assert problems == Counter(), examples
    statuses = Counter(a.status for a in answers if a is not None)
    assert statuses[200] > 100
    assert sum(n for s, n in statuses.items() if 400 <= s < 500) > 500


def test_the_corpus_reaches_every_route(app: Flask) -> None:
    adapter = app.url_map.bind("127.0.0.1")
    reached = set()
    for path in ROUTES:
        for method in METHODS:
            try:
                rule, _ = adapter.match(path.split("?")[0], method=method, return_rule=True)
            except HTTPException:  # 405, redirects: no rule for this method
                continue
            reached.add((rule.rule, frozenset(rule.methods or ())))
    every = {(rule.rule, frozenset(rule.methods or ())) for rule in app.url_map.iter_rules()}
    assert every - reached == set()


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    assert [r.wire for r in corpus(7, 50)] == [r.wire for r in corpus(7, 50)]
    assert len({r.kind for r in corpus(7, 400)}) >= 8


def test_a_500_would_be_reported() -> None:
    well_formed = Hostile("path", b"GET /zone/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = Answer(500, {"x-content-type-options": "nosniff"}, b"500 Internal Server Error: x")
    assert faults(well_formed, answer) == ["500"]
    bare = Answer(400, {}, b"")
    assert faults(well_formed, bare) == ["bare front"]
    shapeless = Answer(
        404, {"x-content-type-options": "nosniff", "content-type": "text/html"}, b"<p>nope</p>"
    )
    assert faults(well_formed, shapeless) == ["404 not in the error shape"]
