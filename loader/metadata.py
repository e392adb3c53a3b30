"""The DCAT-AP 3 and VoID description of the dataset: catalogue, dataset, data service,
distributions, release history and VoID figures (``graph/metadata``).

Every download the build lists is described from its entry (path, format,
media type, encoding), so a new file in the manifest's dumps gets its
distribution with no code of its own. The description is part of the dataset
(it is in the store and in every dump), so it cannot hold the size or checksum
of a dump, which would have to be inside that dump: :func:`file_facts` gives
those, and ``dumps/void.ttl`` is the description plus them. No blank nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from loader import authorities as auth
from loader import void
from loader.dumps import DUMP_STEM
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
    SPDX,
    VCARD,
    VOID,
    XSD,
)
from loader.releases import Release

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
QUAD_MEDIA_TYPES = ("application/n-quads", "application/trig", "application/ld+json")
_WHOLE = (
    "包含查询端点的全部命名图（含元数据图 graph/metadata）：加载此文件即可复原端点的数据。",
    "Every named graph of the endpoint, graph/metadata included: load this file to get the "
    "endpoint's data back.",
)
_MERGED = (
    "全部命名图合并为一个图（合并视图）：三元组所属的命名图不再保留，包括标明英文为非官方译文的 "
    "graph/translations。如需复原查询端点，请加载 TriG 或 N-Quads 转储。",
    "The merged view: the union of every named graph as one graph. Which graph a statement "
    "comes from is lost, and with it the marking of English text as unofficial "
    "(graph/translations). To get the endpoint back, load the TriG or N-Quads dump.",
)
_TABLE = ("表格（CSV，UTF-8）。", "A table (CSV, UTF-8).")
_DESCRIPTION = ("数据集描述（VoID 与 DCAT）。", "The description of the dataset (VoID and DCAT).")


class Download(Protocol):
    """What the description needs of a file the build publishes (a ``DumpFile``)."""

    @property
    def path(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def media_type(self) -> str: ...
    @property
    def encoding(self) -> str | None: ...
    @property
    def profile(self) -> str | None: ...


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    url: str


@dataclass(frozen=True)
class DatasetInfo:
    """``data/dataset.toml``, the release history and the operator's publisher and contact."""

    settings: dict[str, Any]
    base_iri: str
    releases: tuple[Release, ...] = ()
    publisher_name: str = ""
    publisher_url: str = ""
    contact: Contact | None = None

    @property
    def version(self) -> str:
        return str(self.settings["version"])

    @property
    def publisher(self) -> str:
        return self.publisher_name or str(self.settings["publisher_name"])

    def download_url(self, name: str, version: str | None = None) -> URIRef:
        return URIRef(f"{self.base_iri}dumps/{version or self.version}/{name}")


@dataclass(frozen=True)
class Nodes:
    """The description's own IRIs."""

    iris: Iris

    @property
    def catalog(self) -> URIRef:
        return URIRef(f"{self.iris.base}catalog")

    @property
    def service(self) -> URIRef:
        return URIRef(f"{self.iris.dataset}/service")

    @property
    def publisher(self) -> URIRef:
        return URIRef(f"{self.iris.dataset}/publisher")

    @property
    def contact(self) -> URIRef:
        return URIRef(f"{self.iris.dataset}/contact")

    @property
    def rights(self) -> URIRef:
        return URIRef(f"{self.iris.dataset}/rights")

    @property
    def temporal(self) -> URIRef:
        return URIRef(f"{self.iris.dataset}/temporal-coverage")

    @property
    def changelog(self) -> URIRef:
        return URIRef(f"{self.iris.base}CHANGELOG.md")

    def release(self, version: str) -> URIRef:
        return URIRef(f"{self.iris.dataset}/release/{version}")


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
        _distribution(g, nodes, info, download)
    _history(g, nodes, info)
    metadata_graph = str(nodes.iris.graph(METADATA))
    return void.with_figures(store, g, nodes.iris.dataset, metadata_graph, tuple(vocabularies))


def _texts(g: Graph, subject: URIRef, predicate: URIRef, zh: str, en: str) -> None:
    g.add((subject, predicate, Literal(zh, lang="zh")))
    g.add((subject, predicate, Literal(en, lang="en")))


def _catalog(g: Graph, nodes: Nodes, info: DatasetInfo) -> None:
    catalog, title = nodes.catalog, info.settings["title"]
    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(g, catalog, DCTERMS.title, f"{title['zh']}：数据目录", f"{title['en']}: catalogue")
    _texts(
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
        _texts(g, dataset, predicate, str(settings[key]["zh"]), str(settings[key]["en"]))
    _dates(g, dataset, info)
    g.add((dataset, DCAT.version, Literal(info.version)))
    g.add((dataset, OWL.versionInfo, Literal(info.version)))
    if info.releases:
        newest = info.releases[-1]
        _texts(g, dataset, ADMS.versionNotes, newest.notes_zh, newest.notes_en)
    g.add((dataset, DCAT.landingPage, URIRef(info.base_iri)))
    g.add((dataset, FOAF.page, nodes.changelog))
    g.add((dataset, DCTERMS.source, nodes.iris.notice))
    g.add((dataset, PROV.wasDerivedFrom, nodes.iris.notice))
    _rights(g, nodes, settings)
    _coverage(g, nodes, info, dataset)
    _period(g, nodes, store)
    _themes(g, nodes, store)
    _void(g, nodes, info, store)


def _rights(g: Graph, nodes: Nodes, settings: dict[str, Any]) -> None:
    zh, en = settings.get("source_license_note_zh"), settings.get("source_license_note_en")
    if zh and en:
        g.add((nodes.iris.dataset, DCTERMS.rights, nodes.rights))
        g.add((nodes.rights, RDF.type, DCTERMS.RightsStatement))
        _texts(g, nodes.rights, RDFS.label, str(zh), str(en))


def _coverage(g: Graph, nodes: Nodes, info: DatasetInfo, subject: URIRef) -> None:
    """What every release of the dataset shares: license, publisher, contact, languages,
    coverage in space and time, themes and keywords."""
    g.add((subject, DCTERMS.license, URIRef(str(info.settings["license"]))))
    g.add((subject, DCTERMS.publisher, nodes.publisher))
    if info.contact is not None:
        g.add((subject, DCAT.contactPoint, nodes.contact))
    for tag in auth.LANGUAGES:
        g.add((subject, DCTERMS.language, auth.language(tag)))
        for word in info.settings.get(f"keywords_{tag}", []):
            g.add((subject, DCAT.keyword, Literal(str(word), lang=tag)))
    g.add((subject, DCTERMS.spatial, auth.CHINA))
    g.add((subject, DCTERMS.temporal, nodes.temporal))
    for code in auth.DATA_THEMES:
        g.add((subject, DCAT.theme, auth.data_theme(code)))


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
    _texts(g, service, DCTERMS.title, "SPARQL 查询端点", "SPARQL endpoint")
    _texts(
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
        _texts(g, subset, DCTERMS.title, zh, en)
        if name == "translations":
            _texts(
                g,
                subset,
                DCTERMS.description,
                "本图中的英文文本均为本项目的非官方翻译。",
                "Every English text in this graph is the project's own, unofficial translation.",
            )
        if name in ("notice", "translations"):
            g.add((subset, PROV.wasDerivedFrom, iris.notice))


def _distribution(g: Graph, nodes: Nodes, info: DatasetInfo, download: Download) -> None:
    name = download.path.rsplit("/", 1)[-1]
    dist = nodes.iris.distribution(name)
    url = info.download_url(name)
    g.add((nodes.iris.dataset, DCAT.distribution, dist))
    _file(g, dist, name, download.format, download.media_type, download.encoding, url)
    if download.profile:
        g.add((dist, DCTERMS.conformsTo, URIRef(download.profile)))
    g.add((dist, DCTERMS.license, URIRef(str(info.settings["license"]))))
    whole = name.startswith(f"{DUMP_STEM}.")  # a dump of the whole dataset (loader.dumps)
    _texts(g, dist, DCTERMS.description, *_about(download.media_type, download.format, whole))
    if whole:
        g.add((nodes.iris.dataset, VOID.dataDump, url))


def _about(media_type: str, fmt: str, whole: bool) -> tuple[str, str]:
    if whole and media_type in QUAD_MEDIA_TYPES:
        return _WHOLE
    if whole:
        return _MERGED
    if media_type == "text/csv":
        return _TABLE
    return (f"数据文件（{fmt}）。", f"A data file ({fmt}).")


def _file(
    g: Graph,
    dist: URIRef,
    name: str,
    fmt: str,
    media_type: str,
    encoding: str | None,
    url: URIRef,
) -> None:
    """What any file distribution has: title, URLs, media type, format, compression."""
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(f"{name} ({fmt})")))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, auth.media_type(media_type)))
    file_type = auth.file_type(media_type)
    if file_type is not None:
        g.add((dist, DCTERMS.format, file_type))
    if encoding == "gzip":
        g.add((dist, DCAT.compressFormat, auth.media_type("application/gzip")))


_BY_EXTENSION = {
    "ttl": ("Turtle", "text/turtle"),
    "nt": ("N-Triples", "application/n-triples"),
    "nq": ("N-Quads", "application/n-quads"),
    "trig": ("TriG", "application/trig"),
    "jsonld": ("JSON-LD", "application/ld+json"),
    "rdf": ("RDF/XML", "application/rdf+xml"),
    "csv": ("CSV", "text/csv"),
}


def _history(g: Graph, nodes: Nodes, info: DatasetInfo) -> None:
    """Each earlier release as a version of the dataset, with the files it published."""
    earlier = info.releases[:-1]
    previous: URIRef | None = None
    for release in earlier:
        node = nodes.release(release.version)
        _release(g, nodes, info, release, node)
        g.add((nodes.iris.dataset, DCAT.hasVersion, node))
        if previous is not None:
            g.add((node, DCAT.previousVersion, previous))
        previous = node
    if previous is not None:
        g.add((nodes.iris.dataset, DCAT.previousVersion, previous))


def _release(g: Graph, nodes: Nodes, info: DatasetInfo, release: Release, node: URIRef) -> None:
    title = info.settings["title"]
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.isVersionOf, nodes.iris.dataset))
    _texts(
        g,
        node,
        DCTERMS.title,
        f"{title['zh']} {release.version}",
        f"{title['en']} {release.version}",
    )
    _texts(g, node, DCTERMS.description, release.notes_zh, release.notes_en)
    _texts(g, node, ADMS.versionNotes, release.notes_zh, release.notes_en)
    g.add((node, DCAT.version, Literal(release.version)))
    g.add((node, DCTERMS.issued, Literal(release.issued, datatype=XSD.date)))
    g.add((node, FOAF.page, nodes.changelog))
    _coverage(g, nodes, info, node)
    for name in release.files:
        stem, gz = (name[:-3], True) if name.endswith(".gz") else (name, False)
        fmt, media_type = _BY_EXTENSION.get(stem.rsplit(".", 1)[-1], ("", ""))
        if not media_type:
            continue
        dist = URIRef(f"{node}/distribution/{name}")
        g.add((node, DCAT.distribution, dist))
        # This server serves the current release's files only: an earlier file is reached
        # through the release notes, and no download URL is claimed for it.
        _file(g, dist, name, fmt, media_type, "gzip" if gz else None, nodes.changelog)
        g.remove((dist, DCAT.downloadURL, None))
        g.add((dist, DCTERMS.license, URIRef(str(info.settings["license"]))))
        whole = name.startswith(f"{DUMP_STEM}.")
        texts = _DESCRIPTION if name == "void.ttl" else _about(media_type, fmt, whole)
        _texts(g, dist, DCTERMS.description, *texts)


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


def file_facts(base_iri: str, dumps: Iterable[Any]) -> Graph:
    """Size and sha256 of each file: in ``dumps/void.ttl`` and the manifest, never in the
    store (a dump holds the description, so it cannot hold its own checksum)."""
    iris = Iris(base_iri)
    g = Graph()
    for dump in dumps:
        dist = iris.distribution(str(dump.path).rsplit("/", 1)[-1])
        g.add((dist, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(f"{dist}/sha256")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    return g


__all__ = [
    "Contact",
    "DatasetInfo",
    "Download",
    "authorities",
    "describe_dataset",
    "file_facts",
    "theme_labels",
]
