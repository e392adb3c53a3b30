"""One release's search index (tantivy), opened read-only from the release folder.

The build writes one index document per text (a label, a task text, a
definition), carrying the IRI, type and names of its resource
(``loader/search_index.py``, docs/search.md). :meth:`SearchIndex.search` ranks
the documents by BM25, labels counting twice, and keeps the best document of
each resource: its text is the passage shown, with the phrases highlighted.
The index is read from the files alone, never from the store.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from server.kg import KnowledgeGraph
from server.search.analysis import Analysis, Phrase, Span
from server.search.errors import SearchError

__all__ = ["FORMAT", "Hit", "SearchIndex", "SearchRequest", "open_index"]

FORMAT = 1
MAX_LIMIT = 100
PASSAGE_CHARS = 200
_CONTEXT_CHARS = 60
_LABEL_BOOST = 2.0
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What to search for: the phrases of ``q``, and the filters."""

    text: str
    phrases: tuple[Phrase, ...]
    types: tuple[str, ...] = ()
    lang: str = ""
    limit: int = 20


@dataclass(frozen=True, slots=True)
class Hit:
    """One resource found, with the passage that matched best."""

    iri: str
    type: str
    names: Mapping[str, str]
    score: float
    passage: str
    highlights: tuple[Span, ...]
    property: str
    lang: str

    def label(self, prefer: str = "") -> str:
        """The resource's name, in the passage's language when it has one."""
        for lang in (prefer, self.lang.split("-")[0], "zh", "en"):
            if lang in self.names:
                return self.names[lang]
        return self.iri

    def highlighted(self) -> str:
        """The passage as HTML, each highlight in ``<mark>``."""
        out, last = [], 0
        for start, end in self.highlights:
            out += [html.escape(self.passage[last:start]), "<mark>"]
            out += [html.escape(self.passage[start:end]), "</mark>"]
            last = end
        return "".join([*out, html.escape(self.passage[last:])])


def _excerpt(text: str, spans: list[Span]) -> tuple[str, tuple[Span, ...]]:
    """The whole text when short, else a window around the first highlight."""
    if len(text) <= PASSAGE_CHARS or not spans:
        return text[:PASSAGE_CHARS], tuple(s for s in spans if s[1] <= PASSAGE_CHARS)
    start = max(0, spans[0][0] - _CONTEXT_CHARS)
    end = min(len(text), start + PASSAGE_CHARS)
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    kept = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return prefix + text[start:end] + suffix, kept


class SearchIndex:
    """A release's index: :meth:`search` for ranked hits, :meth:`matches` for all of them."""

    def __init__(self, folder: Path, entry: Mapping[str, Any]) -> None:
        if int(entry.get("format", 0)) != FORMAT:
            raise ValueError(f"the search index has format {entry.get('format')}, not {FORMAT}")
        self.analysis = Analysis(entry["analyzer"])
        self.types: tuple[str, ...] = tuple(entry.get("types", ()))
        self._index = tantivy.Index.open(str(folder))
        self._index.register_tokenizer(self.analysis.name, self.analysis.analyzer)
        self._schema = self._index.schema
        self._searcher = self._index.searcher()

    def request(
        self, text: str, types: Sequence[str] = (), lang: str = "", limit: int = 20
    ) -> SearchRequest:
        """A checked request; :class:`SearchError` naming what is wrong."""
        unknown = [t for t in types if t not in self.types]
        if unknown:
            raise SearchError(
                f"Unknown type {', '.join(unknown)}; the types are {', '.join(self.types)}."
            )
        if lang and not _LANGUAGE_TAG.match(lang):
            raise SearchError(f"{lang!r} is not a language tag (e.g. zh, en).")
        if not 1 <= limit <= MAX_LIMIT:
            raise SearchError(f"limit must be between 1 and {MAX_LIMIT}.")
        phrases = tuple(self.analysis.phrases(text))
        return SearchRequest(text, phrases, tuple(types), lang.lower(), limit)

    def _query(self, request: SearchRequest) -> tantivy.Query:
        fields = []
        for name, boost in (("label", _LABEL_BOOST), ("text", 1.0)):
            parts = [self._phrase(name, p) for p in request.phrases]
            fields.append(tantivy.Query.boost_query(_all(parts), boost))
        clauses = [(tantivy.Occur.Must, tantivy.Query.boolean_query(_any(fields)))]
        filters = []
        if request.types:
            terms = [tantivy.Query.term_query(self._schema, "type", t) for t in request.types]
            filters.append(tantivy.Query.boolean_query(_any(terms)))
        if request.lang:
            filters.append(tantivy.Query.term_query(self._schema, "lang", request.lang))
        # Filters add nothing to the score: a resource scores the same however it is found.
        clauses += [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
        return tantivy.Query.boolean_query(clauses)

    def _phrase(self, field: str, phrase: Phrase) -> tantivy.Query:
        if len(phrase) == 1:
            return tantivy.Query.term_query(self._schema, field, phrase[0])
        return tantivy.Query.phrase_query(self._schema, field, list(phrase))

    def _hits(self, request: SearchRequest, limit: int | None) -> list[Hit]:
        """The best document of each resource, best first; ``None``: every resource."""
        total = self._searcher.num_docs
        fetch = total if limit is None else min(total, limit * 8)
        query = self._query(request)
        while True:
            found = self._searcher.search(query, max(fetch, 1)).hits
            best: dict[str, Hit] = {}
            for score, address in found:
                doc = self._searcher.doc(address)
                iri = str(doc.get_first("iri"))
                if iri not in best:
                    best[iri] = self._hit(doc, score, request.phrases)
            if limit is None or len(best) >= limit or len(found) < fetch:
                return list(best.values())[:limit]
            fetch = min(total, fetch * 4)

    def _hit(self, doc: tantivy.Document, score: float, phrases: tuple[Phrase, ...]) -> Hit:
        text = str(doc.get_first("label") or doc.get_first("text") or "")
        passage, spans = _excerpt(text, self.analysis.highlights(text, list(phrases)))
        names = {lang: doc.get_first(f"name_{lang}") for lang in ("zh", "en")}
        return Hit(
            iri=str(doc.get_first("iri")),
            type=str(doc.get_first("type")),
            names={k: str(v) for k, v in names.items() if v is not None},
            score=round(float(score), 4),
            passage=passage,
            highlights=spans,
            property=str(doc.get_first("property")),
            lang=max((str(v) for v in doc.get_all("lang")), key=len, default=""),
        )

    def search(self, request: SearchRequest) -> list[Hit]:
        """At most ``request.limit`` resources, best first."""
        return self._hits(request, request.limit)

    def matches(self, request: SearchRequest) -> dict[str, Hit]:
        """Every resource that matches, by IRI (for the SPARQL functions)."""
        return {hit.iri: hit for hit in self._hits(request, None)}


def _all(queries: list[tantivy.Query]) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def _any(queries: list[tantivy.Query]) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    return [(tantivy.Occur.Should, q) for q in queries]


def open_index(kg: KnowledgeGraph) -> SearchIndex | None:
    """The release's index, or ``None`` when the manifest lists none."""
    entry = kg.manifest.raw.get("search_index")
    if not isinstance(entry, dict):
        return None
    return SearchIndex(kg.path(str(entry["path"])), entry)
