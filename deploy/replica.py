"""One replica as the rollout sees it: its ``/health``, and waiting for a release on it.

A replica is *on* a release when its ``/health`` is ``ok`` and says that its
query engine and every one of its HTTP workers serve that release
(``serving``, docs/server.md): then no request it answers from now on is
answered from an older one. Each probe is a new connection, so it may land on
any worker; the answer lists them all either way.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

__all__ = ["Health", "ReplicaError", "health", "wait_until_on"]

_PROBE_TIMEOUT_S = 5.0


class ReplicaError(RuntimeError):
    """A replica did not come up on the release in time."""


@dataclass(frozen=True, slots=True)
class Health:
    """What one ``/health`` answer says."""

    ok: bool
    releases: frozenset[str]
    """Every release the engine and the workers serve (one when they agree)."""
    problems: tuple[str, ...]

    def on(self, release: str) -> bool:
        return self.ok and self.releases == {release}

    def describe(self) -> str:
        if self.problems:
            return "unavailable: " + "; ".join(self.problems)
        return "serving " + ", ".join(sorted(self.releases)) if self.releases else "no release"


def health(url: str) -> Health:
    """Probe ``url`` (a replica's ``/health``) once; a replica that does not answer is not ok."""
    # the operator's own URL, checked to be http(s) when the inventory was read
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=_PROBE_TIMEOUT_S) as response:  # noqa: S310
            return _parse(json.load(response))
    except urllib.error.HTTPError as exc:
        try:
            return _parse(json.load(exc))
        except ValueError:
            return Health(False, frozenset(), (f"HTTP {exc.code}",))
    except (OSError, ValueError) as exc:
        return Health(False, frozenset(), (f"no answer from {url}: {exc}",))


def _parse(body: Any) -> Health:
    serving = body.get("serving") or {}
    releases = {str(r) for r in (serving.get("engine"), *serving.get("workers", {}).values()) if r}
    return Health(body.get("status") == "ok", frozenset(releases), tuple(body.get("problems", ())))


def wait_until_on(url: str, release: str, timeout_s: float) -> None:
    """Return once the replica at ``url`` is on ``release``; :class:`ReplicaError` if not
    within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not (seen := health(url)).on(release):
        if time.monotonic() > deadline:
            raise ReplicaError(
                f"{url} is not on {release} after {timeout_s:g} s ({seen.describe()}); "
                "a server that refuses a release logs why (`not switching to …`)"
            )
        time.sleep(0.2)
