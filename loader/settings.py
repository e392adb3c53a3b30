"""Build settings: one frozen object per process, read from defaults, then ``KG_*`` variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE_IRI = "https://w3id.org/cgkg/"


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class BuildSettings:
    """Where the build reads its inputs and writes its release."""

    data_dir: Path = field(
        default=PROJECT_ROOT / "data", metadata=_help("curated sources and the notice")
    )
    ontology_dir: Path = field(
        default=PROJECT_ROOT / "ontology", metadata=_help("OWL ontology, Turtle files")
    )
    shapes_dir: Path = field(
        default=PROJECT_ROOT / "shapes", metadata=_help("SHACL shapes, Turtle files")
    )
    queries_dir: Path = field(
        default=PROJECT_ROOT / "queries", metadata=_help("example SPARQL queries (*.rq)")
    )
    out_dir: Path = field(
        default=PROJECT_ROOT / "build", metadata=_help("build folder holding releases/ and current")
    )
    base_iri: str = field(
        default=DEFAULT_BASE_IRI, metadata=_help("canonical base IRI of every resource")
    )
    keep_releases: int = field(
        default=2, metadata=_help("how many published releases to keep in the build folder")
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> BuildSettings:
        """Defaults overridden by ``KG_<FIELD>`` environment variables."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"KG_{f.name.upper()}")
            if raw is None:
                continue
            if f.name.endswith("_dir"):
                values[f.name] = Path(raw)
            elif f.name == "keep_releases":
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        return cls(**values)  # type: ignore[arg-type]
