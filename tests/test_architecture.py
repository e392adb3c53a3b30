"""Rules of the code base that keep it easy to carry on."""

import ast
from dataclasses import fields
from pathlib import Path

import pytest

from loader.settings import BuildSettings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("loader", "server")


def python_files(package):
    return sorted((ROOT / package).rglob("*.py"))


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("path", python_files("server"), ids=lambda p: p.name)
def test_server_never_imports_the_loader(path):
    assert not [m for m in imported_modules(path) if m == "loader" or m.startswith("loader.")]


@pytest.mark.parametrize("path", python_files("loader"), ids=lambda p: p.name)
def test_loader_never_imports_the_server(path):
    assert not [m for m in imported_modules(path) if m == "server" or m.startswith("server.")]


@pytest.mark.parametrize(
    "path",
    [p for package in PACKAGES for p in python_files(package) if p.name != "settings.py"],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_only_settings_modules_read_the_environment(path):
    source = path.read_text(encoding="utf-8")
    assert "os.environ" not in source
    assert "getenv" not in source


@pytest.mark.parametrize("setting", [f.name for f in fields(BuildSettings)])
def test_every_build_setting_is_documented(setting):
    assert f"KG_{setting.upper()}" in (ROOT / "docs/build.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme
    assert "make test" in readme


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")


def server_folders():
    return sorted({p.parent for p in python_files("server")})


@pytest.mark.parametrize("folder", server_folders(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_server_folder_holds_more_than_12_modules(folder):
    assert len(list(folder.glob("*.py"))) <= 12


@pytest.mark.parametrize("path", python_files("server"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_server_module_is_over_300_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300


def long_functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > 40:
                yield f"{node.name} ({length} lines)"


@pytest.mark.parametrize(
    "path",
    [*python_files("server"), *python_files("loader"), *python_files("deploy")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_function_of_the_product_is_over_40_lines(path):
    assert list(long_functions(path)) == []


@pytest.mark.parametrize(
    "path", python_files("server/sparql"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_sparql_endpoint_never_imports_the_web_site(path):
    assert not [m for m in imported_modules(path) if m.startswith("server.web")]


def test_server_is_cut_into_the_sparql_web_and_http_packages():
    assert {p.name for p in (ROOT / "server").iterdir() if (p / "__init__.py").exists()} >= {
        "sparql",
        "web",
        "http",
    }


@pytest.mark.parametrize(
    "path",
    [p for package in PACKAGES for p in python_files(package)],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_neither_loader_nor_server_imports_the_deployment_tools(path):
    assert not [m for m in imported_modules(path) if m == "deploy" or m.startswith("deploy.")]
