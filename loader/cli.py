"""``cgkg``: build, validate, query and describe the knowledge graph; serve it.

Exit codes: 0 success; 1 the data does not conform (nothing published);
2 usage, input/output or query error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TypeAlias

import pyoxigraph as ox

from loader.errors import BuildError
from loader.pipeline import Timer, build, compile_graph
from loader.publish import Target, publish
from loader.settings import BuildSettings
from loader.synthetic import SYNTHETIC_BASE_IRI, write_synthetic

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
QUERY_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}


OUT_HELP = "build folder (default: $KG_OUT_DIR or ./build)"
# What add_subparsers returns; argparse gives the type no public name.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cgkg", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_build_commands(commands)
    _add_query_commands(commands)
    _add_publish_command(commands)
    _add_serve_commands(commands)
    return parser


def _add_build_commands(commands: Commands) -> None:
    p = commands.add_parser("build", help="build the graph, validate it, publish store and dumps")
    p.add_argument("--out", type=Path, help=OUT_HELP)
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")

    p = commands.add_parser("validate", help="check sources and SHACL shapes; publish nothing")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")

    p = commands.add_parser(
        "generate",
        help="write synthetic data shaped like data/, at a chosen scale, for benchmarks",
        description="Write a data folder of 40 x SCALE synthetic zones (loader/synthetic.py), "
        "under its own IRI space. Build it with KG_DATA_DIR=DIR KG_BASE_IRI="
        f"{SYNTHETIC_BASE_IRI} cgkg build --out OUT.",
    )
    p.add_argument("dir", type=Path, help="the data folder to write (new or empty)")
    p.add_argument("--scale", type=int, default=1, help="40 x SCALE zones (default 1)")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same bytes")


def _add_query_commands(commands: Commands) -> None:
    p = commands.add_parser("query", help="run a SPARQL query against the built store")
    p.add_argument("query", nargs="?", help="query text (or use --file, or - for stdin)")
    p.add_argument("--file", type=Path, help="read the query from this file")
    p.add_argument(
        "--format",
        choices=sorted({*QUERY_FORMATS, *GRAPH_FORMATS}),
        help="output format: json/xml/csv/tsv for SELECT and ASK (default csv), "
        "ttl/nt/jsonld/rdf for CONSTRUCT and DESCRIBE (default ttl)",
    )
    p.add_argument("--out", type=Path, help=OUT_HELP)

    p = commands.add_parser("stats", help="print the figures of the built release as JSON")
    p.add_argument("--out", type=Path, help=OUT_HELP)


def _add_publish_command(commands: Commands) -> None:
    p = commands.add_parser(
        "publish",
        help="write the current release into a SPARQL 1.1 store",
        description="Write every named graph of the current release into a SPARQL 1.1 store "
        "(Graph Store Protocol), switch them all in one SPARQL Update request, then check "
        "the store's triple count per graph. See docs/engines.md for each engine's URLs.",
    )
    p.add_argument("--to", required=True, metavar="URL", help="Graph Store Protocol endpoint")
    p.add_argument("--update", metavar="URL", help="SPARQL Update endpoint (default: --to)")
    p.add_argument("--query", metavar="URL", help="SPARQL query endpoint (default: --to)")
    p.add_argument("--timeout-s", type=float, default=300.0, help="per request (default 300)")
    p.add_argument(
        "--dry-run", action="store_true", help="say what would be written; write nothing"
    )
    p.add_argument("--out", type=Path, help=OUT_HELP)


def _add_serve_commands(commands: Commands) -> None:
    p = commands.add_parser(
        "serve",
        help="serve the built release",
        description="Serve the built release under granian. Every other option (--host, "
        "--port, --workers, limits…) goes to the server: see `python -m server --help`.",
    )
    p.add_argument("--out", type=Path, help=OUT_HELP)

    commands.add_parser(
        "rollout",
        help="roll a release out to replicas behind a load balancer, one at a time",
        description="`cgkg rollout run --config FILE RELEASE` or `cgkg rollout switch --out DIR "
        "RELEASE`: see `python -m deploy --help` and docs/deployment.md.",
        add_help=False,
    )


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, server_options = parser.parse_known_args(argv)
    if server_options and args.command not in PASSED_ON:
        parser.error(f"unrecognized arguments: {' '.join(server_options)}")
    args.server_options = server_options
    try:
        settings = BuildSettings.from_env()
        if getattr(args, "out", None):
            settings = replace(settings, out_dir=args.out)
        return int(COMMANDS[args.command](args, settings))
    except BuildError as exc:
        print(
            f"cgkg: the data does not conform ({len(exc.problems)} problem(s)); "
            "nothing was published:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    except (OSError, ValueError) as exc:
        print(f"cgkg: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _progress(args: argparse.Namespace) -> Timer:
    quiet = getattr(args, "quiet", False)
    return Timer(None if quiet else lambda step: print(f"cgkg: {step}", file=sys.stderr))


def _build(args: argparse.Namespace, settings: BuildSettings) -> int:
    timer = _progress(args)
    result = build(settings, timer.progress)
    figures = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    print(
        f"cgkg: published release {result.build_id} with {result.manifest['triples']} triples "
        f"at {settings.out_dir / 'current'} ({figures})",
        file=sys.stderr,
    )
    return EXIT_OK


def _validate(args: argparse.Namespace, settings: BuildSettings) -> int:
    compiled = compile_graph(settings, _progress(args))
    print(f"cgkg: valid: {len(compiled.quads)} quads conform to the shapes", file=sys.stderr)
    return EXIT_OK


def _generate(args: argparse.Namespace, settings: BuildSettings) -> int:
    zones = write_synthetic(args.dir, args.scale, args.seed)
    print(
        f"cgkg: wrote {zones} synthetic zones to {args.dir}; build them with "
        f"KG_DATA_DIR={args.dir} KG_BASE_IRI={SYNTHETIC_BASE_IRI} cgkg build --out OUT",
        file=sys.stderr,
    )
    return EXIT_OK


def _release(settings: BuildSettings) -> Path:
    current = settings.out_dir / "current"
    if not (current / "manifest.json").is_file():
        raise FileNotFoundError(f"no built release in {settings.out_dir}: run `cgkg build` first")
    return current


def _query(args: argparse.Namespace, settings: BuildSettings) -> int:
    if args.file:
        text = args.file.read_text(encoding="utf-8")
    elif args.query in (None, "-"):
        text = sys.stdin.read()
    else:
        text = args.query
    store = ox.Store.read_only(str(_release(settings) / "store"))
    try:
        result = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        print(f"cgkg: query syntax error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(result, ox.QueryTriples):
        fmt = GRAPH_FORMATS.get(args.format or "ttl")
        if fmt is None:
            raise ValueError(f"--format {args.format} is for SELECT/ASK; use ttl, nt, jsonld, rdf")
        sys.stdout.buffer.write(result.serialize(format=fmt) or b"")
    else:
        results_format = QUERY_FORMATS.get(args.format or "csv")
        if results_format is None:
            raise ValueError(f"--format {args.format} is for CONSTRUCT; use json, xml, csv, tsv")
        sys.stdout.buffer.write(result.serialize(format=results_format) or b"")
    return EXIT_OK


def _stats(args: argparse.Namespace, settings: BuildSettings) -> int:
    manifest = json.loads((_release(settings) / "manifest.json").read_text(encoding="utf-8"))
    keys = ("dataset_version", "build_id", "built_at", "triples", "graphs")
    figures = {key: manifest[key] for key in keys}
    figures["dumps"] = {d["path"]: d["bytes"] for d in manifest["dumps"]}
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return EXIT_OK


def _rollout(args: argparse.Namespace, settings: BuildSettings) -> int:
    argv = [sys.executable, "-m", "deploy", *args.server_options]
    os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with the rollout
    return EXIT_OK  # pragma: no cover - execv does not return


def _say(line: str) -> None:
    print(f"cgkg: {line}", file=sys.stderr)


def _publish(args: argparse.Namespace, settings: BuildSettings) -> int:
    target = Target(args.to, args.update or args.to, args.query or args.to, args.timeout_s)
    release = _release(settings).resolve()
    held = publish(release, target, args.dry_run, _say)
    verb = "now holds" if not args.dry_run else "holds (dry run, nothing written)"
    figures = ", ".join(f"<{g}> {n}" for g, n in sorted(held.items())) or "none of its graphs"
    print(f"cgkg: the store {verb} release {release.name}: {figures}", file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace, settings: BuildSettings) -> int:
    options = [a for a in args.server_options if a != "--"]
    argv = [sys.executable, "-m", "server", "--out", str(settings.out_dir), *options]
    os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with the server
    return EXIT_OK  # pragma: no cover - execv does not return


COMMANDS = {
    "build": _build,
    "validate": _validate,
    "generate": _generate,
    "query": _query,
    "stats": _stats,
    "publish": _publish,
    "serve": _serve,
    "rollout": _rollout,
}
PASSED_ON = ("serve", "rollout")  # their own options go to `python -m server` / `-m deploy`
