"""The network of a query process when some SERVICE endpoints are allowed: those, nothing else.

pyoxigraph's HTTP client (oxhttp) resolves the host a SERVICE IRI names and
connects straight to it: it reads no proxy setting, and it follows redirects.
So the allow-list is enforced under it, in the network:

* before leaving the network, the query process forks a *door keeper*, which
  stays outside. Asked over a socket pair for route *n*, it connects to the
  host and port of the n-th allowed endpoint, and to nothing else, and hands
  the connected socket back (``SCM_RIGHTS``);
* the query process then moves into a network namespace of its own
  (:func:`server.sparql.execution.worker.leave_the_network`), brings its
  loopback interface up and listens, for each route, on the address and port
  the SERVICE IRI leads to inside: a loopback IP literal stays as it is, a host
  name is given an address of its own in 127.77.0.0/16 through a private
  ``/etc/hosts`` (a mount namespace of its own). Each connection accepted there
  is joined to the socket the door keeper opened for that route.

Any other address, a redirect elsewhere included, leads to no listener: the
connection is refused, nothing leaves the namespace. TLS stays end to end (the
client still sends the endpoint's name). An allowed endpoint named by an IP
literal that is not a loopback address cannot be routed this way; it is left
out with a warning (its SERVICE calls fail, 502).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import ipaddress
import logging
import os
import signal
import socket
import struct
import tempfile
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Route", "open_door", "open_gate", "plan"]

log = logging.getLogger("server.egress")

_CONNECT_TIMEOUT_S = 10.0
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_MS_BIND, _MS_REC, _MS_PRIVATE = 0x1000, 0x4000, 0x40000


@dataclass(frozen=True, slots=True)
class Route:
    """Where one allowed endpoint is reached from outside, and where it is met inside."""

    host: str
    """As the endpoint IRI names it: a host name or an IP literal."""
    port: int
    inside: str
    """The address the query process connects to, inside its namespace."""

    @property
    def named(self) -> bool:
        return self.inside != self.host


def plan(allowlist: tuple[str, ...]) -> list[Route]:
    """One route per distinct host and port of ``allowlist``'s http(s) endpoints."""
    routes: dict[tuple[str, int], Route] = {}
    names: dict[str, str] = {}
    for iri in allowlist:
        parts = urlsplit(iri)
        try:
            port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
        except ValueError:
            continue
        host = parts.hostname
        if not host or not port or parts.scheme not in _DEFAULT_PORTS:
            continue
        inside = _inside_address(host, names)
        if inside is None:
            log.warning("SERVICE endpoint %s cannot be reached from query processes", iri)
            continue
        routes.setdefault((host, port), Route(host, port, inside))
    return list(routes.values())


def _inside_address(host: str, names: dict[str, str]) -> str | None:
    """A loopback IP literal as it is; a host name, the next address of 127.77.0.0/16."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host not in names and len(names) < 65534:
            n = len(names) + 1
            names[host] = f"127.77.{n // 256}.{n % 256}"
        return names.get(host)
    return str(address) if address.is_loopback else None


def open_door(routes: list[Route]) -> socket.socket:
    """Fork the door keeper (call before leaving the network); our end of its socket pair."""
    ours, theirs = socket.socketpair()
    if os.fork() == 0:  # the door keeper: never returns
        ours.close()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1):  # the query process's pipes stay the query process's
            os.dup2(null, fd)
        with contextlib.suppress(Exception):
            _keep_door(theirs, routes)
        os._exit(0)
    theirs.close()
    return ours


def _keep_door(door: socket.socket, routes: list[Route]) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the query process
    while request := door.recv(4):
        (index,) = struct.unpack(">I", request)
        route = routes[index] if index < len(routes) else None
        try:
            if route is None:
                raise OSError("no such route")
            conn = socket.create_connection((route.host, route.port), _CONNECT_TIMEOUT_S)
        except OSError:
            door.sendall(b"\x00")
            continue
        with conn:
            socket.send_fds(door, [b"\x01"], [conn.fileno()])


class _Gate:
    """The listeners inside the namespace, one per route, each joined to the door keeper."""

    def __init__(self, routes: list[Route], door: socket.socket) -> None:
        self._routes = routes
        self._door = door
        self._lock = threading.Lock()

    def _fetch(self, index: int) -> socket.socket | None:
        with self._lock:
            self._door.sendall(struct.pack(">I", index))
            message, fds, _, _ = socket.recv_fds(self._door, 1, 1)
        if message != b"\x01" or not fds:
            return None
        outer = socket.socket(fileno=fds[0])
        outer.setblocking(True)  # the door keeper connected with a timeout: non-blocking
        return outer

    def serve(self, listener: socket.socket, index: int) -> None:
        while True:
            inner, _ = listener.accept()
            outer = self._fetch(index)
            if outer is None:
                inner.close()
                continue
            for source, sink in ((inner, outer), (outer, inner)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(s, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | _IFF_UP))


def _private_hosts_file(routes: list[Route]) -> None:
    """Bind a hosts file naming each routed host over /etc/hosts, in this mount namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "cannot make the mounts private")
    lines = sorted({f"{r.inside} {r.host}\n" for r in routes if r.named})
    with tempfile.NamedTemporaryFile("w", prefix="cgkg-hosts-", delete=False) as hosts:
        hosts.writelines(lines)
    try:
        if libc.mount(hosts.name.encode(), b"/etc/hosts", None, _MS_BIND, None) != 0:
            raise OSError(ctypes.get_errno(), "cannot bind a private /etc/hosts")
    finally:
        os.unlink(hosts.name)


def open_gate(routes: list[Route], door: socket.socket) -> None:
    """Inside the namespace: loopback up, names mapped, one listener per route."""
    _loopback_up()
    if any(r.named for r in routes):
        _private_hosts_file(routes)
    gate = _Gate(routes, door)
    for index, route in enumerate(routes):
        family = socket.AF_INET6 if ":" in route.inside else socket.AF_INET
        listener = socket.create_server((route.inside, route.port), family=family, backlog=64)
        threading.Thread(target=gate.serve, args=(listener, index), daemon=True).start()
