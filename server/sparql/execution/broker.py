"""The query broker: one query engine for all the HTTP workers of a server.

``cgkg serve`` starts ``python -m server.sparql.execution.broker`` before the
HTTP workers (settings come from its ``KG_*`` environment). It holds the
server's :class:`~server.sparql.execution.engine.QueryEngine`, so admission,
per-client limits and the query processes are shared by the whole server,
and listens on ``<runtime_dir>/engine.sock``. Each HTTP worker thread keeps a
connection to it (:class:`BrokerClient`); a request is one frame each way, in
the framing of the query processes (8-byte length, ``marshal``-encoded tuple).

The broker also decides which release the server serves: every
``release_check_s`` and on SIGHUP it looks at ``current``; a newer release
that verifies is switched to (:meth:`QueryEngine.switch`) and announced in
``<runtime_dir>/release``, which the HTTP workers follow
(:class:`server.services.ReleaseFollower`). A release that fails verification
is logged and never served.
"""

from __future__ import annotations

import logging
import marshal
import os
import signal
import socket
import socketserver
import struct
import sys
import threading
from pathlib import Path
from typing import Any

from server.errors import KGError, ServiceUnavailable
from server.release import Lease, ReleaseError, current_target
from server.settings import ServerSettings, SettingsError
from server.sparql.evaluation import Job, Outcome
from server.sparql.execution.engine import QueryEngine
from server.sparql.execution.forward import ForwardingEngine, open_release
from server.sparql.execution.pool import Died
from server.sparql.execution.worker import die_with_parent

__all__ = ["SOCKET_NAME", "BrokerClient", "BrokerServer", "announce", "main"]

SOCKET_NAME = "engine.sock"
_HEADER = struct.Struct(">Q")
SERVED_FILE = "release"
"""In the runtime folder: the path of the release the engine serves, for the HTTP workers."""

log = logging.getLogger("server.broker")

Engine = QueryEngine | ForwardingEngine


def announce(runtime_dir: Path, release_dir: Path) -> None:
    """Tell the HTTP workers which release the engine serves (one atomic rename)."""
    tmp = runtime_dir / f".{SERVED_FILE}-{os.getpid()}"
    tmp.write_text(str(release_dir), encoding="utf-8")
    os.replace(tmp, runtime_dir / SERVED_FILE)


def _send(sock: socket.socket, message: tuple[Any, ...]) -> None:
    payload = marshal.dumps(message)
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(min(size - len(data), 1 << 20))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _receive(sock: socket.socket) -> tuple[Any, ...] | None:
    """The next message, ``None`` when the other side closed the connection."""
    header = _receive_exactly(sock, _HEADER.size)
    if header is None:
        return None
    payload = _receive_exactly(sock, _HEADER.unpack(header)[0])
    if payload is None:
        return None
    message = marshal.loads(payload)  # noqa: S302 - only our own processes are on this socket
    return message if isinstance(message, tuple) else None


class _Handler(socketserver.BaseRequestHandler):
    server: BrokerServer

    def handle(self) -> None:
        while (request := _receive(self.request)) is not None:
            try:
                _send(self.request, self.server.dispatch(request))
            except OSError:  # the HTTP worker gave up on this request (or exited)
                return


class BrokerServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The engine behind a Unix socket, one thread per HTTP-worker connection."""

    daemon_threads = True
    # Every thread of every HTTP worker may connect at once (workers × threads); the
    # default backlog of 5 would refuse most of a burst.
    request_queue_size = 1024

    def __init__(self, path: Path, engine: Engine) -> None:
        self.engine = engine
        super().__init__(str(path), _Handler)

    def dispatch(self, request: tuple[Any, ...]) -> tuple[Any, ...]:
        if request[0] == "query":
            _, client, job = request
            try:
                return ("ok", self.engine.execute(str(client), Job.from_wire(job)).to_wire())
            except KGError as exc:
                return ("error", exc.status, exc.message, exc.headers.get("Retry-After", ""))
            except Exception:  # an answer all the same: a dropped connection would be retried
                log.exception("query failed in the broker")
                return ("error", 500, "Something went wrong on the server; it has been logged.", "")
        if request[0] == "problems":
            return ("problems", self.engine.problems())
        if request[0] == "stats":
            return ("stats", self.engine.stats())
        return ("error", 500, f"unknown request {request[0]!r}", "")


class BrokerClient:
    """The HTTP worker's side: runs queries in the broker; one connection per thread."""

    def __init__(self, path: Path, timeout_s: float) -> None:
        self._path = path
        self._timeout_s = timeout_s
        self._local = threading.local()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def _connection(self) -> socket.socket:
        sock: socket.socket | None = getattr(self._local, "sock", None)
        if sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self._timeout_s)
            with self._lock:
                self._open.add(sock)
            self._local.sock = sock
            sock.connect(str(self._path))
        return sock

    def _ask(self, request: tuple[Any, ...]) -> tuple[Any, ...]:
        for _attempt in (1, 2):  # a connection the broker closed is opened again, once
            try:
                sock = self._connection()
                _send(sock, request)
                reply = _receive(sock)
            except TimeoutError:  # never sent twice: the engine may still be at it
                self._drop()
                break
            except OSError:
                reply = None
            if reply is not None:
                return reply
            self._drop()
        raise ServiceUnavailable("The query engine of this server is not answering.")

    def _drop(self) -> None:
        sock = getattr(self._local, "sock", None)
        self._local.sock = None
        if sock is not None:
            with self._lock:
                self._open.discard(sock)
            sock.close()

    def execute(self, client: str, job: Job) -> Outcome:
        reply = self._ask(("query", client, job.to_wire()))
        if reply[0] == "ok":
            return Outcome.from_wire(reply[1])
        _, status, message, retry_after = reply
        error = KGError(message, headers={"Retry-After": retry_after} if retry_after else None)
        error.status = int(status)
        raise error

    def problems(self) -> list[str]:
        try:
            return list(self._ask(("problems",))[1])
        except ServiceUnavailable as exc:
            return [exc.message]

    def stats(self) -> dict[str, Any]:
        return dict(self._ask(("stats",))[1])

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            sock.close()


class _Switcher:
    """Moves the engine to the release ``current`` points at, when it is newer and sound."""

    def __init__(self, settings: ServerSettings, engine: Engine, runtime_dir: Path) -> None:
        self._settings = settings
        self._engine = engine
        self._runtime_dir = runtime_dir
        self._refused: Path | None = None
        self.wake = threading.Event()

    def run(self) -> None:
        interval = self._settings.release_check_s or None
        while True:
            self.wake.wait(interval)
            self.wake.clear()
            try:
                self.check()
            except Exception:  # the loop must outlive any one failed switch
                log.exception("release check failed")

    def check(self) -> None:
        target = current_target(self._settings.out_dir)
        if target in (self._engine.release_dir, self._refused):
            return
        try:
            lease = Lease(target)
        except ReleaseError as exc:
            log.error("not switching to %s: %s", target, exc)
            return  # e.g. deleted meanwhile: `current` has moved on, look again next time
        try:
            open_release(Lease(target), self._settings, True, in_memory=False).close()
            self._engine.switch(lease)
        except (ReleaseError, Died) as exc:
            lease.close()
            if not self._settings.sparql_endpoint:  # a remote engine may get it later
                self._refused = target
            log.error("not switching to %s: %s", target, exc)
            return
        except BaseException:
            lease.close()
            raise
        announce(self._runtime_dir, target)


def _serve(settings: ServerSettings, runtime_dir: Path) -> None:
    die_with_parent()
    lease = Lease.current(settings.out_dir)
    open_release(Lease(lease.release_dir), settings, True, in_memory=False).close()
    remote = bool(settings.sparql_endpoint)
    engine: Engine = ForwardingEngine(settings, lease) if remote else QueryEngine(settings, lease)
    engine.await_ready()
    announce(runtime_dir, lease.release_dir)
    switcher = _Switcher(settings, engine, runtime_dir)
    signal.signal(signal.SIGHUP, lambda *_: switcher.wake.set())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    threading.Thread(target=switcher.run, daemon=True, name="release-switch").start()
    path = runtime_dir / SOCKET_NAME
    path.unlink(missing_ok=True)
    with BrokerServer(path, engine) as server:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        try:
            server.serve_forever()
        finally:
            engine.close()


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = ServerSettings.from_env()
        runtime_dir = settings.runtime_path
        if runtime_dir is None:
            raise SettingsError("KG_RUNTIME_DIR must name the server's runtime folder")
        _serve(settings, runtime_dir)
    except (ReleaseError, SettingsError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
