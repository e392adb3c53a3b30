"""The DCAT-AP 3 and VoID description of the dataset: catalogue, dataset, data service,
graphs and VoID figures (``graph/metadata``); the files, this release's and earlier ones',
are described by :mod:`loader.distributions`.

The description is part of the dataset (it is in the store and in every dump), so it
cannot hold the size or checksum of a dump, which would have to be inside that dump:
:func:`loader.distributions.file_facts` gives those, and ``dumps/void.ttl`` is the
description plus them. No blank nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib.resources import files
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from loader import authorities as auth
from loader import void
from loader.dataset_info import DatasetInfo, Download, Nodes, add_coverage, add_texts
from loader.distributions import add_distribution, add_history
from loader.graphs import METADATA
from loader.iris import Iris
from loader.namespaces import (
    ADMS,
    DCAT,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SD,
    SKOS,
    VCARD,
    VOID,
    XSD,
)

GRAPH_TITLES = {
    "notice": ("民政部通知及其所述事实", "The Ministry's notice and the facts it states"),
    "divisions": ("行政区划", "Administrative divisions"),
    "themes": ("治理主题及其分配", "Governance themes and their assignment to zones"),
    "translations": ("英文文本（非官方翻译）", "English text (unofficial translation)"),
    "ontology": ("本体", "The ontology"),
    "queries": ("示例查询", "Example queries"),
    "metadata": ("数据集描述（DCAT-AP 与 VoID）", "Description of the dataset (DCAT-AP and VoID)"),
}
_QUERY = {
    name: files("loader").joinpath(f"sparql/{name}.rq").read_text(encoding="utf-8")
    for name in ("metadata_period", "metadata_themes", "metadata_examples")
}


def describe_dataset(
    info: DatasetInfo,
    store: ox.Store,
    downloads: Sequence[Download],
    graph_names: dict[str, str],
    vocabularies: Iterable[str] = (),
    extra: Graph | None = None,
) -> Graph:
    """The description of everything in ``store`` and of ``downloads`` (and ``extra``, such
    as linksets), with its VoID figures counted over the store holding it (the store is left
    as it was)."""
    nodes = Nodes(Iris(info.base_iri))
    g = Graph()
    _catalog(g, nodes, info)
    _dataset(g, nodes, info, store)
    _agents(g, nodes, info)
    _service(g, nodes, info)
    _graphs(g, nodes.iris, graph_names)
    g += extra if extra is not None else Graph()
    for linkset in set(g.subjects(RDF.type, VOID.Linkset)):
        g.add((linkset, RDF.type, VOID.Dataset))  # stated: consumers do not infer it
    for download in downloads:
        add_distribution(g, nodes, info, download)
    add_history(g, nodes, info)
    metadata_graph = str(nodes.iris.graph(METADATA))
    return void.with_figures(store, g, nodes.iris.dataset, metadata_graph, tuple(vocabularies))


def _catalog(g: Graph, nodes: Nodes, info: DatasetInfo) -> None:
    catalog, title = nodes.catalog, info.settings["title"]
    g.add((catalog, RDF.type, DCAT.Catalog))
    add_texts(g, catalog, DCTERMS.title, f"{title['zh']}：数据目录", f"{title['en']}: catalogue")
    add_texts(
        g,
        catalog,
        DCTERMS.description,
        "本目录列出本知识图谱的数据集、各版本的下载文件及其 SPARQL 查询服务。",
        "This catalogue lists the knowledge graph's dataset, the downloads of each release and "
        "its SPARQL query service.",
    )
    g.add((catalog, DCTERMS.publisher, nodes.publisher))
    g.add((catalog, FOAF.homepage, URIRef(info.base_iri)))
    g.add((catalog, DCTERMS.license, URIRef(str(info.settings["license"]))))
    g.add((catalog, DCAT.dataset, nodes.iris.dataset))
    g.add((catalog, DCAT.service, nodes.service))
    g.add((catalog, DCAT.themeTaxonomy, nodes.iris.scheme("themes")))
    g.add((catalog, DCAT.themeTaxonomy, auth.DATA_THEME_SCHEME))
    g.add((catalog, DCTERMS.spatial, auth.CHINA))
    _dates(g, catalog, info)
    for tag in auth.LANGUAGES:
        g.add((catalog, DCTERMS.language, auth.language(tag)))


def _dates(g: Graph, subject: URIRef, info: DatasetInfo) -> None:
    g.add((subject, DCTERMS.issued, Literal(str(info.settings["issued"]), datatype=XSD.date)))
    g.add((subject, DCTERMS.modified, Literal(str(info.settings["modified"]), datatype=XSD.date)))


def _dataset(g: Graph, nodes: Nodes, info: DatasetInfo, store: ox.Store) -> None:
    dataset, settings = nodes.iris.dataset, info.settings
    for cls in (VOID.Dataset, DCAT.Dataset):
        g.add((dataset, RDF.type, cls))
    for key, predicate in (("title", DCTERMS.title), ("description", DCTERMS.description)):
        add_texts(g, dataset, predicate, str(settings[key]["zh"]), str(settings[key]["en"]))
    _dates(g, dataset, info)
    g.add((dataset, DCAT.version, Literal(info.version)))
    g.add((dataset, OWL.versionInfo, Literal(info.version)))
    if info.releases:
        newest = info.releases[-1]
        add_texts(g, dataset, ADMS.versionNotes, newest.notes_zh, newest.notes_en)
    g.add((dataset, DCAT.landingPage, URIRef(info.base_iri)))
    g.add((dataset, FOAF.page, nodes.changelog))
    g.add((dataset, DCTERMS.source, nodes.iris.notice))
    g.add((dataset, PROV.wasDerivedFrom, nodes.iris.notice))
    _rights(g, nodes, settings)
    add_coverage(g, nodes, info, dataset)
    _period(g, nodes, store)
    _themes(g, nodes, store)
    _void(g, nodes, info, store)


def _rights(g: Graph, nodes: Nodes, settings: dict[str, Any]) -> None:
    zh, en = settings.get("source_license_note_zh"), settings.get("source_license_note_en")
    if zh and en:
        g.add((nodes.iris.dataset, DCTERMS.rights, nodes.rights))
        g.add((nodes.rights, RDF.type, DCTERMS.RightsStatement))
        add_texts(g, nodes.rights, RDFS.label, str(zh), str(en))


def _select(store: ox.Store, name: str, **bindings: ox.NamedNode) -> list[ox.QuerySolution]:
    result = store.query(
        _QUERY[name],
        use_default_graph_as_union=True,
        substitutions={ox.Variable(k): v for k, v in bindings.items()} or None,
    )
    assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - the queries are SELECTs
    return list(result)


def _literal(term: object) -> Literal:
    assert isinstance(term, ox.Literal)  # noqa: S101 - the queries bind literals here
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _period(g: Graph, nodes: Nodes, store: ox.Store) -> None:
    """The experiment period as the notice gives it (graph/notice), as DCAT's period."""
    temporal = nodes.temporal
    g.add((temporal, RDF.type, DCTERMS.PeriodOfTime))
    designation = ox.NamedNode(str(nodes.iris.designation))
    for row in _select(store, "metadata_period", designation=designation):
        g.add((temporal, DCAT.startDate, _literal(row["start"])))
        g.add((temporal, DCAT.endDate, _literal(row["end"])))


def _themes(g: Graph, nodes: Nodes, store: ox.Store) -> None:
    """The governance themes as DCAT themes (the concepts themselves are in graph/themes)."""
    scheme = ox.NamedNode(str(nodes.iris.scheme("themes")))
    for row in _select(store, "metadata_themes", scheme=scheme):
        if row["theme"] is not None:
            g.add((nodes.iris.dataset, DCAT.theme, URIRef(row["theme"].value)))


def theme_labels(store: ox.Store, base_iri: str) -> Graph:
    """The theme concepts and their scheme with Chinese labels, for ``dumps/void.ttl`` to stand
    on its own; not in graph/metadata, where they would repeat triples of graph/themes."""
    g = Graph()
    scheme = Iris(base_iri).scheme("themes")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    for row in _select(store, "metadata_themes", scheme=ox.NamedNode(str(scheme))):
        theme = row["theme"]
        if theme is None:
            g.add((scheme, DCTERMS.title, _literal(row["label"])))
            continue
        iri = URIRef(theme.value)
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, scheme))
        g.add((iri, SKOS.prefLabel, _literal(row["label"])))
    return g


def _void(g: Graph, nodes: Nodes, info: DatasetInfo, store: ox.Store) -> None:
    dataset = nodes.iris.dataset
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{info.base_iri}sparql")))
    g.add((dataset, VOID.uriSpace, Literal(info.base_iri)))
    g.add((dataset, VOID.rootResource, nodes.iris.designation))
    for row in _select(store, "metadata_examples"):
        g.add((dataset, VOID.exampleResource, URIRef(row["example"].value)))


def _agents(g: Graph, nodes: Nodes, info: DatasetInfo) -> None:
    publisher = nodes.publisher
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(info.publisher)))
    if info.publisher_url:
        g.add((publisher, FOAF.homepage, URIRef(info.publisher_url)))
        g.add((URIRef(info.publisher_url), RDF.type, FOAF.Document))
    contact = info.contact
    if contact is None:
        return  # the operator named none: no address is made up
    g.add((nodes.contact, RDF.type, VCARD.Kind))
    g.add((nodes.contact, RDF.type, VCARD.Organization))
    g.add((nodes.contact, VCARD.fn, Literal(contact.name or info.publisher)))
    if contact.email:
        g.add((nodes.contact, VCARD.hasEmail, URIRef(f"mailto:{contact.email}")))
    if contact.url:
        g.add((nodes.contact, VCARD.hasURL, URIRef(contact.url)))


def _service(g: Graph, nodes: Nodes, info: DatasetInfo) -> None:
    service, endpoint = nodes.service, URIRef(f"{info.base_iri}sparql")
    g.add((service, RDF.type, DCAT.DataService))
    add_texts(g, service, DCTERMS.title, "SPARQL 查询端点", "SPARQL endpoint")
    add_texts(
        g,
        service,
        DCTERMS.description,
        "SPARQL 1.1 查询端点（只读），提供全部命名图；不带查询访问端点即得其服务描述。",
        "A read-only SPARQL 1.1 query endpoint over every named graph; the endpoint without a "
        "query answers with its service description.",
    )
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCAT.servesDataset, nodes.iris.dataset))
    g.add((service, DCTERMS.conformsTo, auth.SPARQL_PROTOCOL))
    g.add((service, DCTERMS.license, URIRef(str(info.settings["license"]))))
    g.add((service, DCTERMS.publisher, nodes.publisher))
    if info.contact is not None:
        g.add((service, DCAT.contactPoint, nodes.contact))


def _graphs(g: Graph, iris: Iris, graph_names: dict[str, str]) -> None:
    dataset = iris.dataset
    for name, graph_iri in sorted(graph_names.items()):
        subset = URIRef(graph_iri)
        zh, en = GRAPH_TITLES.get(name, (name, name))
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, RDF.type, SD.NamedGraph))
        g.add((subset, SD.name, subset))
        add_texts(g, subset, DCTERMS.title, zh, en)
        if name == "translations":
            add_texts(
                g,
                subset,
                DCTERMS.description,
                "本图中的英文文本均为本项目的非官方翻译。",
                "Every English text in this graph is the project's own, unofficial translation.",
            )
        if name in ("notice", "translations"):
            g.add((subset, PROV.wasDerivedFrom, iris.notice))


def authorities(description: Graph) -> Graph:
    """The authority IRIs and web documents the description names, typed with the classes
    DCAT-AP gives as the ranges (and the EU themes with their labels): for ``dumps/void.ttl``
    to stand on its own. Not in graph/metadata: these resources are not this dataset's, and
    no IRI of the dataset's graphs describes what it does not serve."""
    d, g = description, Graph()
    for iri in set(d.objects(None, DCTERMS.language)):
        g.add((iri, RDF.type, DCTERMS.LinguisticSystem))
    for iri in set(d.objects(None, DCTERMS.spatial)):
        g.add((iri, RDF.type, DCTERMS.Location))
    for iri in set(d.objects(None, DCTERMS.format)):
        g.add((iri, RDF.type, DCTERMS.MediaTypeOrExtent))
    for predicate in (DCAT.mediaType, DCAT.compressFormat):
        for iri in set(d.objects(None, predicate)):
            g.add((iri, RDF.type, DCTERMS.MediaType))
    for predicate in (DCAT.landingPage, FOAF.homepage, FOAF.page):
        for iri in set(d.objects(None, predicate)):
            g.add((iri, RDF.type, FOAF.Document))
    for iri in set(d.objects(None, DCTERMS.conformsTo)):
        g.add((iri, RDF.type, DCTERMS.Standard))
    for iri in set(d.objects(None, DCTERMS.license)):
        g.add((iri, RDF.type, DCTERMS.LicenseDocument))
        g.add((iri, DCTERMS.type, auth.ATTRIBUTION))
    g.add((auth.ATTRIBUTION, RDF.type, SKOS.Concept))
    g.add((auth.ATTRIBUTION, SKOS.prefLabel, Literal("Attribution", lang="en")))
    g.add((auth.DATA_THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((auth.DATA_THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))
    for code, label in auth.DATA_THEMES.items():
        theme = auth.data_theme(code)
        g.add((theme, RDF.type, SKOS.Concept))
        g.add((theme, SKOS.inScheme, auth.DATA_THEME_SCHEME))
        g.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
    return g


__all__ = ["GRAPH_TITLES", "authorities", "describe_dataset", "theme_labels"]
