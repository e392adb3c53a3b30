"""The one prefix map of the project; it is copied into the manifest for the server."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD

CGKG = Namespace("https://w3id.org/cgkg/ontology#")
# rdflib's own DCAT namespace predates DCAT 3 (no dcat:version).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = Namespace("https://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")

__all__ = [
    "ADMS",
    "CGKG",
    "DCAT",
    "DCTERMS",
    "ELI",
    "FOAF",
    "GEO",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SH",
    "SKOS",
    "SPDX",
    "TIME",
    "VCARD",
    "VOID",
    "WD",
    "XSD",
    "prefixes",
]


def prefixes(base_iri: str) -> dict[str, str]:
    """Prefix → namespace, including ``cgkg`` for the ontology and the data's own base."""
    return {
        "adms": str(ADMS),
        "cgkg": str(CGKG),
        "dcat": str(DCAT),
        "dcterms": str(DCTERMS),
        "eli": str(ELI),
        "foaf": str(FOAF),
        "geo": str(GEO),
        "org": str(ORG),
        "owl": str(OWL),
        "prov": str(PROV),
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "schema": str(SCHEMA),
        "sd": str(SD),
        "sh": str(SH),
        "skos": str(SKOS),
        "spdx": str(SPDX),
        "time": str(TIME),
        "vcard": str(VCARD),
        "void": str(VOID),
        "wd": str(WD),
        "xsd": str(XSD),
        "zone": f"{base_iri}zone/2015/",
        "division": f"{base_iri}division/",
        "theme": f"{base_iri}theme/",
    }
