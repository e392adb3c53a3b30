"""A setting's value from text: the environment and command-line flags read values alike.

The type of a setting is the type of its default (:class:`~server.settings.ServerSettings`);
booleans accept ``true/false``, ``1/0``, ``yes/no``, ``on/off``; lists are comma-separated.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

__all__ = ["parse_bool", "parse_list", "parse_value", "type_of"]


def type_of(f: dataclasses.Field[Any]) -> type:
    return type(f.default)


def parse_value(f: dataclasses.Field[Any], raw: str) -> Any:
    """The value of setting ``f`` written as ``raw``; ``ValueError`` if it is not one."""
    kind = type_of(f)
    if kind is bool:
        return parse_bool(raw)
    if kind is tuple:
        return parse_list(raw)
    if kind is Path:
        return Path(raw)
    return kind(raw)


def parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true or false")


def parse_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())
