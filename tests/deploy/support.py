"""Helpers for the deployment tests: HAProxy in front of replicas, and load through it."""

from __future__ import annotations

import http.client
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from tests.server.support import free_port

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PATHS = (
    "/sparql?query=ASK%7B%7D",
    "/sparql?" + urllib.parse.urlencode({"query": COUNT}),
    "/dumps/cgkg.ttl",
    "/zone/2015/110102",
    "/ontology",
    "/health",
)
"""What the load asks for: queries, a dump, pages, and the health check."""

HAPROXY_CONFIG = """\
global
    stats socket {socket} mode 600 level admin
    maxconn 512

defaults
    mode http
    option forwardfor
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    timeout check 5s
    retries 2
    option redispatch

frontend public
    bind 127.0.0.1:{port}
    default_backend cgkg

backend cgkg
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    default-server check inter {inter_ms}ms fall 2 rise 2
    http-response set-header X-Served-By %s
{servers}
"""


@dataclass
class HAProxy:
    """A running HAProxy (Debian's) on a free port of 127.0.0.1, with its admin socket."""

    url: str
    socket: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)


def start_haproxy(folder: Path, servers: dict[str, int], inter_ms: int = 300) -> HAProxy:
    """HAProxy balancing ``servers`` (name: port on 127.0.0.1), health-checking each."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    port = free_port()
    socket = folder / "haproxy.sock"
    config = folder / "haproxy.cfg"
    config.write_text(
        HAPROXY_CONFIG.format(
            socket=socket,
            port=port,
            inter_ms=inter_ms,
            servers="\n".join(f"    server {n} 127.0.0.1:{p}" for n, p in servers.items()),
        ),
        encoding="utf-8",
    )
    log_path = folder / "haproxy.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [haproxy, "-f", str(config), "-db"], stdout=log, stderr=subprocess.STDOUT
        )
    balancer = HAProxy(f"http://127.0.0.1:{port}", socket, process, log_path)
    deadline = time.monotonic() + 10
    while not socket.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            balancer.stop()
            raise RuntimeError(f"haproxy did not start:\n{balancer.log()}")
        time.sleep(0.05)
    return balancer


@dataclass
class Answer:
    """One request through the balancer: when it started, what came back, who answered."""

    started: float
    seconds: float
    path: str
    status: int
    served_by: str
    etag: str
    error: str = ""


@dataclass
class Load:
    """Requests to ``127.0.0.1:port`` in a loop from ``threads`` threads, each on a keep-alive
    connection (a new one after any failure); every answer is kept."""

    port: int
    paths: tuple[str, ...]
    threads: int = 4
    pause_s: float = 0.01
    """Between one answer and the next request of a thread: load, not a saturated machine
    (the other tests of the suite run beside it on the same two cores)."""
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _running: list[threading.Thread] = field(default_factory=list)

    @property
    def failures(self) -> list[Answer]:
        return [a for a in self.answers if a.status != 200]

    def _run(self, offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = offset
        while not self._stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            started = time.monotonic()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                answer = Answer(
                    started,
                    time.monotonic() - started,
                    path,
                    response.status,
                    response.getheader("X-Served-By", ""),
                    response.getheader("ETag", ""),
                )
            except (OSError, http.client.HTTPException) as exc:
                answer = Answer(started, time.monotonic() - started, path, 0, "", "", repr(exc))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.answers.append(answer)
            self._stop.wait(self.pause_s)
        connection.close()

    def __enter__(self) -> Load:
        for offset in range(self.threads):
            thread = threading.Thread(target=self._run, args=(offset,), daemon=True)
            thread.start()
            self._running.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._running:
            thread.join(timeout=60)


def release_of(answer: Answer) -> str:
    """The build id of the release an answer came from: every ETag begins with it."""
    return answer.etag.strip('W/"').split("-")[0]


def answers_of(load: Load, replica: str) -> list[Answer]:
    """The answers of ``replica`` that say their release (all but /health's)."""
    return [a for a in load.answers if a.served_by == replica and a.etag]
