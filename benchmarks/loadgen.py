"""A small closed-loop HTTP/1.1 load generator: N keep-alive connections, one request each.

It runs in one process on one selector loop, sends pre-encoded GET requests
and reads responses just far enough to find their end (Content-Length or
chunked), so that the client spends little CPU next to the servers it measures.
"""

from __future__ import annotations

import selectors
import socket
import time
from dataclasses import dataclass, field

__all__ = ["Result", "run"]


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    reconnects: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0


class _Connection:
    def __init__(self, host: str, port: int, requests: list[bytes], offset: int) -> None:
        self.address = (host, port)
        self.sock = self._connect()
        self.requests = requests
        self.index = offset % len(requests)
        self.buffer = bytearray()
        self.sent_at = 0.0

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
        self.sock.sendall(self.requests[(self.index - 1) % len(self.requests)])

    def send_next(self) -> None:
        request = self.requests[self.index]
        self.index = (self.index + 1) % len(self.requests)
        self.sent_at = time.perf_counter()
        self.sock.sendall(request)

    def complete_response(self) -> tuple[int, int] | None:
        """(status, bytes consumed) once the buffer holds a whole response."""
        buf = self.buffer
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(buf[:end]).decode("latin-1")
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = None
        chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        body_start = end + 4
        if status == 304 or status == 204 or (length is not None and not chunked):
            total = body_start + (length or 0)
            return (status, total) if len(buf) >= total else None
        if chunked:
            pos = body_start
            while True:
                line_end = buf.find(b"\r\n", pos)
                if line_end < 0:
                    return None
                size = int(bytes(buf[pos:line_end]).split(b";")[0], 16)
                pos = line_end + 2 + size + 2
                if len(buf) < pos:
                    return None
                if size == 0:
                    return status, pos
        raise RuntimeError("response without length")


def run(
    host: str,
    port: int,
    requests: list[bytes],
    concurrency: int,
    duration_s: float,
    warmup_s: float = 1.0,
) -> Result:
    """Keep ``concurrency`` requests in flight for ``warmup_s + duration_s``; time the last part."""
    selector = selectors.DefaultSelector()
    connections = [_Connection(host, port, requests, i * 3) for i in range(concurrency)]
    for first in connections:
        selector.register(first.sock, selectors.EVENT_READ, first)
        first.send_next()
    result = Result()
    start = time.perf_counter()
    measure_from = start + warmup_s
    stop_at = measure_from + duration_s
    done_at = stop_at
    active = len(connections)
    while active:
        for key, _ in selector.select(timeout=1.0):
            conn: _Connection = key.data
            try:
                data = conn.sock.recv(1 << 20)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                data = b""
            if not data:  # the server closed a keep-alive connection: open another
                selector.unregister(conn.sock)
                conn.reconnect()
                result.reconnects += 1
                selector.register(conn.sock, selectors.EVENT_READ, conn)
                continue
            conn.buffer += data
            while True:
                complete = conn.complete_response()
                if complete is None:
                    break
                status, consumed = complete
                del conn.buffer[:consumed]
                now = time.perf_counter()
                if now >= measure_from and conn.sent_at >= measure_from:
                    result.latencies.append(now - conn.sent_at)
                    result.statuses[status] = result.statuses.get(status, 0) + 1
                    if status >= 400:
                        result.errors += 1
                if now < stop_at:
                    conn.send_next()
                else:
                    selector.unregister(conn.sock)
                    conn.sock.close()
                    active -= 1
                    done_at = now
                break
    result.elapsed = min(done_at, stop_at) - measure_from
    return result
