"""The search index stage: one document per text of the store, listed in the manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import tantivy

from loader.search_index import TEXTS_QUERY, _rows


def _entry(release_dir: Path) -> dict[str, object]:
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    entry: dict[str, object] = manifest["search_index"]
    return entry


def test_manifest_names_the_index_with_one_sha256_over_its_files(release_dir):
    entry = _entry(release_dir)
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    files = sorted(p for p in (release_dir / str(entry["path"])).rglob("*") if p.is_file())
    digest = hashlib.sha256()
    for path in files:
        name = path.relative_to(release_dir).as_posix()
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        assert listed[name] == sha, f"{name} is not in the manifest's files"
        digest.update(f"{name}\0{sha}\n".encode())
    assert entry["sha256"] == digest.hexdigest()


def test_every_text_the_query_selects_is_one_document(release_dir):
    store = ox.Store.read_only(str(release_dir / "store"))
    rows = list(store.query(TEXTS_QUERY, use_default_graph_as_union=True))  # type: ignore[arg-type]
    index = tantivy.Index.open(str(release_dir / "search"))
    assert index.searcher().num_docs == len(rows) == _entry(release_dir)["documents"]


def test_every_zone_task_text_is_in_the_index(release_dir):
    store = ox.Store.read_only(str(release_dir / "store"))
    tasks = store.query(
        "SELECT ?t WHERE { ?z <https://w3id.org/cgkg/ontology#task>/"
        "<https://w3id.org/cgkg/ontology#taskText> ?t }",
        use_default_graph_as_union=True,
    )
    texts = {row["t"].value for row in tasks}  # type: ignore[union-attr]
    searcher = tantivy.Index.open(str(release_dir / "search")).searcher()
    stored = {
        str(searcher.doc(address).get_first("text"))
        for _, address in searcher.search(tantivy.Query.all_query(), 10_000).hits
    }
    assert len(texts) == 40
    assert texts <= stored


def test_texts_come_in_resource_property_text_order(release_dir):
    store = ox.Store.read_only(str(release_dir / "store"))
    keys = [(r["resource"], r["property"], r["text"], r["lang"]) for r in _rows(store)]
    assert len(keys) == _entry(release_dir)["documents"]
    assert keys == sorted(keys)
