"""The example queries in queries/: header, syntax, and results pinned by golden files.

Golden files live in tests/golden/queries/<stem>.<ext>:

- SELECT: ``.srj``, JSON with the variables, whether the query orders its rows, and one
  row per line, each term in N-Triples form (``null`` when unbound). Rows of a query
  without ORDER BY are sorted, so only an ORDER BY query pins an order.
- ASK: ``.json``, ``{"boolean": true}``.
- CONSTRUCT/DESCRIBE: ``.nt``, the triples as sorted N-Triples lines.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest

from server.kg import KnowledgeGraph
from server.release import Lease
from server.search.functions import Function, SearchFunctions
from server.search.index import open_index
from server.sparql.execution.remote import RemoteStore
from tests.engines import Engine

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "queries"
QUERIES = sorted(QUERY_DIR.glob("*.rq"))
VIOLATIONS = [path for path in QUERIES if path.stem.endswith("-violation")]
GOLDEN_EXTENSIONS = (".srj", ".json", ".nt")

HEADER_KEYS = ("title@zh", "title@en", "description@zh", "description@en")
HEADER_LINE = re.compile(r"^# (?P<key>[a-z]+@[a-z]+): (?P<value>\S.*)$")
FILE_NAME = re.compile(r"^[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.rq$")
ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
# The endpoint's extension functions, for parsing only (an empty store never calls them).
NO_OP: dict[pyoxigraph.NamedNode, Function] = {
    pyoxigraph.NamedNode(f"https://w3id.org/cgkg/search#{name}"): lambda *_: None
    for name in ("score", "snippet")
}
UPDATE_HINT = "rerun with `pytest --update-golden` to accept the new result"


def _ids(paths: list[Path]) -> list[str]:
    return [path.stem for path in paths]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _orders_its_rows(query: str) -> bool:
    """Whether the outermost query has ORDER BY.

    Solution modifiers of the outermost query follow its last closing brace; an ORDER BY
    inside a subquery comes before it. Comment lines are dropped first.
    """
    code = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))
    return bool(ORDER_BY.search(code[code.rfind("}") :]))


def _term(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, pyoxigraph.BlankNode):
        # Blank-node labels change from run to run; the model mints none.
        raise AssertionError(f"a golden result cannot hold a blank node: {term}")
    return str(term)


def _render_select(solutions: pyoxigraph.QuerySolutions, ordered: bool) -> str:
    variables = solutions.variables
    rows = [
        json.dumps([_term(solution[variable]) for variable in variables], ensure_ascii=False)
        for solution in solutions
    ]
    if not ordered:
        rows.sort()
    header = json.dumps([variable.value for variable in variables], ensure_ascii=False)
    lines = ["{", f' "variables": {header},', f' "ordered": {json.dumps(ordered)},']
    if rows:
        lines += [' "rows": [', ",\n".join(f"  {row}" for row in rows), " ]"]
    else:
        lines.append(' "rows": []')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _render_triples(result: pyoxigraph.QueryTriples | list[pyoxigraph.Triple]) -> str:
    triples = list(result)
    for triple in triples:
        for term in (triple.subject, triple.object):
            _term(term)
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    lines = sorted((data or b"").decode("utf-8").splitlines())
    return "".join(f"{line}\n" for line in lines)


def _render(result: object, query: str) -> tuple[str, str]:
    """The canonical text of a query result and the golden file extension for its kind."""
    if isinstance(result, pyoxigraph.QueryBoolean):
        return json.dumps({"boolean": bool(result)}) + "\n", ".json"
    if isinstance(result, pyoxigraph.QueryTriples | list):
        return _render_triples(result), ".nt"
    assert isinstance(result, pyoxigraph.QuerySolutions)
    return _render_select(result, _orders_its_rows(query)), ".srj"


class _Store:
    """The built store, with the endpoint's extension functions (full-text search)."""

    def __init__(self, built_out: Path) -> None:
        self._store = pyoxigraph.Store.read_only(str(built_out / "current" / "store"))
        kg = KnowledgeGraph.open(Lease.current(built_out))
        index = open_index(kg)
        assert index is not None
        self._functions = SearchFunctions(lambda: index).table()

    def query(self, text: str, use_default_graph_as_union: bool) -> object:
        return self._store.query(
            text,
            use_default_graph_as_union=use_default_graph_as_union,
            custom_functions=self._functions,
        )


@pytest.fixture(scope="session")
def query_store(built_out: Path) -> _Store:
    return _Store(built_out)


def test_there_are_example_queries() -> None:
    assert len(QUERIES) >= 14


@pytest.mark.parametrize("path", QUERIES, ids=_ids(QUERIES))
def test_file_name_is_number_and_slug(path: Path) -> None:
    assert FILE_NAME.match(path.name), f"{path.name} is not NN-slug.rq"


@pytest.mark.parametrize("path", QUERIES, ids=_ids(QUERIES))
def test_header_has_titles_and_descriptions(path: Path) -> None:
    first_lines = _text(path).splitlines()[: len(HEADER_KEYS)]
    keys = [match["key"] for line in first_lines if (match := HEADER_LINE.match(line))]
    expected = ", ".join(f"'# {key}: ...'" for key in HEADER_KEYS)
    assert tuple(keys) == HEADER_KEYS, f"{path.name} must start with the lines {expected}"


@pytest.mark.parametrize("path", QUERIES, ids=_ids(QUERIES))
def test_parses(path: Path) -> None:
    # pyoxigraph parses while it evaluates; an empty store makes evaluation trivial.
    pyoxigraph.Store().query(_text(path), use_default_graph_as_union=True, custom_functions=NO_OP)


@pytest.mark.parametrize("path", QUERIES, ids=_ids(QUERIES))
def test_result_matches_golden(
    path: Path, query_store: _Store, request: pytest.FixtureRequest
) -> None:
    query = _text(path)
    actual, extension = _render(query_store.query(query, use_default_graph_as_union=True), query)
    golden = GOLDEN_DIR / f"{path.stem}{extension}"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    _compare(path, golden, actual)


@pytest.fixture(scope="session")
def published_store(oxigraph_server: Engine, built_out: Path) -> Iterator[RemoteStore]:
    """Oxigraph's server holding the release, queried as the server fronting it queries."""
    store = RemoteStore(oxigraph_server.query, 30.0)
    yield store
    store.close()


# The full-text search functions are this endpoint's own: no other engine has them.
PORTABLE = [p for p in QUERIES if "https://w3id.org/cgkg/search#" not in _text(p)]


@pytest.mark.parametrize("path", PORTABLE, ids=_ids(PORTABLE))
def test_result_on_oxigraph_server_matches_golden(
    path: Path, published_store: RemoteStore, built_out: Path
) -> None:
    """After `cgkg publish`, the engine answers every example query as the embedded store."""
    manifest = json.loads((built_out / "current" / "manifest.json").read_text(encoding="utf-8"))
    graphs = sorted(manifest["graphs"])
    query = _text(path)
    result = published_store.query(query, default_graphs=graphs, named_graphs=graphs)
    actual, extension = _render(result, query)
    _compare(path, GOLDEN_DIR / f"{path.stem}{extension}", actual)


def _compare(path: Path, golden: Path, actual: str) -> None:
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=str(golden),
                tofile=f"result of {path.name}",
            )
        )
        pytest.fail(f"{path.name} differs from {golden.name}:\n{diff}\n{UPDATE_HINT}")


@pytest.mark.parametrize("path", VIOLATIONS, ids=_ids(VIOLATIONS))
def test_violation_query_finds_nothing(path: Path, query_store: _Store) -> None:
    result = query_store.query(_text(path), use_default_graph_as_union=True)
    assert isinstance(result, pyoxigraph.QuerySolutions), f"{path.name} must be a SELECT"
    rows = [[_term(solution[v]) for v in result.variables] for solution in result]
    assert rows == [], f"{path.name} found violations:\n" + "\n".join(map(str, rows))


@pytest.mark.parametrize(
    "golden",
    sorted(p for p in GOLDEN_DIR.glob("*") if p.suffix in GOLDEN_EXTENSIONS),
    ids=lambda p: p.name,
)
def test_golden_file_has_a_query(golden: Path) -> None:
    assert (QUERY_DIR / f"{golden.stem}.rq").exists(), f"{golden.name} has no query: delete it"


def test_english_check_also_finds_untagged_english() -> None:
    """queries/94 flags English text with no language tag, not only text tagged en."""
    graph = pyoxigraph.NamedNode("https://w3id.org/cgkg/graph/divisions")
    subject = pyoxigraph.NamedNode("https://w3id.org/cgkg/division/330103/change/2021-04")
    store = pyoxigraph.Store()
    for predicate, value in (
        ("http://purl.org/dc/terms/source", "provincial notice of 2021-04-09"),
        ("https://w3id.org/cgkg/ontology#changeKind", "merged-into"),  # a code, not text
        ("http://www.w3.org/2000/01/rdf-schema#comment", "下城区和拱墅区撤销"),
    ):
        quad = pyoxigraph.Quad(
            subject, pyoxigraph.NamedNode(predicate), pyoxigraph.Literal(value), graph
        )
        store.add(quad)
    query = _text(QUERY_DIR / "94-english-outside-translations-violation.rq")
    result = store.query(query)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    assert [row["literal"] for row in result] == [
        pyoxigraph.Literal("provincial notice of 2021-04-09")
    ]
