"""IRIs from the authority tables catalogues expect: EU Vocabularies and IANA media types.

DCAT-AP 3 asks for ``dct:format`` from the EU file-type table, ``dcat:mediaType``
and ``dcat:compressFormat`` from IANA's register, ``dct:language`` and
``dct:spatial`` from the EU language and country tables, and ``dcat:theme``
from the EU data-theme table. A media type with no entry here gets no
``dct:format`` (the shapes then warn), never a guessed one.
"""

from __future__ import annotations

from rdflib import URIRef

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

FILE_TYPES = {
    "text/turtle": "RDF_TURTLE",
    "application/n-triples": "RDF_N_TRIPLES",
    "application/n-quads": "RDF_N_QUADS",
    "application/trig": "RDF_TRIG",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "text/csv": "CSV",
    "application/json": "JSON",
}

LANGUAGES = {"zh": "ZHO", "en": "ENG"}
"""Our language tags → the EU language table (ISO 639-2/B codes)."""

CHINA = URIRef(f"{EU}country/CHN")
DATA_THEME_SCHEME = URIRef(f"{EU}data-theme")
DATA_THEMES = {
    # code → the table's English label: what the dataset is about in the EU's terms
    "SOCI": "Population and society",
    "GOVE": "Government and public sector",
}
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
"""ADMS licence type of a licence that asks for attribution (CC BY)."""

SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")


def media_type(value: str) -> URIRef:
    return URIRef(IANA + value)


def file_type(value: str) -> URIRef | None:
    code = FILE_TYPES.get(value)
    return URIRef(f"{EU}file-type/{code}") if code else None


def language(tag: str) -> URIRef:
    return URIRef(f"{EU}language/{LANGUAGES[tag]}")


def data_theme(code: str) -> URIRef:
    return URIRef(f"{EU}data-theme/{code}")
