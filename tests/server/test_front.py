"""The production front (granian, started by ``python -m server``) under slow and hostile
clients: slow headers hold no thread, request heads are bounded, dead workers are replaced."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.server.support import LiveServer

SLOW_CLIENTS = 50
ATTACK_S = 20.0
NORMAL = 50
HEAD = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n"


@pytest.fixture(scope="module")
def front(start_server: Callable[..., LiveServer], built_out: Path) -> LiveServer:
    return start_server(built_out, "--workers", "2", "--rate-limit-per-s", "0")


def _drip(port: int, stop: threading.Event) -> None:
    """One slow client: its request head, a byte a second, again whenever it is cut off."""
    while not stop.is_set():
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            try:
                for byte in HEAD:
                    if stop.wait(1.0):
                        return
                    sock.sendall(bytes([byte]))
            except OSError:
                continue  # the server closed it (header timeout): come back


@pytest.fixture
def slow_clients(front: LiveServer) -> Iterator[None]:
    stop = threading.Event()
    threads = [
        threading.Thread(target=_drip, args=(front.port, stop), daemon=True)
        for _ in range(SLOW_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(2)  # every slow connection is open before the normal requests start
    yield
    stop.set()
    for thread in threads:
        thread.join(timeout=5)


def _timed_get(server: LiveServer, path: str) -> int:
    try:
        return server.get(path)[0]
    except OSError:
        return 0


def test_slow_headers_do_not_keep_normal_requests_out(
    front: LiveServer, slow_clients: None
) -> None:
    started = time.monotonic()
    statuses = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        for i in range(NORMAL):
            statuses.append(pool.submit(_timed_get, front, f"/sparql?query=ASK%7B%7D%23{i}"))
            time.sleep((ATTACK_S - 2) / NORMAL)
        answered = [future.result() for future in statuses]
    assert time.monotonic() - started >= ATTACK_S - 3
    assert answered.count(200) >= 0.95 * NORMAL


def _raw(server: LiveServer, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        with contextlib.suppress(OSError):  # it may answer and close before reading it all
            sock.sendall(data)
        return sock.recv(4096)


def test_a_huge_request_line_is_refused_at_once(front: LiveServer) -> None:
    started = time.monotonic()
    answer = _raw(front, b"GET /sparql?query=" + b"a" * (4 * 1024 * 1024) + b" HTTP/1.1\r\n\r\n")
    assert answer.startswith((b"HTTP/1.1 431", b"HTTP/1.1 414", b"HTTP/1.1 400"))
    assert time.monotonic() - started < 5


def test_a_url_over_the_limit_gets_the_documented_error(front: LiveServer) -> None:
    status, body = front.get("/sparql?query=" + "a" * 9000)
    assert (status, body.startswith(b"414 ")) == (414, True)


def test_header_fields_over_the_limit_get_431_in_the_error_shape_not_an_empty_one(
    front: LiveServer,
) -> None:
    """60 KB of headers: over max_header_bytes (32 KiB), inside granian's buffer, so the
    application answers (with its security headers and the text error body); granian's
    own 431 has neither."""
    head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 60_000
    answer = _raw(front, head + b"\r\nConnection: close\r\n\r\n")
    status_line, rest = answer.split(b"\r\n", 1)
    headers, body = rest.split(b"\r\n\r\n", 1)
    assert status_line == b"HTTP/1.1 431 Request Header Fields Too Large"
    assert b"x-content-type-options: nosniff" in headers.lower()
    assert body.startswith(b"431 Request Header Fields Too Large: ")


def test_garbage_instead_of_a_request_is_a_bad_request(front: LiveServer) -> None:
    assert _raw(front, b"GARBAGE\r\n\r\n").startswith(b"HTTP/1.1 400")


def test_a_chunked_body_with_a_bad_chunk_size_is_a_client_error_not_a_500(
    front: LiveServer,
) -> None:
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\nASK {}\r\n0\r\n\r\n"
    )
    assert _raw(front, request)[:10] == b"HTTP/1.1 4"


def test_transfer_encoding_identity_is_a_client_error_not_a_500(front: LiveServer) -> None:
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/sparql-query\r\nTransfer-Encoding: identity\r\n\r\n"
        b"ASK {}"
    )
    assert _raw(front, request)[:10] == b"HTTP/1.1 4"


def _workers(server: LiveServer) -> list[int]:
    """The HTTP worker processes: the server's children but its query broker."""
    children = subprocess.run(
        ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    workers = []
    for pid in map(int, children):
        try:
            if b"execution.broker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                workers.append(pid)
        except OSError:
            continue  # gone meanwhile
    return workers


def test_a_worker_that_dies_is_replaced_and_the_server_answers(front: LiveServer) -> None:
    before = _workers(front)
    os.kill(before[0], signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = _workers(front)
        if len(now) == len(before) and before[0] not in now:
            break
        time.sleep(0.2)
    assert before[0] not in _workers(front)
    assert [front.get("/health")[0] for _ in range(6)] == [200] * 6
