"""The dumps reproduce the endpoint: the named-graph dumps hold every graph, the description
included, and a store loaded from the TriG dump answers every example query as the endpoint's
store does; the JSON-LD forms are the same graph as the Turtle dump."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from server.kg import KnowledgeGraph
from server.release import Lease
from server.search.functions import SearchFunctions
from server.search.index import open_index

QUERIES = sorted((Path(__file__).resolve().parents[2] / "queries").glob("*.rq"))
METADATA = "https://w3id.org/cgkg/graph/metadata"


@pytest.fixture(scope="module")
def endpoint_store(release_dir):
    return ox.Store.read_only(str(release_dir / "store"))


@pytest.fixture(scope="module")
def trig_store(release_dir):
    store = ox.Store()
    store.bulk_load(path=str(release_dir / "dumps/cgkg.trig"), format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def search_functions(built_out):
    """The endpoint's full-text functions over this release's index, for both stores alike:
    the search examples in queries/ call them."""
    kg = KnowledgeGraph.open(Lease.current(built_out))
    index = open_index(kg)
    assert index is not None
    yield SearchFunctions(lambda: index).table()
    kg.close()


def _answer(store: ox.Store, query: str, functions: Any = None) -> object:
    """The result of ``query`` as the endpoint evaluates it (default graph: the union), in a
    form that compares across stores (rows sorted, blank nodes unlabelled)."""
    result = store.query(query, use_default_graph_as_union=True, custom_functions=functions)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return sorted(str(t) for t in result)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    rows = [
        tuple("_:b" if isinstance(row[n], ox.BlankNode) else str(row[n]) for n in names)
        for row in result
    ]
    return names, sorted(rows)


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_trig_dump_answers_every_query_as_the_endpoint(
    path, endpoint_store, trig_store, search_functions
):
    query = path.read_text(encoding="utf-8")
    expected = _answer(endpoint_store, query, search_functions)
    assert _answer(trig_store, query, search_functions) == expected


def _ground(store: ox.Store) -> tuple[set[str], dict[str, int]]:
    """Quads without blank nodes (whose labels a parser may change), and triples per graph."""
    ground: set[str] = set()
    sizes: dict[str, int] = {}
    for q in store:
        sizes[str(q.graph_name)] = sizes.get(str(q.graph_name), 0) + 1
        if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object)):
            ground.add(str(q))
    return ground, sizes


def test_trig_dump_holds_every_quad_of_the_store(endpoint_store, trig_store):
    assert _ground(trig_store) == _ground(endpoint_store)


@pytest.mark.parametrize("name", ["cgkg.nq", "cgkg.trig", "cgkg.jsonld"])
def test_named_graph_dumps_carry_the_metadata_graph(release_dir, name):
    fmt = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
    quads = ox.parse(path=str(release_dir / "dumps" / name), format=fmt[name.rsplit(".", 1)[1]])
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    assert METADATA in graphs
    assert graphs == set(manifest["graphs"])


def test_turtle_dump_is_the_merged_view_with_the_description(release_dir, endpoint_store):
    turtle = Graph().parse(release_dir / "dumps/cgkg.ttl", format="turtle")
    merged = {(q.subject, q.predicate, q.object) for q in endpoint_store}
    assert len(turtle) == len(merged)
    assert any(str(s) == "https://w3id.org/cgkg/dataset" for s in turtle.subjects())


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("cgkg.jsonld", "compacted"),
        ("cgkg.expanded.jsonld", "expanded"),
        ("cgkg.flattened.jsonld", "flattened"),
    ],
)
def test_each_jsonld_form_expands_to_the_turtle_graph(release_dir, name, form):
    document = json.loads((release_dir / "dumps" / name).read_text(encoding="utf-8"))
    assert ("@context" in document) == (form != "expanded")
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    triples = {q.triple for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
    union = Graph().parse(
        data=ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES), format="nt"
    )
    turtle = Graph().parse(release_dir / "dumps/cgkg.ttl", format="turtle")
    assert isomorphic(union, turtle)
