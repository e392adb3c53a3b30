"""SERVICE allow-list: endpoints are resolved and compared before anything runs."""

from __future__ import annotations

import pytest

from server.errors import ServiceForbidden
from server.service_policy import check, service_endpoints

BASE = "https://w3id.org/cgkg/"


@pytest.mark.parametrize(
    ("query", "endpoints"),
    [
        ("SELECT * { ?s ?p ?o }", []),
        (
            "SELECT * { SERVICE <http://a.example/sparql> { ?s ?p ?o } }",
            ["http://a.example/sparql"],
        ),
        ("PREFIX e: <http://e.example/> ASK { SERVICE SILENT e:q { } }", ["http://e.example/q"]),
        ("BASE <http://b.example/x/> SELECT * { SERVICE <q> { } }", ["http://b.example/x/q"]),
        ("SELECT * { SERVICE <sparql> { } }", [BASE + "sparql"]),
        ("SELECT * { { SELECT * { SERVICE <http://n.example/> { } } } }", ["http://n.example/"]),
        (
            "ASK { FILTER EXISTS { SERVICE <http://f.example/> { ?s ?p ?o } } }",
            ["http://f.example/"],
        ),
        (
            "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://c.example/> { ?s ?p ?o } }",
            ["http://c.example/"],
        ),
        ("SELECT * { ?s ?p 'SERVICE <http://x/> {}' }", []),
    ],
)
def test_endpoints_are_found_and_resolved(query: str, endpoints: list[str]) -> None:
    assert service_endpoints(query, BASE) == endpoints


def test_variable_endpoint_cannot_be_checked() -> None:
    with pytest.raises(ValueError, match="variable"):
        service_endpoints("SELECT * { SERVICE ?where { ?s ?p ?o } }", BASE)


def test_query_without_the_word_passes_without_parsing() -> None:
    check("SELECT * { ?s ?p ?o", (), BASE)  # malformed, but no SERVICE: nothing to refuse


def test_endpoint_not_allowed_is_refused() -> None:
    with pytest.raises(ServiceForbidden, match=r"http://a\.example/sparql"):
        check("SELECT * { SERVICE <http://a.example/sparql> { } }", (), BASE)


def test_allowed_endpoint_passes() -> None:
    check("SELECT * { SERVICE <http://a.example/sparql> { } }", ("http://a.example/sparql",), BASE)


def test_allow_list_compares_exactly() -> None:
    with pytest.raises(ServiceForbidden):
        check(
            "SELECT * { SERVICE <http://a.example/sparql2> { } }",
            ("http://a.example/sparql",),
            BASE,
        )


def test_one_refused_endpoint_among_allowed_ones_is_refused() -> None:
    query = "SELECT * { SERVICE <http://ok.example/> { } SERVICE <http://no.example/> { } }"
    with pytest.raises(ServiceForbidden, match=r"no\.example"):
        check(query, ("http://ok.example/",), BASE)


def test_unparseable_query_mentioning_service_is_refused() -> None:
    with pytest.raises(ServiceForbidden, match="could not be checked"):
        check("SELECT * { SERVICE <http://a.example/> { ?s ?p", ("http://a.example/",), BASE)


def test_lowercase_keyword_is_caught() -> None:
    with pytest.raises(ServiceForbidden):
        check("select * { service <http://a.example/> { } }", (), BASE)
