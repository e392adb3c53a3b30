"""A loopback HTTP endpoint that counts the connections it gets: the target SERVICE tests aim at."""

from __future__ import annotations

import socket
import threading

from tests.server.support import free_port

LISTENER_ANSWER = (
    b'{"head":{"vars":["x"]},"results":{"bindings":'
    b'[{"x":{"type":"literal","value":"from-listener"}}]}}'
)


class Listener:
    """Answers every request with one SPARQL JSON result, or with a redirect to ``redirect_to``."""

    def __init__(self, host: str = "127.0.0.1", redirect_to: str = "") -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.create_server((host, 0), family=family)
        self.port = int(self._socket.getsockname()[1])
        authority = f"[{host}]" if ":" in host else host
        self.url = f"http://{authority}:{self.port}/sparql"
        self.connections = 0
        self._redirect_to = redirect_to
        self._socket.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(5)
                try:
                    _read_request(conn)
                    conn.sendall(self._response())
                except OSError:
                    continue

    def _response(self) -> bytes:
        if self._redirect_to:
            return (
                b"HTTP/1.1 302 Found\r\nLocation: " + self._redirect_to.encode() + b"\r\n"
                b"Content-Length: 0\r\nConnection: close\r\n\r\n"
            )
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
            b"Content-Length: " + str(len(LISTENER_ANSWER)).encode() + b"\r\n"
            b"Connection: close\r\n\r\n" + LISTENER_ANSWER
        )

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        rest += chunk


__all__ = ["LISTENER_ANSWER", "Listener", "free_port"]
