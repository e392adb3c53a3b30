"""A small closed-loop HTTP/1.1 load generator: N keep-alive connections, one request each.

It runs in one process on one selector loop, sends pre-encoded GET requests
and reads responses just far enough to find their end (Content-Length or
chunked). It is bench.py's fallback (``--client python``) when ``wrk`` is not
installed.

Is it the bottleneck at concurrency 8? Measured on a 2-core VM (Intel Xeon,
shared): against a trivial server (Oxigraph's static ``GET /``, 881
bytes) it peaks at about 39,000 requests/s with one whole core busy (25 µs of
CPU per request), where wrk with mix.lua does about 95,000 at 69 % of a core
(7 µs). The servers measured here stay under 25,000 requests/s, below that
ceiling: on the ``lookup`` mix against Oxigraph in memory (about 22,000/s) it
costs 25 µs per request (54 % of a core) against wrk's 20 µs (45 %), and the
two give the same figures within the noise. So it is not the limit, but like
wrk it takes a good part of one of the two cores the server would otherwise
have, most at the highest rates; bench.py reports the client's CPU per cell.

A request is ``(head, tail)``: the bytes before and after the point where a
unique request gets its suffix (the end of the ``query`` parameter). Every
response that is not 2xx is an error; so is a connection that fails or closes
with a request in flight (the request is then sent again on a new one).
"""

from __future__ import annotations

import selectors
import socket
import time
from dataclasses import dataclass, field

__all__ = ["Request", "Result", "run"]

Request = tuple[bytes, bytes]


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    reconnects: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0


def _content_end(buf: bytearray) -> tuple[int, int] | None:
    """(status, bytes consumed) once ``buf`` starts with a whole response."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked = None, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    body_start = end + 4
    if chunked:
        total = _chunked_end(buf, body_start)
        return None if total is None else (status, total)
    if length is None and status not in (204, 304):
        raise RuntimeError("response without length")
    total = body_start + (length or 0)
    return (status, total) if len(buf) >= total else None


def _chunked_end(buf: bytearray, pos: int) -> int | None:
    while True:
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size = int(bytes(buf[pos:line_end]).split(b";")[0], 16)
        pos = line_end + 2 + size + 2
        if len(buf) < pos:
            return None
        if size == 0:
            return pos


class _Connection:
    def __init__(
        self, address: tuple[str, int], requests: list[Request], slot: int, salt: bytes | None
    ) -> None:
        self.address = address
        self.requests = requests
        self.slot = slot
        self.salt = salt
        self.index = (slot * 3) % len(requests)
        self.count = 0
        self.buffer = bytearray()
        self.last = b""
        self.sent_at = 0.0
        self.sock = self._connect()

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        return sock

    def reconnect(self) -> None:
        """Open a new connection and send the unanswered request again (same start time)."""
        self.sock.close()
        self.sock = self._connect()
        self.buffer.clear()
        self.sock.sendall(self.last)

    def send_next(self) -> None:
        head, tail = self.requests[self.index]
        self.index = (self.index + 1) % len(self.requests)
        self.count += 1
        middle = b"" if self.salt is None else b"%s-%d-%d" % (self.salt, self.slot, self.count)
        self.last = head + middle + tail
        self.sent_at = time.perf_counter()
        self.sock.sendall(self.last)


class _Loop:
    """The state of one run: connections, the measured window, the result so far."""

    def __init__(self, connections: list[_Connection], warmup_s: float, duration_s: float) -> None:
        self.selector = selectors.DefaultSelector()
        self.result = Result()
        self.active = len(connections)
        self.measure_from = time.perf_counter() + warmup_s
        self.stop_at = self.measure_from + duration_s
        self.done_at = self.stop_at
        self.connections = connections
        for conn in connections:
            self.selector.register(conn.sock, selectors.EVENT_READ, conn)
            conn.send_next()

    def readable(self, conn: _Connection) -> None:
        try:
            data = conn.sock.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # closed or failed with a request in flight: count it, send it again
            self.selector.unregister(conn.sock)
            conn.reconnect()
            self.result.reconnects += 1
            self.result.errors += 1
            self.selector.register(conn.sock, selectors.EVENT_READ, conn)
            return
        conn.buffer += data
        complete = _content_end(conn.buffer)
        if complete is not None:
            del conn.buffer[: complete[1]]
            self.answered(conn, complete[0])

    def answered(self, conn: _Connection, status: int) -> None:
        now = time.perf_counter()
        result = self.result
        if now >= self.measure_from and conn.sent_at >= self.measure_from:
            result.latencies.append(now - conn.sent_at)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if not 200 <= status <= 299:
                result.errors += 1
        if now < self.stop_at:
            conn.send_next()
            return
        self.selector.unregister(conn.sock)
        conn.sock.close()
        self.active -= 1
        self.done_at = now

    def abandon(self) -> None:
        """Give up on requests still unanswered at the hard stop: each is an error."""
        for conn in self.connections:
            if conn.sock.fileno() >= 0:
                self.result.errors += 1
                conn.sock.close()


def run(
    host: str,
    port: int,
    requests: list[Request],
    concurrency: int,
    duration_s: float,
    warmup_s: float = 1.0,
    unique_salt: bytes | None = None,
    timeout_s: float = 30.0,
) -> Result:
    """Keep ``concurrency`` requests in flight for ``warmup_s + duration_s``; time the last part.

    With ``unique_salt``, each request gets ``<salt>-<connection>-<counter>`` between
    its head and tail, so that no two requests are the same. Requests still
    unanswered ``timeout_s`` after the end are abandoned and counted as errors.
    """
    connections = [_Connection((host, port), requests, i, unique_salt) for i in range(concurrency)]
    loop = _Loop(connections, warmup_s, duration_s)
    hard_stop = loop.stop_at + timeout_s
    try:
        while loop.active and time.perf_counter() < hard_stop:
            for key, _ in loop.selector.select(timeout=1.0):
                loop.readable(key.data)
    finally:
        loop.abandon()
    loop.result.elapsed = min(loop.done_at, loop.stop_at) - loop.measure_from
    return loop.result
