"""Lookup of divisions, zones, themes, agencies and initiatives by name or code, and the
OpenRefine reconciliation service built on it (:mod:`server.lookup.reconcile`).

Both answer from the release's name table (``lookup.json``, written by the build),
never from the store, so they work whatever engine answers SPARQL. Matching is in
:mod:`server.lookup.match`; :mod:`server.lookup.table` loads the table once per
release (:class:`NameTables`, on :class:`~server.services.Services`).
"""

from __future__ import annotations

from server.lookup.table import NameTable, NameTables

__all__ = ["NameTable", "NameTables"]
