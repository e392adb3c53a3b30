"""Routes of the sparql blueprint (being filled in)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("sparql", __name__)
