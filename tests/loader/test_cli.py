"""The ``cgkg`` command line, run as a real process."""

import csv
import io
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def cgkg(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "loader", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_help_lists_every_command():
    result = cgkg("--help")
    assert result.returncode == 0
    for command in ("build", "validate", "query", "stats", "serve"):
        assert command in result.stdout


def test_unknown_command_is_a_usage_error():
    assert cgkg("frobnicate").returncode == 2


def test_build_reports_progress_and_publishes(tmp_path):
    result = cgkg("build", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "cgkg: shacl" in result.stderr
    assert "published release" in result.stderr
    assert (tmp_path / "current" / "manifest.json").is_file()


def test_validate_publishes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_OUT_DIR", str(tmp_path / "out"))
    result = cgkg("validate")
    assert result.returncode == 0, result.stderr
    assert "conform" in result.stderr
    assert not (tmp_path / "out" / "current").exists()


def test_invalid_data_exits_1_naming_the_problem(tmp_path, project_root, monkeypatch):
    data = tmp_path / "data"
    subprocess.run(["cp", "-r", project_root / "data", data], check=True)
    zones = data / "zones.csv"
    zones.write_text(
        zones.read_text(encoding="utf-8").replace("110102,", "11010X,", 1), encoding="utf-8"
    )
    monkeypatch.setenv("KG_DATA_DIR", str(data))
    result = cgkg("build", "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "data/zones.csv:2: [code-format]" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("csv", lambda out: list(csv.reader(io.StringIO(out)))[1] == ["40"]),
        ("json", lambda out: json.loads(out)["results"]["bindings"][0]["n"]["value"] == "40"),
        ("tsv", lambda out: out.splitlines()[1].startswith('"40"') or out.splitlines()[1] == "40"),
        ("xml", lambda out: "<literal" in out and ">40<" in out),
    ],
)
def test_query_select_in_each_format(built_out, fmt, check):
    query = (
        "SELECT (COUNT(?z) AS ?n) WHERE { ?z a <https://w3id.org/cgkg/ontology#ExperimentalZone> }"
    )
    result = cgkg("query", query, "--format", fmt, "--out", built_out)
    assert result.returncode == 0, result.stderr
    assert check(result.stdout), result.stdout


def test_query_construct_from_a_file_as_turtle(built_out, project_root):
    result = cgkg(
        "query", "--file", project_root / "queries/08-construct-zone.rq", "--out", built_out
    )
    assert result.returncode == 0, result.stderr
    assert "210203" in result.stdout


def test_query_syntax_error_exits_2(built_out):
    result = cgkg("query", "SELEKT nothing", "--out", built_out)
    assert result.returncode == 2
    assert "syntax" in result.stderr


def test_query_without_a_build_says_so(tmp_path):
    result = cgkg("query", "ASK {}", "--out", tmp_path)
    assert result.returncode == 2
    assert "cgkg build" in result.stderr


def test_stats_prints_the_figures(built_out):
    result = cgkg("stats", "--out", built_out)
    assert result.returncode == 0
    figures = json.loads(result.stdout)
    assert figures["triples"] == sum(figures["graphs"].values())


def test_unknown_option_of_another_command_is_a_usage_error(built_out):
    result = cgkg("stats", "--port", "1", "--out", built_out)
    assert result.returncode == 2
    assert "--port" in result.stderr


def test_serve_passes_host_port_and_workers_to_the_server(built_out):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "loader",
            "serve",
            "--out",
            str(built_out),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert server.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not answer in 60 s"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_generate_writes_synthetic_data_that_build_refuses_under_the_real_iris(
    tmp_path, monkeypatch
):
    result = cgkg("generate", tmp_path / "data", "--scale", "1", "--seed", "5")
    assert result.returncode == 0, result.stderr
    assert "40 synthetic zones" in result.stderr
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "data"))
    refused = cgkg("build", "--out", tmp_path / "out", "--quiet")
    assert refused.returncode == 2
    assert "KG_BASE_IRI=https://synthetic.cgkg.invalid/" in refused.stderr
