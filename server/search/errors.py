"""The one error of search: a search that cannot be run (a 400 for the client)."""

from __future__ import annotations

__all__ = ["SearchError"]


class SearchError(ValueError):
    """A search that cannot be run, with the reason in plain words.

    Not :class:`server.errors.BadRequest`: the query processes use the search
    modules and must not import Flask, which would double their start-up time.
    """

    @property
    def message(self) -> str:
        return str(self)
