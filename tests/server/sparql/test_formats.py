"""Content negotiation tables: q-values, wildcards, specificity, exclusions, charset, format=."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.sparql.formats import (
    FORMATS,
    RDF_FORMATS,
    RESOURCE_FORMATS,
    SOLUTION_FORMATS,
    Format,
    best_media_type,
    choose,
    format_for_extension,
    parse_accept,
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("", "json"),
        ("*/*", "json"),
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("application/json", "json"),
        ("application/xml", "xml"),
        ("text/csv;q=0.5, text/tab-separated-values", "tsv"),
        ("application/sparql-results+json;q=0.1, application/sparql-results+xml;q=0.9", "xml"),
        ("text/*", "csv"),
        ("text/*;q=0.5, */*;q=0.1", "csv"),
        ("application/sparql-results+json;q=0, */*", "xml"),
        ("*/*;q=0.1, text/tab-separated-values;q=0.2", "tsv"),
        ("application/sparql-results+json; charset=utf-8", "json"),
        ("application/sparql-results+json; charset=latin1, text/csv;q=0.1", "csv"),
        ("APPLICATION/SPARQL-RESULTS+XML", "xml"),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", "xml"),
        ("garbage, text/csv", "csv"),
    ],
)
def test_solution_format_for_accept(accept: str | None, expected: str) -> None:
    chosen = choose(accept, SOLUTION_FORMATS)
    assert chosen is not None
    assert chosen.name == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "turtle"),
        ("*/*", "turtle"),
        ("application/n-triples", "ntriples"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ("application/rdf+xml", "rdfxml"),
        ("application/xml", "rdfxml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
        ("text/n3", "n3"),
        ("application/x-turtle", "turtle"),
        ("text/plain", "ntriples"),
        ("text/turtle;q=0.2, application/rdf+xml;q=0.8", "rdfxml"),
    ],
)
def test_rdf_format_for_accept(accept: str | None, expected: str) -> None:
    chosen = choose(accept, RDF_FORMATS)
    assert chosen is not None
    assert chosen.name == expected


@pytest.mark.parametrize(
    ("accept", "formats"),
    [
        ("image/png", SOLUTION_FORMATS),
        ("image/png", RDF_FORMATS),
        ("text/turtle", SOLUTION_FORMATS),
        ("application/sparql-results+json", RDF_FORMATS),
        ("application/sparql-results+json;q=0", SOLUTION_FORMATS),
        ("text/turtle;q=0", RDF_FORMATS),
    ],
)
def test_nothing_acceptable_is_none(accept: str, formats: tuple[Format, ...]) -> None:
    assert choose(accept, formats) is None


@pytest.mark.parametrize(
    ("values", "solutions", "graph"),
    [
        (("json",), "json", "jsonld"),
        (("xml",), "xml", "rdfxml"),
        (("csv",), "csv", "turtle"),  # no graph format: the header's choice
        (("tsv", "text/tab-separated-values"), "tsv", "turtle"),
        (("ttl",), "json", "turtle"),
        (("text/turtle",), "json", "turtle"),
        (("rdf+xml", "application/rdf+xml"), "json", "rdfxml"),
        (("srj",), "json", "turtle"),
        (("json-ld", ""), "json", "jsonld"),  # SPARQLWrapper's pair for JSON-LD
        (("nonsense",), None, None),
    ],
)
def test_format_parameter_overrides_a_wildcard_accept(
    values: tuple[str, ...], solutions: str | None, graph: str | None
) -> None:
    sol = choose("text/html, */*;q=0.8", SOLUTION_FORMATS, values)
    rdf = choose("text/html, */*;q=0.8", RDF_FORMATS, values)
    assert (sol.name if sol else None, rdf.name if rdf else None) == (solutions, graph)


def test_format_parameter_does_not_override_a_compatible_accept() -> None:
    chosen = choose("application/sparql-results+xml", SOLUTION_FORMATS, ("json",))
    assert chosen is not None
    assert chosen.name == "xml"


def test_format_parameter_the_accept_header_also_takes_wins() -> None:
    accept = "text/csv, application/sparql-results+json;q=0.5"
    chosen = choose(accept, SOLUTION_FORMATS, ("json",))
    assert chosen is not None
    assert chosen.name == "json"


def test_format_parameter_overrides_an_accept_naming_nothing_of_its_kind() -> None:
    chosen = choose("text/turtle", SOLUTION_FORMATS, ("csv",))
    assert chosen is not None
    assert chosen.name == "csv"


def test_format_parameter_of_another_kind_leaves_the_choice_to_accept() -> None:
    """SPARQLWrapper sends ``format=turtle`` and ``Accept: */*`` for a SELECT."""
    chosen = choose("*/*", SOLUTION_FORMATS, ("turtle", "turtle"))
    assert chosen is not None
    assert chosen.name == "json"


def test_format_parameter_of_another_kind_with_an_incompatible_accept_is_none() -> None:
    assert choose("text/turtle", SOLUTION_FORMATS, ("n3",)) is None


def test_media_type_with_higher_quality_wins() -> None:
    accept = "text/html;q=0.9, text/turtle"
    assert best_media_type(accept, ["text/html", "text/turtle"]) == "text/turtle"


def test_server_order_breaks_ties() -> None:
    assert best_media_type("*/*", ["text/turtle", "text/html"]) == "text/turtle"


def test_a_range_with_an_unreadable_quality_is_ignored_not_the_header() -> None:
    chosen = choose("text/csv;q=7, text/tab-separated-values;q=0.5", SOLUTION_FORMATS)
    assert chosen is not None
    assert chosen.name == "tsv"


def test_ranges_for_another_charset_are_dropped() -> None:
    assert [item for item, _ in parse_accept("text/csv;charset=latin1, text/plain")] == [
        "text/plain"
    ]


def test_every_format_is_in_the_one_table_with_its_writer_and_registry_iri() -> None:
    assert {f.name for f in FORMATS} == {f.name for f in SOLUTION_FORMATS + RDF_FORMATS}
    assert all(f.registry_iri.startswith("http://www.w3.org/ns/formats/") for f in FORMATS)
    assert {f.name for f in RESOURCE_FORMATS} == {"turtle", "ntriples", "jsonld", "rdfxml"}


@pytest.mark.parametrize(
    ("extension", "name"), [("ttl", "turtle"), (".nt", "ntriples"), ("rdf", "rdfxml")]
)
def test_format_for_extension(extension: str, name: str) -> None:
    fmt = format_for_extension(extension)
    assert fmt is not None
    assert fmt.name == name


def test_every_format_declares_utf8() -> None:
    assert all(f.content_type.endswith("charset=utf-8") for f in SOLUTION_FORMATS + RDF_FORMATS)


_ACCEPT_PIECES = st.sampled_from(
    [
        "text/html",
        "*/*",
        "application/*",
        "text/turtle",
        ";q=",
        "0.5",
        ",",
        ";",
        "=",
        " ",
        "q",
        "charset=utf-8",
        "*",
        "/",
        "nan",
        "-1",
        "1e9",
        '"',
        "\u00e9",
        "\x00",
        "text/csv;q=1.0",
    ]
)
_ACCEPTS = st.one_of(st.text(max_size=200), st.lists(_ACCEPT_PIECES, max_size=40).map("".join))


@settings(max_examples=300, deadline=None)
@given(_ACCEPTS, st.lists(st.text(max_size=20), max_size=3))
def test_negotiation_never_fails_on_any_accept_header(accept: str, params: list[str]) -> None:
    chosen = choose(accept, SOLUTION_FORMATS, params)
    assert chosen is None or chosen in SOLUTION_FORMATS
    assert best_media_type(accept, ("text/plain", "text/html")) in (None, "text/plain", "text/html")
