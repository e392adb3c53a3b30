"""Build settings: one frozen object per process, read from defaults, then ``KG_*`` variables."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE_IRI = "https://w3id.org/cgkg/"
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_WEB = re.compile(r"^https?://[^\s<>\"]+$")


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
    publisher_name: str = field(
        default="",
        metadata=_help("who publishes this build (default: publisher_name in data/dataset.toml)"),
    )
    publisher_url: str = field(default="", metadata=_help("the publisher's home page"))
    contact_name: str = field(
        default="", metadata=_help("name of the contact point in the dataset description")
    )
    contact_email: str = field(
        default="", metadata=_help("e-mail address of the contact point; none if empty")
    )
    contact_url: str = field(
        default="", metadata=_help("web page or form of the contact point; none if empty")
    )
    changelog: Path = field(
        default=PROJECT_ROOT / "CHANGELOG.md",
        metadata=_help("release notes, copied into the release and linked from its description"),
    )

    def __post_init__(self) -> None:
        if self.contact_email and not _EMAIL.match(self.contact_email):
            raise ValueError(f"KG_CONTACT_EMAIL is not an e-mail address: {self.contact_email!r}")
        for name in ("publisher_url", "contact_url"):
            value = getattr(self, name)
            if value and not _WEB.match(value):
                raise ValueError(f"KG_{name.upper()} is not an http(s) URL: {value!r}")

    @property
    def has_contact(self) -> bool:
        """Whether the operator named a way to reach the publisher (e-mail or web page)."""
        return bool(self.contact_email or self.contact_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> BuildSettings:
        """Defaults overridden by ``KG_<FIELD>`` environment variables."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"KG_{f.name.upper()}")
            if raw is None:
                continue
            if f.name.endswith("_dir") or f.name == "changelog":
                values[f.name] = Path(raw)
            elif f.name == "keep_releases":
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        return cls(**values)  # type: ignore[arg-type]
