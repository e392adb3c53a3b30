"""HAProxy's runtime API through :class:`deploy.haproxy.Balancer`, on Debian's HAProxy in
front of a plain HTTP server on 127.0.0.1: drain waits for the requests in flight, enable
waits for the health check, and a refusal is an error."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from deploy.haproxy import Balancer, BalancerError
from tests.deploy.support import HAProxy, start_haproxy


class _Backend(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(3)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # HAProxy's health checks hang up as soon as they have the status line


@pytest.fixture
def balanced(tmp_path: Path) -> Iterator[tuple[HAProxy, Balancer]]:
    backends = [_Server(("127.0.0.1", 0), _Backend) for _ in range(2)]
    for backend in backends:
        threading.Thread(target=backend.serve_forever, daemon=True).start()
    haproxy = start_haproxy(
        tmp_path, {f"b{i}": b.server_address[1] for i, b in enumerate(backends)}, inter_ms=100
    )
    balancer = Balancer(haproxy.socket, "cgkg")
    try:
        deadline = time.monotonic() + 10
        while {balancer.state(name).status for name in ("b0", "b1")} != {"UP"}:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        yield haproxy, balancer
    finally:
        haproxy.stop()
        for backend in backends:
            backend.shutdown()
            backend.server_close()


def in_flight(balancer: Balancer, server: str) -> None:
    """Until HAProxy counts a request on ``server``."""
    deadline = time.monotonic() + 10
    while balancer.state(server).sessions != 1:
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_drain_takes_the_server_out_and_enable_puts_it_back(
    balanced: tuple[HAProxy, Balancer],
) -> None:
    _, balancer = balanced
    balancer.drain("b0", timeout_s=5)
    assert balancer.state("b0").status == "DRAIN"
    balancer.enable("b0", timeout_s=5)
    assert balancer.state("b0").status == "UP"


def test_drain_returns_once_the_request_in_flight_is_answered(
    balanced: tuple[HAProxy, Balancer],
) -> None:
    haproxy, balancer = balanced
    balancer.command("set server cgkg/b1 state maint")  # the slow request goes to b0
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(lambda: urllib.request.urlopen(haproxy.url + "/slow", timeout=10).read())
        in_flight(balancer, "b0")
        balancer.drain("b0", timeout_s=10)
        assert slow.done()
        assert slow.result() == b"ok"


def test_drain_gives_up_after_its_time_out(balanced: tuple[HAProxy, Balancer]) -> None:
    haproxy, balancer = balanced
    balancer.command("set server cgkg/b1 state maint")
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: urllib.request.urlopen(haproxy.url + "/slow", timeout=10).read())
        in_flight(balancer, "b0")
        with pytest.raises(BalancerError, match="did not manage to finish its requests"):
            balancer.drain("b0", timeout_s=0.2)


def test_an_unknown_server_is_an_error(balanced: tuple[HAProxy, Balancer]) -> None:
    _, balancer = balanced
    with pytest.raises(BalancerError, match="no server nope"):
        balancer.state("nope")
    with pytest.raises(BalancerError, match="refused"):
        balancer.drain("nope", timeout_s=1)


def test_no_balancer_at_the_socket_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BalancerError, match="socket"):
        Balancer(tmp_path / "missing.sock", "cgkg").state("b0")


def test_servers_lists_the_backends_servers(balanced: tuple[HAProxy, Balancer]) -> None:
    _, balancer = balanced
    balancer.command("set server cgkg/b1 state maint")
    assert {name: state.status for name, state in balancer.servers().items()} == {
        "b0": "UP",
        "b1": "MAINT",
    }
