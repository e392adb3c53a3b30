"""Decoding ``application/x-www-form-urlencoded`` text (query strings and form bodies).

:func:`parse_pairs` gives exactly what ``urllib.parse.parse_qsl(text,
keep_blank_values=True, errors="strict")`` gives, about four times faster on
the long, mostly percent-encoded query strings SPARQL clients send (a Chinese
character is nine bytes of ``%XX``): percent-escapes are decoded by binascii's
quoted-printable decoder, in C, once ``%XX`` is rewritten as ``=XX``. Text the
rewrite could misread (non-ASCII, a ``%`` without two hex digits after it, a
line break) goes to urllib instead.
"""

from __future__ import annotations

import binascii
import re
from urllib.parse import unquote

__all__ = ["parse_pairs"]

_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})|[\r\n]")


def _unquote(text: str) -> str:
    """``+`` and ``%XX`` decoded, as UTF-8; ``UnicodeDecodeError`` if it is not UTF-8."""
    if "%" not in text and "+" not in text:
        return text
    if not text.isascii() or _LONE_PERCENT.search(text):
        return unquote(text.replace("+", " "), errors="strict")
    # "=" is escaped first, so that only our own "=XX" are escapes; "+" becomes "=20",
    # since quoted-printable would drop a decoded space at the end of the text.
    escaped = text.replace("=", "=3D").replace("+", "=20").replace("%", "=")
    return binascii.a2b_qp(escaped.encode("ascii")).decode("utf-8")


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """The ``name=value`` pairs of ``text`` in order, blank values kept."""
    pairs = []
    for item in text.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((_unquote(name), _unquote(value)))
    return pairs
