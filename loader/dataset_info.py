"""What the description of the dataset is made from: the dataset's settings and release
history (:class:`DatasetInfo`), the description's own IRIs (:class:`Nodes`), and what every
described thing shares (texts in both languages, the coverage every release has)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from rdflib import Graph, Literal, URIRef

from loader import authorities as auth
from loader.iris import Iris
from loader.namespaces import DCAT, DCTERMS
from loader.releases import Release

__all__ = ["Contact", "DatasetInfo", "Download", "Nodes", "add_coverage", "add_texts"]


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


def add_texts(g: Graph, subject: URIRef, predicate: URIRef, zh: str, en: str) -> None:
    g.add((subject, predicate, Literal(zh, lang="zh")))
    g.add((subject, predicate, Literal(en, lang="en")))


def add_coverage(g: Graph, nodes: Nodes, info: DatasetInfo, subject: URIRef) -> None:
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
