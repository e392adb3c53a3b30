"""Per-client rate limit, shared by every HTTP worker of a server: token buckets in a file.

Each client may make ``burst`` requests at once and then ``rate`` per second. A
request that finds its bucket empty is refused with 429 and a ``Retry-After``
saying when a token will be there. The buckets live in a small memory-mapped
file of the server's runtime folder (:attr:`ServerSettings.runtime_dir`), so
every HTTP worker process sees and updates the same numbers: what a client
may do does not depend on which worker its connection lands on. Access is
serialised by ``flock`` on that file (and a lock between threads).

The table has :data:`SLOTS` buckets; a client hashes to a run of
:data:`_PROBES` of them, and when all are taken by others the least recently
used is reused, which can only ever give that client a fresh, full bucket. A
deployment on several machines shares its limits elsewhere: docs/server.md.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from server.errors import wsgi_error
from server.http.clients import client_of

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["SLOTS", "RateLimit", "RateLimiter"]

SLOTS = 16384
_PROBES = 16
_SLOT = struct.Struct("<Qdd")  # client hash (0: empty), tokens, last update (CLOCK_MONOTONIC)
_EXEMPT = ("/health", "/static/")


class RateLimiter:
    """Token buckets keyed by client, in the file ``path`` (in this process's memory when
    ``None``); ``rate <= 0`` disables the limit."""

    def __init__(self, rate: float, burst: int, path: Path | None = None) -> None:
        self._rate = rate
        self._burst = float(max(1, burst))
        self._thread_lock = threading.Lock()
        size = SLOTS * _SLOT.size
        self._fd: int | None = None
        if path is None:
            self._table = mmap.mmap(-1, size)
        else:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            if os.fstat(self._fd).st_size < size:
                os.ftruncate(self._fd, size)
            self._table = mmap.mmap(self._fd, size)

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._thread_lock:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _slot_of(self, key: int) -> int:
        start = key % SLOTS
        oldest, oldest_stamp = start, math.inf
        for i in range(_PROBES):
            slot = (start + i) % SLOTS
            found, _, stamp = _SLOT.unpack_from(self._table, slot * _SLOT.size)
            if found in (key, 0):
                return slot
            if stamp < oldest_stamp:
                oldest, oldest_stamp = slot, stamp
        _SLOT.pack_into(self._table, oldest * _SLOT.size, 0, 0.0, 0.0)
        return oldest

    def acquire(self, client: str, now: float | None = None) -> int:
        """Take a token for ``client``: 0 if allowed, else the seconds to wait (at least 1)."""
        if self._rate <= 0:
            return 0
        now = time.monotonic() if now is None else now
        key = int.from_bytes(hashlib.blake2b(client.encode(), digest_size=8).digest()) or 1
        with self._locked():
            slot = self._slot_of(key)
            found, tokens, stamp = _SLOT.unpack_from(self._table, slot * _SLOT.size)
            if found == 0:
                tokens, stamp = self._burst, now
            tokens = min(self._burst, tokens + max(0.0, now - stamp) * self._rate)
            allowed = tokens >= 1.0
            _SLOT.pack_into(self._table, slot * _SLOT.size, key, tokens - allowed, now)
        return 0 if allowed else max(1, math.ceil((1.0 - tokens) / self._rate))

    def close(self) -> None:
        self._table.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class RateLimit:
    """WSGI wrapper: 429 with ``Retry-After`` for a client over its limit."""

    def __init__(self, app: WSGIApplication, limiter: RateLimiter, trusted_proxies: int) -> None:
        self._app = app
        self._limiter = limiter
        self._trusted_proxies = trusted_proxies

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self._limiter.enabled and not environ.get("PATH_INFO", "").startswith(_EXEMPT):
            wait = self._limiter.acquire(client_of(environ, self._trusted_proxies))
            if wait:
                message = f"Too many requests from your address; please wait {wait} s."
                headers = [("Retry-After", str(wait))]
                return wsgi_error(environ, start_response, 429, message, headers)
        return self._app(environ, start_response)
