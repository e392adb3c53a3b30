"""ServerSettings: defaults, then KG_* variables, then flags; every setting documented."""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path

import pytest

from server.cli import add_arguments
from server.settings import ServerSettings, SettingsError, describe

DOCS = Path(__file__).resolve().parents[2] / "docs" / "server.md"


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_defaults_serve_the_build_folder_on_loopback() -> None:
    settings = ServerSettings()
    assert (settings.out_dir, settings.host, settings.port) == (Path("build"), "127.0.0.1", 8000)


def test_environment_overrides_defaults() -> None:
    settings = ServerSettings.from_env(
        {"KG_PORT": "9001", "KG_QUERY_TIMEOUT_S": "2.5", "KG_OUT_DIR": "/srv/kg"}
    )
    assert (settings.port, settings.query_timeout_s, settings.out_dir) == (
        9001,
        2.5,
        Path("/srv/kg"),
    )


def test_environment_list_is_comma_separated() -> None:
    settings = ServerSettings.from_env({"KG_SERVICE_ALLOWLIST": "http://a/sparql, http://b/q"})
    assert settings.service_allowlist == ("http://a/sparql", "http://b/q")


@pytest.mark.parametrize(("raw", "expected"), [("false", False), ("0", False), ("yes", True)])
def test_environment_booleans(raw: str, expected: bool) -> None:
    assert ServerSettings.from_env({"KG_ACCESS_LOG": raw}).access_log is expected


def test_flags_override_environment() -> None:
    settings = ServerSettings.from_env({"KG_PORT": "9001", "KG_WORKERS": "3"}).with_args(
        _args("--port", "9002", "--out", "/data/out")
    )
    assert (settings.port, settings.workers, settings.out_dir) == (9002, 3, Path("/data/out"))


def test_flags_left_out_keep_the_environment_value() -> None:
    settings = ServerSettings.from_env({"KG_PORT": "9001"}).with_args(_args())
    assert settings.port == 9001


def test_boolean_flag_can_switch_off() -> None:
    assert ServerSettings().with_args(_args("--no-access-log")).access_log is False


def test_unparseable_environment_value_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="KG_PORT"):
        ServerSettings.from_env({"KG_PORT": "eighty"})


@pytest.mark.parametrize("field", ["port", "workers", "query_processes"])
def test_counts_below_one_are_refused(field: str) -> None:
    with pytest.raises(SettingsError, match=field):
        ServerSettings.from_env({f"KG_{field.upper()}": "0"})


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ServerSettings().port = 1  # type: ignore[misc]


def test_every_setting_has_help() -> None:
    assert all(help_text.strip() for _, _, _, help_text in describe())


@pytest.mark.parametrize(("name", "env"), [(n, e) for n, e, _, _ in describe()])
def test_every_setting_is_documented(name: str, env: str) -> None:
    rows = [line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    assert any(re.search(rf"\| `{name}` \| `{env}` \|", row) for row in rows)


def test_a_header_timeout_over_granians_bound_is_refused() -> None:
    with pytest.raises(SettingsError, match="header_timeout_s"):
        ServerSettings.from_env({"KG_HEADER_TIMEOUT_S": "61"})
