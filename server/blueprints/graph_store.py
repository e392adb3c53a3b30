"""Routes of the graph_store blueprint (being filled in)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("graph_store", __name__)
