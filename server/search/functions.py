"""The SPARQL functions of full-text search, evaluated in the query processes.

``search:score(?resource, "text" [, "lang"])`` is the resource's score
(``xsd:double``) when one of its texts matches ``text`` as ``/search`` matches it,
and unbound otherwise; ``search:snippet(…)`` with the same arguments is the
passage that matched, as ``rdf:HTML`` with each match in ``<mark>``. Both read
the release's search index (``search:`` is ``https://w3id.org/cgkg/search#``).

The matches of one search text are computed once and kept for the next calls
(a query calls the function once per solution). A search text that cannot be
searched (empty, too long, only punctuation) makes the whole query a 400 with
the reason, not a silently empty result: pyoxigraph turns an exception of a
custom function into an unbound value, so the message is recorded here and
:func:`server.sparql.evaluation.evaluate` answers with it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from server.kg import KnowledgeGraph
from server.search.errors import SearchError

if TYPE_CHECKING:
    from server.search.index import Hit, SearchIndex

__all__ = ["FUNCTIONS", "NAMESPACE", "SCORE", "SNIPPET", "Described", "Function", "SearchFunctions"]

NAMESPACE = "https://w3id.org/cgkg/search#"
SCORE = NAMESPACE + "score"
SNIPPET = NAMESPACE + "snippet"
_RDF_HTML = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML")
_MEMO = 16


@dataclass(frozen=True)
class Described:
    iri: str
    label: str
    comment: str


FUNCTIONS = (
    Described(
        SCORE,
        "full-text search score",
        'search:score(?resource, "text" [, "lang"]): the score (xsd:double) of the resource '
        "when one of its texts (labels, task texts and their unofficial translations, "
        "definitions, initiative names) holds every phrase of text, characters contiguous; "
        "unbound otherwise. lang narrows to texts in that language, as langMatches does.",
    ),
    Described(
        SNIPPET,
        "full-text search passage",
        'search:snippet(?resource, "text" [, "lang"]): the passage of the resource that '
        "matched text best, as rdf:HTML with each match in <mark>; unbound when none matches.",
    ),
)

Function = Callable[..., ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]
"""What pyoxigraph calls with a function's arguments."""


class SearchFunctions:
    """The custom functions of one query process, over its release's index.

    The index is opened at the first call, not when the process starts: a query
    process is started for every release and after every query it had to kill,
    and most queries never search.
    """

    def __init__(self, open_index: Callable[[], SearchIndex]) -> None:
        self._open_index = open_index
        self._index: SearchIndex | None = None
        self._memo: OrderedDict[tuple[str, str], dict[str, Hit]] = OrderedDict()
        self.errors: list[str] = []

    @classmethod
    def for_release(cls, kg: KnowledgeGraph) -> SearchFunctions | None:
        """The functions over ``kg``'s index; ``None`` when the release has none."""
        if not isinstance(kg.manifest.raw.get("search_index"), dict):
            return None

        def opened() -> SearchIndex:
            from server.search.index import open_index  # tantivy, only when searched

            index = open_index(kg)
            if index is None:
                raise SearchError("the release has no search index")
            return index

        return cls(opened)

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = self._open_index()
        return self._index

    def table(self) -> dict[ox.NamedNode, Function]:
        return {ox.NamedNode(SCORE): self.score, ox.NamedNode(SNIPPET): self.snippet}

    def _hit(self, resource: object, text: object, lang: object = None) -> Hit | None:
        if not isinstance(resource, ox.NamedNode) or not isinstance(text, ox.Literal):
            return None
        language = lang.value if isinstance(lang, ox.Literal) else ""
        key = (text.value, language)
        matches = self._memo.get(key)
        if matches is None:
            try:
                request = self.index.request(text.value, lang=language)
            except SearchError as exc:
                if not self.errors:  # once per query, however many solutions call it
                    self.errors.append(f"search text {text.value!r}: {exc.message}")
                return None
            matches = self._memo[key] = self.index.matches(request)
            if len(self._memo) > _MEMO:
                self._memo.popitem(last=False)
        self._memo.move_to_end(key)
        return matches.get(resource.value)

    def score(self, *args: object) -> ox.Literal | None:
        hit = self._hit(*args[:3])
        return ox.Literal(hit.score) if hit else None

    def snippet(self, *args: object) -> ox.Literal | None:
        hit = self._hit(*args[:3])
        return ox.Literal(hit.highlighted(), datatype=_RDF_HTML) if hit else None
