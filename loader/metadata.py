"""The VoID + DCAT description of the dataset, its graphs and its distributions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from loader.dumps import DumpFile
from loader.iris import Iris
from loader.namespaces import (
    CGKG,
    DCAT,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    RDF,
    SD,
    SKOS,
    SPDX,
    VOID,
    XSD,
)

IANA = "https://www.iana.org/assignments/media-types/"
GRAPH_TITLES = {
    "notice": ("民政部通知及其所述事实", "The Ministry's notice and the facts it states"),
    "divisions": ("行政区划", "Administrative divisions"),
    "themes": ("治理主题及其分配", "Governance themes and their assignment to zones"),
    "translations": ("英文文本（非官方翻译）", "English text (unofficial translation)"),
    "ontology": ("本体", "The ontology"),
    "queries": ("示例查询", "Example queries"),
}


@dataclass(frozen=True)
class DatasetInfo:
    """What ``data/dataset.toml`` says about the dataset (keys checked when it is read)."""

    settings: dict[str, Any]
    base_iri: str


def describe_dataset(
    info: DatasetInfo, quads: list[ox.Quad], dumps: list[DumpFile], graph_names: dict[str, str]
) -> Graph:
    """VoID/DCAT for ``quads`` (the content graphs) and ``dumps``; no blank nodes."""
    iris = Iris(info.base_iri)
    g = Graph()
    dataset = iris.dataset
    _header(g, iris, info.settings)
    _statistics(g, dataset, quads, iris)
    for name, graph_iri in sorted(graph_names.items()):
        subset = URIRef(graph_iri)
        zh, en = GRAPH_TITLES.get(name, (name, name))
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, RDF.type, SD.NamedGraph))
        g.add((subset, SD.name, subset))
        g.add((subset, DCTERMS.title, Literal(zh, lang="zh")))
        g.add((subset, DCTERMS.title, Literal(en, lang="en")))
        g.add(
            (
                subset,
                VOID.triples,
                Literal(sum(1 for q in quads if str(q.graph_name) == f"<{graph_iri}>")),
            )
        )
        if name == "translations":
            g.add(
                (
                    subset,
                    DCTERMS.description,
                    Literal("本图中的英文文本均为本项目的非官方翻译。", lang="zh"),
                )
            )
            g.add(
                (
                    subset,
                    DCTERMS.description,
                    Literal(
                        "Every English text in this graph is the project's own, "
                        "unofficial translation.",
                        lang="en",
                    ),
                )
            )
        if name in ("notice", "translations"):
            g.add((subset, PROV.wasDerivedFrom, iris.notice))
    for dump in dumps:
        _distribution(g, iris, info, dump)
    return g


def _header(g: Graph, iris: Iris, settings: dict[str, Any]) -> None:
    dataset = iris.dataset
    for cls in (VOID.Dataset, DCAT.Dataset):
        g.add((dataset, RDF.type, cls))
    for key, predicate in (("title", DCTERMS.title), ("description", DCTERMS.description)):
        texts = settings[key]
        for lang in ("zh", "en"):
            g.add((dataset, predicate, Literal(str(texts[lang]), lang=lang)))
    g.add((dataset, DCTERMS.license, URIRef(str(settings["license"]))))
    g.add((dataset, DCTERMS.issued, Literal(str(settings["issued"]), datatype=XSD.date)))
    g.add((dataset, DCTERMS.modified, Literal(str(settings["modified"]), datatype=XSD.date)))
    g.add((dataset, DCAT.version, Literal(str(settings["version"]))))
    g.add((dataset, OWL.versionInfo, Literal(str(settings["version"]))))
    for lang in ("zh", "en"):
        for word in settings.get(f"keywords_{lang}", []):
            g.add((dataset, DCAT.keyword, Literal(str(word), lang=lang)))
        note = settings.get(f"source_license_note_{lang}")
        if note:
            g.add((dataset, DCTERMS.rights, Literal(str(note), lang=lang)))
    publisher = URIRef(f"{dataset}/publisher")
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(str(settings["publisher_name"]))))
    g.add((dataset, DCTERMS.source, iris.notice))
    g.add((dataset, PROV.wasDerivedFrom, iris.notice))
    g.add((dataset, DCTERMS.language, Literal("zh")))
    g.add((dataset, DCTERMS.language, Literal("en")))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{iris.base}sparql")))
    g.add((dataset, VOID.uriSpace, Literal(iris.base)))
    g.add((dataset, VOID.vocabulary, URIRef(str(CGKG))))
    g.add((dataset, VOID.rootResource, iris.designation))
    g.add((dataset, DCAT.theme, iris.scheme("themes")))


def _statistics(g: Graph, dataset: URIRef, quads: list[ox.Quad], iris: Iris) -> None:
    triples = {q.triple for q in quads}
    g.add((dataset, VOID.triples, Literal(len(triples))))
    g.add((dataset, VOID.distinctSubjects, Literal(len({t.subject for t in triples}))))
    g.add((dataset, VOID.distinctObjects, Literal(len({t.object for t in triples}))))
    g.add((dataset, VOID.properties, Literal(len({t.predicate for t in triples}))))
    classes = Counter(t.object for t in triples if t.predicate.value == str(RDF.type))
    g.add((dataset, VOID.classes, Literal(len(classes))))
    for cls, count in sorted(classes.items(), key=lambda item: str(item[0])):
        part = URIRef(f"{dataset}/class-partition/{_local(cls)}")
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls.value)))  # type: ignore[union-attr]
        g.add((part, VOID.entities, Literal(count)))
    properties = Counter(t.predicate for t in triples)
    for prop, count in sorted(properties.items(), key=lambda item: str(item[0])):
        part = URIRef(f"{dataset}/property-partition/{_local(prop)}")
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop.value)))
        g.add((part, VOID.triples, Literal(count)))


def _local(term: object) -> str:
    """A readable, unique path segment for a class or property IRI."""
    value = term.value if isinstance(term, ox.NamedNode) else str(term)
    for prefix, namespace in (("cgkg", CGKG), ("skos", SKOS), ("dcterms", DCTERMS)):
        if value.startswith(str(namespace)):
            return f"{prefix}-{value[len(str(namespace)) :]}"
    return "".join(c if c.isalnum() else "-" for c in value.split("://", 1)[-1]).strip("-")


def _distribution(g: Graph, iris: Iris, info: DatasetInfo, dump: DumpFile) -> None:
    file_name = dump.path.rsplit("/", 1)[-1]
    version = str(info.settings["version"])
    dist = iris.distribution(file_name)
    g.add((iris.dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(f"{file_name} ({dump.format})")))
    g.add((dist, DCAT.downloadURL, URIRef(f"{iris.base}dumps/{version}/{file_name}")))
    g.add((dist, DCAT.mediaType, URIRef(IANA + dump.media_type)))
    if dump.encoding == "gzip":
        g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    g.add((dist, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
    g.add((dist, DCTERMS.license, URIRef(str(info.settings["license"]))))
    checksum = URIRef(f"{dist}/sha256")
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    if dump.triples is not None:
        g.add((dist, VOID.triples, Literal(dump.triples)))
