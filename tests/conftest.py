"""Shared fixtures: one build of the real data per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from loader.pipeline import BuildResult, build
from loader.settings import PROJECT_ROOT, BuildSettings
from tests.engines import Engine, publish_to, start_oxigraph, start_virtuoso


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current results instead of comparing",
    )


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def build_result(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The real data/ built once into a temporary build folder."""
    out = tmp_path_factory.mktemp("build")
    return build(BuildSettings(out_dir=out))


@pytest.fixture(scope="session")
def built_out(build_result: BuildResult) -> Path:
    """A build folder whose ``current`` is a release of the real data (docs/architecture.md)."""
    return build_result.release_dir.parent.parent


@pytest.fixture(scope="session")
def release_dir(build_result: BuildResult) -> Path:
    return build_result.release_dir


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory, built_out: Path) -> Iterator[Engine]:
    """Oxigraph's own server on 127.0.0.1, holding the real release (``cgkg publish``)."""
    engine = start_oxigraph(tmp_path_factory.mktemp("engine-logs"))
    try:
        publish_to(engine, built_out)
        yield engine
    finally:
        engine.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory, built_out: Path) -> Iterator[Engine]:
    """Virtuoso (Debian's, ``make engines``) on 127.0.0.1, holding the real release."""
    engine = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        publish_to(engine, built_out)
        yield engine
    finally:
        engine.stop()
