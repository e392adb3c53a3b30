"""HAProxy's runtime API (the admin ``stats socket``): take a server out, put it back.

``drain`` stops new requests to a server while those it has finish, and keeps
its health checks running; ``ready`` puts it back, and HAProxy sends to it only
while its checks pass. ``show stat`` gives each server's state and how many
requests it holds. Each command is one connection to the socket, HAProxy's
non-interactive mode.
"""

from __future__ import annotations

import csv
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Balancer", "BalancerError", "ServerState"]

_TIMEOUT_S = 5.0


class BalancerError(RuntimeError):
    """HAProxy cannot be reached, or refused a command."""


@dataclass(frozen=True, slots=True)
class ServerState:
    """One server of the backend, as ``show stat`` reports it."""

    status: str
    """``UP``, ``DOWN``, ``DRAIN``, ``MAINT``, or a transition such as ``UP 1/2``."""
    sessions: int
    """Requests it is answering now (``scur``)."""
    queued: int
    """Requests waiting for it (``qcur``)."""


class Balancer:
    """The servers of ``backend`` in the HAProxy whose admin socket is ``socket_path``."""

    def __init__(self, socket_path: Path, backend: str) -> None:
        self.socket_path = socket_path
        self.backend = backend

    def command(self, line: str) -> str:
        """Send one runtime API command; its answer."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(_TIMEOUT_S)
                sock.connect(str(self.socket_path))
                sock.sendall(line.encode("ascii") + b"\n")
                chunks = []
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
        except OSError as exc:
            raise BalancerError(f"HAProxy's socket {self.socket_path}: {exc}") from None
        return b"".join(chunks).decode("utf-8", errors="replace")

    def servers(self) -> dict[str, ServerState]:
        """Every server of the backend, by name."""
        servers = {}
        for row in csv.DictReader(self.command("show stat").lstrip("# ").splitlines()):
            name = row.get("svname") or ""
            if row.get("pxname") == self.backend and name not in ("FRONTEND", "BACKEND"):
                servers[name] = ServerState(
                    row["status"], int(row["scur"] or 0), int(row["qcur"] or 0)
                )
        return servers

    def state(self, server: str) -> ServerState:
        try:
            return self.servers()[server]
        except KeyError:
            raise BalancerError(
                f"HAProxy has no server {server} in the backend {self.backend}"
            ) from None

    def _set_state(self, server: str, state: str) -> None:
        answer = self.command(f"set server {self.backend}/{server} state {state}").strip()
        if answer:
            raise BalancerError(f"HAProxy refused to set {server} to {state}: {answer}")

    def drain(self, server: str, timeout_s: float) -> None:
        """No new requests to ``server``; return once those it had are answered."""
        self._set_state(server, "drain")
        self._wait(server, timeout_s, "to finish its requests", _idle)

    def enable(self, server: str, timeout_s: float) -> None:
        """Back into the rotation; return once HAProxy's own checks find it up."""
        self._set_state(server, "ready")
        self._wait(server, timeout_s, "to pass HAProxy's health check", _up)

    def _wait(
        self, server: str, timeout_s: float, what: str, done: Callable[[ServerState], bool]
    ) -> None:
        deadline = time.monotonic() + timeout_s
        while not done(state := self.state(server)):
            if time.monotonic() > deadline:
                raise BalancerError(
                    f"{server} did not manage {what} within {timeout_s:g} s "
                    f"(HAProxy says {state.status}, {state.sessions} request(s))"
                )
            time.sleep(0.1)


def _idle(state: ServerState) -> bool:
    return state.sessions == 0 and state.queued == 0


def _up(state: ServerState) -> bool:
    return state.status == "UP"
