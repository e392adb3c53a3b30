"""Search text as the index sees it: the analyzer, the phrases of a query, highlights.

The analyzer is the one the release's manifest declares (``search_index.analyzer``),
built here from that declaration, so a query is cut exactly as the build cut the
texts: each Han character a token, each run of letters or digits a word (lower-cased,
accents folded, English stems), each other character (punctuation) a token of its
own. A query is a list of *phrases*: what the user separated by spaces or
punctuation, or put in double quotes. A text matches when it holds every phrase,
each with its tokens contiguous and in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import tantivy

from server.search.errors import SearchError

__all__ = ["MAX_QUERY_CHARS", "Analysis", "Phrase", "Span"]

MAX_QUERY_CHARS = 200

Phrase = tuple[str, ...]
"""The terms of one phrase, in order."""

Span = tuple[int, int]
"""Start and end (exclusive) of a highlight, in characters (code points) of a text."""


def _is_word(term: str) -> bool:
    return any(c.isalnum() for c in term)


@dataclass(frozen=True)
class _Token:
    term: str
    start: int
    end: int


class Analysis:
    """The analyzer of one index, and what the server does with it."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        kind, pattern = spec["tokenizer"]
        if kind != "regex":
            raise ValueError(f"the search index uses an unknown tokenizer {kind!r}")
        builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(pattern))
        for name, *args in spec["filters"]:
            builder = builder.filter(getattr(tantivy.Filter, name)(*args))
        self.name = str(spec["name"])
        self.analyzer = builder.build()

    def _tokens(self, text: str) -> list[_Token]:
        return [
            _Token(t.text, t.char_offset_from, t.char_offset_to)
            for t in self.analyzer.pre_tokenize(text).tokens
        ]

    def phrases(self, query: str) -> list[Phrase]:
        """The phrases of a query; :class:`SearchError` if it is empty, too long or has
        nothing to search for."""
        text = query.strip()
        if not text:
            raise SearchError("The search text is empty: give the words or characters to find.")
        if len(text) > MAX_QUERY_CHARS:
            raise SearchError(
                f"The search text has {len(text)} characters; at most {MAX_QUERY_CHARS} "
                "are accepted."
            )
        phrases: list[Phrase] = []
        for quoted, part in enumerate(text.split('"')):
            pieces = [part] if quoted % 2 else part.split()
            for piece in pieces:
                phrases += self._split(piece, keep_punctuation=bool(quoted % 2))
        if not phrases:
            raise SearchError(
                "The search text has no letters, digits or Chinese characters to search for."
            )
        return list(dict.fromkeys(phrases))

    def _split(self, piece: str, keep_punctuation: bool) -> list[Phrase]:
        """Outside quotes punctuation separates phrases; inside them it must match too."""
        phrases: list[Phrase] = []
        current: list[str] = []
        for token in self._tokens(piece):
            if _is_word(token.term) or (keep_punctuation and current):
                current.append(token.term)
            elif current:
                phrases.append(tuple(current))
                current = []
        if current:
            while not _is_word(current[-1]):
                current.pop()
            phrases.append(tuple(current))
        return phrases

    def highlights(self, text: str, phrases: list[Phrase]) -> list[Span]:
        """Where the phrases occur in ``text``, merged where they touch."""
        tokens = self._tokens(text)
        terms = [t.term for t in tokens]
        spans = []
        for phrase in phrases:
            size = len(phrase)
            for i in range(len(terms) - size + 1):
                if tuple(terms[i : i + size]) == phrase:
                    spans.append((tokens[i].start, tokens[i + size - 1].end))
        merged: list[Span] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged
