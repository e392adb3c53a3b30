"""The search index of each release this process serves: :attr:`Services.search`.

A release switch opens the new release's index beside the old one; the two most
recently asked for stay open, so requests still on the old release finish on it.
A release built without an index (before search existed) answers 503 with a
message, and its SPARQL endpoint has no search functions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from server.errors import ServiceUnavailable
from server.kg import KnowledgeGraph
from server.search.index import SearchIndex, open_index

__all__ = ["Search"]

_KEEP = 2


class Search:
    """Opens each release's index once and keeps the last two."""

    def __init__(self) -> None:
        self._open: OrderedDict[Path, SearchIndex | None] = OrderedDict()
        self._lock = threading.Lock()

    def index(self, kg: KnowledgeGraph) -> SearchIndex:
        """The index of ``kg``'s release; 503 when the release has none."""
        with self._lock:
            if kg.release_dir not in self._open:
                self._open[kg.release_dir] = open_index(kg)
                while len(self._open) > _KEEP:
                    self._open.popitem(last=False)
            self._open.move_to_end(kg.release_dir)
            index = self._open[kg.release_dir]
        if index is None:
            raise ServiceUnavailable(
                f"Search is not available: the release {kg.build_id} was built without a "
                "search index. Rebuild it with `cgkg build`."
            )
        return index
