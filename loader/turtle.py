"""Reading the hand-edited Turtle folders (ontology/, shapes/) with clear errors."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from loader.errors import BuildError, Problem


def read_turtle_dir(directory: Path, display: str) -> tuple[Graph, list[Path]]:
    """Every ``*.ttl`` file in ``directory`` merged; a syntax error names the file."""
    paths = sorted(directory.glob("*.ttl"))
    if not paths:
        raise BuildError([Problem("turtle-present", "no .ttl file", display)])
    graph = Graph()
    problems = []
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            problems.append(Problem("turtle-syntax", message[:300], f"{display}/{path.name}"))
    if problems:
        raise BuildError(problems)
    return graph, paths
