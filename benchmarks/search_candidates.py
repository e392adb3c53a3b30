"""The search engines and Chinese tokenizations considered for the index, on the same texts.

Usage: python benchmarks/search_candidates.py [--copies 1000] [--runs 30]

The texts the index holds (``loader/sparql/search_texts.rq`` on a fresh build of the
real data), copied ``--copies`` times, one document each, indexed by every candidate
in one run; then per query text the number of documents found and the median time of
a top-20 search (with the stored fields of the hits read):

- ``tantivy-char``: tantivy, one token per Han character, phrase queries (the index
  the build writes: ``loader.search_index.analyzer``);
- ``tantivy-bigram``: tantivy, overlapping Han bigrams made in Python, phrase queries;
- ``fts5-bigram``: SQLite FTS5 over the same bigrams, ranked by ``bm25()``;
- ``fts5-trigram``: SQLite FTS5's ``trigram`` tokenizer (it cannot match fewer than three
  characters; those get no result here).

tantivy's own n-gram tokenizer is not a candidate: it puts every n-gram at position 0,
so no phrase query can require the characters to be contiguous.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import tantivy

from loader.pipeline import build
from loader.search_index import ANALYZER, TEXTS_QUERY, analyzer
from loader.settings import BuildSettings

QUERIES = ["协商", "法治", "三社联动", "社区公共服务综合信息平台", "社区", "consultation"]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.ascii_fold())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


def bigrams(text: str) -> list[tantivy.Token]:
    """Han runs as overlapping bigrams, other text as stemmed words, positions in order."""
    tokens: list[tantivy.Token] = []
    last = 0

    def words(part: str, base: int) -> None:
        for t in LATIN.pre_tokenize(part).tokens:
            tokens.append(
                tantivy.Token(
                    t.text, len(tokens), base + t.char_offset_from, base + t.char_offset_to
                )
            )

    for run in HAN.finditer(text):
        words(text[last : run.start()], last)
        chars = run.group()
        grams = [chars] if len(chars) == 1 else [chars[i : i + 2] for i in range(len(chars) - 1)]
        for i, gram in enumerate(grams):
            start = run.start() + i
            tokens.append(tantivy.Token(gram, len(tokens), start, start + len(gram)))
        last = run.end()
    words(text[last:], last)
    return tokens


def _schema(tokenizer: str) -> tantivy.Schema:
    schema = tantivy.SchemaBuilder()
    schema.add_text_field("iri", stored=True, tokenizer_name="raw")
    schema.add_text_field("text", stored=True, tokenizer_name=tokenizer, index_option="position")
    return schema.build()


def tantivy_char(docs: list[tuple[str, str]], folder: Path) -> Callable[[str], int]:
    index = tantivy.Index(_schema(ANALYZER["name"]), str(folder))
    chars = analyzer(ANALYZER)
    index.register_tokenizer(ANALYZER["name"], chars)
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for iri, text in docs:
        writer.add_document(tantivy.Document(iri=iri, text=text))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return lambda q: _tantivy_search(index, [t for t in chars.analyze(q) if t.isalnum()])


def tantivy_bigram(docs: list[tuple[str, str]], folder: Path) -> Callable[[str], int]:
    index = tantivy.Index(_schema("raw"), str(folder))
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for iri, text in docs:
        doc = tantivy.Document(iri=iri)
        doc.add_pre_tokenized_text("text", tantivy.PreTokenizedString(text, bigrams(text)))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return lambda q: _tantivy_search(index, [t.text for t in bigrams(q)])


def _tantivy_search(index: tantivy.Index, terms: list[str]) -> int:
    schema = index.schema
    if len(terms) == 1:
        query = tantivy.Query.term_query(schema, "text", terms[0])
    else:
        query = tantivy.Query.phrase_query(schema, "text", terms)
    searcher = index.searcher()
    hits = searcher.search(query, 20, count=True)
    for _, address in hits.hits:
        searcher.doc(address)
    return int(hits.count or 0)


def fts5_bigram(docs: list[tuple[str, str]], folder: Path) -> Callable[[str], int]:
    db = sqlite3.connect(folder / "bigram.sqlite")
    db.execute(
        "CREATE VIRTUAL TABLE f USING fts5(iri UNINDEXED, text UNINDEXED, terms, "
        "tokenize = \"unicode61 categories 'L* N* Co M*'\")"
    )
    rows = ((iri, text, " ".join(t.text for t in bigrams(text))) for iri, text in docs)
    db.executemany("INSERT INTO f VALUES (?, ?, ?)", rows)
    db.execute("INSERT INTO f(f) VALUES ('optimize')")
    db.commit()

    def search(q: str) -> int:
        phrase = '"' + " ".join(t.text for t in bigrams(q)) + '"'
        db.execute(
            "SELECT iri, text FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT 20", (phrase,)
        ).fetchall()
        return int(db.execute("SELECT count(*) FROM f WHERE f MATCH ?", (phrase,)).fetchone()[0])

    return search


def fts5_trigram(docs: list[tuple[str, str]], folder: Path) -> Callable[[str], int]:
    db = sqlite3.connect(folder / "trigram.sqlite")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(iri UNINDEXED, text, tokenize = 'trigram')")
    db.executemany("INSERT INTO f VALUES (?, ?)", docs)
    db.execute("INSERT INTO f(f) VALUES ('optimize')")
    db.commit()

    def search(q: str) -> int:
        if len(q) < 3:
            return 0
        phrase = f'"{q}"'
        db.execute(
            "SELECT iri, text FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT 20", (phrase,)
        ).fetchall()
        return int(db.execute("SELECT count(*) FROM f WHERE f MATCH ?", (phrase,)).fetchone()[0])

    return search


CANDIDATES: dict[str, Callable[[list[tuple[str, str]], Path], Callable[[str], int]]] = {
    "tantivy-char": tantivy_char,
    "tantivy-bigram": tantivy_bigram,
    "fts5-bigram": fts5_bigram,
    "fts5-trigram": fts5_trigram,
}


def texts(out: Path) -> list[tuple[str, str]]:
    release = build(BuildSettings(out_dir=out)).release_dir
    store = ox.Store.read_only(str(release / "store"))
    rows: Any = store.query(TEXTS_QUERY, use_default_graph_as_union=True)
    return [(row["resource"].value, row["text"].value) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        real = texts(Path(tmp) / "build")
        docs = [(f"{iri}#{n}", text) for n in range(args.copies) for iri, text in real]
        print(f"{len(docs)} documents ({len(real)} texts x {args.copies})")
        for name, make in CANDIDATES.items():
            folder = Path(tmp) / name
            folder.mkdir()
            start = time.perf_counter()
            search = make(docs, folder)
            built = time.perf_counter() - start
            cells = []
            for q in QUERIES:
                times = []
                for _ in range(args.runs):
                    began = time.perf_counter()
                    found = search(q)
                    times.append((time.perf_counter() - began) * 1000)
                cells.append(f"{q} {found}: {statistics.median(times):.2f} ms")
            print(f"{name:15} build {built:6.1f} s | " + " | ".join(cells))


if __name__ == "__main__":
    main()
