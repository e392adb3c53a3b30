"""SERVICE allow-list: endpoints are resolved and compared before anything runs."""

from __future__ import annotations

import contextlib

import pyoxigraph as ox
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from server.errors import ServiceForbidden
from server.sparql.service_policy import check, mentions_service, service_endpoints

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


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p ?o } # a public service platform",
        "SELECT * { ?s ?p 'community service' }",
        'SELECT * { ?s ?p """multi\nline service\n""" }',
        "SELECT * { ?s ?p <http://example.org/service> }",
        'SELECT * { ?s ?p "a \\" service" }',
    ],
)
def test_word_in_comments_strings_and_iris_is_not_a_keyword(query: str) -> None:
    assert mentions_service(query) is False


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://a/> { } }",
        "SELECT * {\n  sErViCe <http://a/> { } }",
        "SELECT * { ?s <http://p/> 'x' . SERVICE <http://a/> { } }",
        # An escaped quote in a local name must not start a string hiding the clause.
        "PREFIX e: <http://e/> SELECT * { ?s e:a\\'b ?o . SERVICE <http://a/> { } ?s e:c\\'d ?o }",
        # An escaped hash in a local name must not start a comment hiding the clause.
        "PREFIX e: <http://e/> SELECT * { ?s e:a\\#b ?o . SERVICE <http://a/> { } }",
        # A less-than between variables is not an IRI swallowing the clause.
        "SELECT * { ?a ?b ?c FILTER(?c<?a) SERVICE <http://a/> { } }",
        # An unterminated quote keeps the rest of the text in view.
        "SELECT * { ?s ?p 'x\n SERVICE <http://a/> { } }",
    ],
)
def test_keyword_in_code_is_found(query: str) -> None:
    assert mentions_service(query) is True


def test_comment_mentioning_service_needs_no_allow_list() -> None:
    check("SELECT * { ?s ?p ?o } # service innovation zones", (), BASE)


def test_a_query_nested_too_deeply_to_read_is_refused_not_a_crash() -> None:
    deep = "SELECT * WHERE " + "{ " * 200 + "SERVICE <http://a/> { ?s ?p ?o }" + " }" * 200
    with pytest.raises(ServiceForbidden, match="nests too deeply"):
        check(deep, (), "https://w3id.org/cgkg/")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?leak WHERE { OPTIONAL { ?a ?b <http://a/\\u0041#> } "
        "SERVICE <http://127.0.0.1:1/sparql> { ?leak ?p ?o } }",
        "SELECT * { SERV\\u0049CE <http://127.0.0.1:1/sparql> { } }",
        "SELECT * { ?s ?p '\\u0027 . SERVICE <http://127.0.0.1:1/sparql> { } } #' }",
    ],
)
def test_codepoint_escapes_are_read_before_the_check(query: str) -> None:
    with pytest.raises(ServiceForbidden):  # refused, whether rdflib reads it or not
        check(query, ("http://a.example/",), BASE)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service ?p ?o }",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:service ?o }",
        "PREFIX service: <http://e/> SELECT * { ?s service:x ?o }",
    ],
)
def test_names_that_contain_the_word_are_not_the_keyword(query: str) -> None:
    assert mentions_service(query) is False


def test_a_long_query_using_service_is_refused_unread() -> None:
    query = "SELECT * { SERVICE <http://a.example/> { ?s ?p ?o } }" + " " * 9000 + "#"
    with pytest.raises(ServiceForbidden, match="calls no SERVICE endpoint"):
        check(query, (), BASE)
    with pytest.raises(ServiceForbidden, match="longer than"):
        check(query, ("http://a.example/",), BASE)


# Property: whatever spelling pyoxigraph reads as a SERVICE clause, the check refuses it.
# Endpoints use port 9, which pyoxigraph's client refuses to connect to (a "bad port"), so
# evaluating the generated queries to learn whether they parse never opens a connection.


def _escaped(text: str, draw_bools: list[bool]) -> str:
    out = []
    for char, escape in zip(text, draw_bools, strict=False):
        out.append(f"\\u{ord(char):04X}" if escape else char)
    out.append(text[len(draw_bools) :])
    return "".join(out)


_GAPS = st.sampled_from([" ", "\n", "\t", " #c\n", "\r\n", "  #'\"<\n"])
_DECOYS = st.sampled_from(
    [
        "",
        "?a ?b 'x#y' . ",
        '?a ?b "it\'s" . ',
        "?a ?b <http://a/\\u0041#> . ",
        "?a ?b '''#''' . ",
        "?service ?p ?o . ",
        "?a <urn:service> ?o . ",
        "# SERVICE\n",
        '?a ?b "\\"#" . ',
    ]
)


@st.composite
def service_queries(draw: st.DrawFn) -> str:
    keyword = "".join(c.upper() if draw(st.booleans()) else c for c in "service")
    keyword = _escaped(keyword, draw(st.lists(st.booleans(), max_size=7)))
    if draw(st.booleans()):
        keyword += draw(_GAPS) + "SILENT"
    endpoint, prologue = draw(
        st.sampled_from(
            [
                ("<http://127.0.0.1:9/sparql>", ""),
                ("<http://127.1:9/sparql>", ""),
                ("<http://[::1]:9/sparql>", ""),
                ("<http://0x7f000001:9/s>", ""),
                ("<file:///etc/passwd>", ""),
                ("p:sparql", "PREFIX p: <http://127.0.0.1:9/> "),
                ("<sparql>", "BASE <http://127.0.0.1:9/> "),
                ("?endpoint", ""),
            ]
        )
    )
    endpoint = _escaped(endpoint, draw(st.lists(st.booleans(), max_size=len(endpoint))))
    inner = f"{keyword}{draw(_GAPS)}{endpoint}{draw(_GAPS)}{{ ?s ?p ?o }}"
    if draw(st.booleans()):
        inner = f"{{ SELECT * WHERE {{ {inner} }} }}"
    return f"{prologue}SELECT * WHERE {{ {draw(_DECOYS)}{inner} }}"


def _parses(query: str) -> bool:
    try:
        list(ox.Store().query(query))  # type: ignore[arg-type]
    except SyntaxError:
        return False
    except (OSError, RuntimeError, ValueError):
        return True  # parsed, then the SERVICE call failed without connecting
    return True


@settings(max_examples=150, deadline=None)
@given(service_queries())
def test_no_spelling_of_a_service_clause_gets_past_the_check(query: str) -> None:
    assume(_parses(query))
    with pytest.raises(ServiceForbidden):
        check(query, ("http://allowed.example/sparql",), BASE)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_the_check_only_ever_refuses_with_a_403(text: str) -> None:
    with contextlib.suppress(ServiceForbidden):
        check(text, (), BASE)
