"""Ready-made responses for repeated requests, kept in memory.

The data only changes with a new build, so a query's answer can be reused
until then. :class:`ResponseCache` is a thread-safe LRU map bounded by the total
size of the bodies it holds. Keys are chosen by the callers
(:class:`server.sparql.answer.QueryAnswerer`): the build id, the query text,
the dataset and the negotiated formats; and the raw request (path, query
string, ``Accept``), so that :mod:`server.http.cache_hits` answers a repeated
GET before any parsing.

The cache belongs to one HTTP worker process: each worker fills its own, which
costs up to ``cache_bytes`` of memory per worker (docs/server.md).
"""

from __future__ import annotations

import gzip
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["CachedResponse", "ResponseCache"]

_ENTRY_OVERHEAD = 400
"""The entry object with its validator strings, its slot in the map and the pair held
there: about 320 bytes, measured with tracemalloc (tests/server/sparql/test_cache.py
holds the whole cache to its budget that way)."""


_SEQUENCES = (tuple, list)


def _size(value: object) -> int:
    """Bytes held by ``value``: itself and, for a tuple or list, its items (a string
    shared between keys is counted in each, which errs on the side of the budget)."""
    size = sys.getsizeof(value)
    if isinstance(value, _SEQUENCES):  # keys and header lists are tuples and lists of str
        size += sum(map(_size, value))
    return size


@dataclass(slots=True)
class CachedResponse:
    """A complete response: status, headers (without length or encoding) and body."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    """The strong validator of ``body`` (quoted); the gzipped variant appends ``-gz``."""
    compressible: bool
    rows: int = 0
    query_hash: str = ""
    last_modified: datetime | None = None
    gzip_level: int = 6
    """6 for a response that will be kept (compressed once, sent many times), 1 otherwise."""
    _gzipped: bytes | None = field(default=None, repr=False)

    def gzipped(self) -> bytes:
        """The body compressed once, on first demand."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=self.gzip_level, mtime=0)
        return self._gzipped


class ResponseCache:
    """An LRU cache of :class:`CachedResponse` with a byte budget.

    An entry is charged for its key, its headers, its body and, when it is
    compressible, for a gzipped copy that may be made later. The key counts as
    much as the body: a query's text is often longer than its answer (an ``ASK``
    answers in 4 bytes of CSV), so a budget counting bodies alone let many small
    answers hold several times ``max_bytes``. One entry filed under two keys is
    charged under each, so the budget errs on the safe side.
    """

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[CachedResponse, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self._max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes

    @property
    def budget(self) -> int:
        return self._max_bytes

    def get(self, key: Hashable) -> CachedResponse | None:
        with self._lock:
            item = self._entries.get(key)
            if item is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Hashable, entry: CachedResponse) -> None:
        """Keep ``entry`` unless it alone would take more than an eighth of the budget."""
        body = len(entry.body) * (3 if entry.compressible else 2) // 2
        charge = body + _size(key) + _size(entry.headers) + _ENTRY_OVERHEAD
        if charge * 8 > self._max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (entry, charge)
            self._bytes += charge
            while self._bytes > self._max_bytes and self._entries:
                _, (_, evicted) = self._entries.popitem(last=False)
                self._bytes -= evicted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
