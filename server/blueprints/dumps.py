"""Routes of the dumps blueprint (being filled in)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("dumps", __name__)
