"""The Wikidata links of the divisions as a VoID linkset: a file of its own with the link
triples, and its description (predicate, targets, count, dump) for ``dumps/void.ttl``."""

from __future__ import annotations

from importlib.resources import files

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from loader.iris import Iris
from loader.namespaces import DCTERMS, RDF, SKOS, VOID

LINKS_FILE = "cgkg-wikidata-links.nt"
WIKIDATA = URIRef("http://www.wikidata.org/")
LINKS_QUERY = files("loader").joinpath("sparql/wikidata_links.rq").read_text(encoding="utf-8")


def wikidata_links(store: ox.Store) -> list[ox.Triple]:
    """Every ``skos:closeMatch`` from a division to a Wikidata item, sorted."""
    result = store.query(LINKS_QUERY, use_default_graph_as_union=True)
    assert isinstance(result, ox.QueryTriples)  # noqa: S101 - the query is a CONSTRUCT
    return sorted(result, key=lambda t: (str(t.subject), str(t.object)))


def links_ntriples(links: list[ox.Triple]) -> bytes:
    data = ox.serialize(links, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None  # noqa: S101 - bytes when no output is given
    return data


def wikidata_linkset(base_iri: str, version: str, count: int) -> Graph:
    """The linkset as a subset of the dataset, with its link count and its dump."""
    iris = Iris(base_iri)
    g = Graph()
    linkset = URIRef(f"{iris.dataset}/linkset/wikidata")
    g.add((iris.dataset, VOID.subset, linkset))
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.linkPredicate, SKOS.closeMatch))
    g.add((linkset, VOID.subjectsTarget, iris.dataset))
    g.add((linkset, VOID.objectsTarget, WIKIDATA))
    g.add((linkset, VOID.triples, Literal(count)))
    g.add((linkset, VOID.dataDump, URIRef(f"{base_iri}dumps/{version}/{LINKS_FILE}")))
    description = (
        "Links from divisions to Wikidata items that share their GB/T 2260 code and "
        "Chinese name in one Wikidata snapshot; confirm before asserting identity."
    )
    g.add((linkset, DCTERMS.description, Literal(description, lang="en")))
    return g
