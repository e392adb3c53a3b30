"""The replicas of a deployment and their balancer, read from a TOML file.

```toml
[balancer]                                  # optional; without it nothing is drained
haproxy_socket = "/run/haproxy/admin.sock"  # HAProxy's `stats socket … level admin`
backend = "cgkg"

[[replica]]                                 # in the order they are rolled out
name = "r1"                                 # its server name in that backend
health = "http://10.0.0.11:8000/health"     # the replica itself, not the balancer
out = "/srv/cgkg/build"                     # its build folder, when it is on this machine

[[replica]]
name = "r2"
health = "http://10.0.0.12:8000/health"
# on another machine: a command that switches it there; the release name is appended
switch = ["ssh", "cgkg@10.0.0.12", "cgkg", "rollout", "switch", "--out", "/srv/cgkg/build"]
```
"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy.haproxy import Balancer
from deploy.switch import SwitchError, switch

__all__ = ["Inventory", "InventoryError", "Replica"]

_SWITCH_TIMEOUT_S = 300.0  # verifying a large release on the other machine takes a while


class InventoryError(ValueError):
    """The file does not describe a deployment."""


@dataclass(frozen=True, slots=True)
class Replica:
    name: str
    health: str
    out: Path | None = None
    switch_command: tuple[str, ...] = ()

    def point_at(self, release: str) -> None:
        """Point this replica's ``current`` at ``release``; :class:`SwitchError` if refused."""
        if self.out is not None:
            switch(self.out, release)
            return
        try:
            done = subprocess.run(  # noqa: S603 - the operator's own command, from their file
                [*self.switch_command, release],
                capture_output=True,
                text=True,
                timeout=_SWITCH_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SwitchError(f"the switch command of {self.name} failed: {exc}") from None
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
            raise SwitchError(f"the switch command of {self.name} failed: {said}")


@dataclass(frozen=True, slots=True)
class Inventory:
    replicas: tuple[Replica, ...]
    balancer: Balancer | None

    @classmethod
    def load(cls, path: Path) -> Inventory:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InventoryError(f"cannot read {path}: {exc}") from None
        replicas = tuple(_replica(path, entry) for entry in data.get("replica", ()))
        if not replicas:
            raise InventoryError(f"{path} lists no [[replica]]")
        names = [r.name for r in replicas]
        if len(set(names)) != len(names):
            raise InventoryError(f"{path}: two replicas have the same name")
        return cls(replicas, _balancer(path, data.get("balancer")))


def _replica(path: Path, entry: Any) -> Replica:
    if not isinstance(entry, dict) or not entry.get("name") or not entry.get("health"):
        raise InventoryError(f"{path}: every [[replica]] needs a name and a health URL")
    if not str(entry["health"]).startswith(("http://", "https://")):
        raise InventoryError(f"{path}: the health URL of {entry['name']} must be http(s)")
    out, command = entry.get("out"), entry.get("switch")
    if (out is None) == (command is None):
        raise InventoryError(f"{path}: replica {entry['name']} needs one of `out` and `switch`")
    if command is not None and (
        not isinstance(command, list) or not command or not all(isinstance(a, str) for a in command)
    ):
        raise InventoryError(f"{path}: `switch` of {entry['name']} must be a list of strings")
    return Replica(
        str(entry["name"]),
        str(entry["health"]),
        Path(out) if out is not None else None,
        tuple(command or ()),
    )


def _balancer(path: Path, entry: Any) -> Balancer | None:
    if entry is None:
        return None
    if not isinstance(entry, dict) or not entry.get("haproxy_socket") or not entry.get("backend"):
        raise InventoryError(f"{path}: [balancer] needs haproxy_socket and backend")
    return Balancer(Path(entry["haproxy_socket"]), str(entry["backend"]))
