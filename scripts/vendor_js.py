"""Copy the pinned browser libraries from node_modules/ into server/web/static/vendor/.

The server serves these files itself, so the query page works with no internet
access from the browser. Run after `npm ci`:

    npm ci --ignore-scripts && .venv/bin/python scripts/vendor_js.py

`--check` verifies that the committed copy matches package-lock.json and, when
node_modules/ is present, the installed files, without writing anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "server" / "web" / "static" / "vendor"


@dataclass(frozen=True)
class Bundle:
    package: str
    files: tuple[str, ...]  # paths inside the package

    @property
    def target(self) -> Path:
        return VENDOR / self.package.rsplit("/", 1)[-1]


BUNDLES = (Bundle("@zazuko/yasgui", ("build/yasgui.min.js", "build/yasgui.min.css")),)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def locked(package: str) -> dict[str, str]:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    entry: dict[str, str] = lock["packages"][f"node_modules/{package}"]
    return entry


def vendor(bundle: Bundle) -> None:
    source = ROOT / "node_modules" / bundle.package
    meta = json.loads((source / "package.json").read_text(encoding="utf-8"))
    lock = locked(bundle.package)
    if meta["version"] != lock["version"]:
        raise SystemExit(
            f"{bundle.package}: node_modules has {meta['version']}, lock pins "
            f"{lock['version']}: run npm ci"
        )
    bundle.target.mkdir(parents=True, exist_ok=True)
    hashes = {}
    for name in bundle.files:
        dest = bundle.target / Path(name).name
        shutil.copyfile(source / name, dest)
        hashes[dest.name] = sha256(dest)
    record = {
        "package": bundle.package,
        "version": lock["version"],
        "license": meta.get("license", ""),
        "integrity": lock["integrity"],
        "files": hashes,
    }
    (bundle.target / "VERSION.json").write_text(
        json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def check(bundle: Bundle) -> list[str]:
    problems = []
    record = json.loads((bundle.target / "VERSION.json").read_text(encoding="utf-8"))
    if record["version"] != locked(bundle.package)["version"]:
        problems.append(f"{bundle.package}: vendored {record['version']} is not the locked version")
    for name, digest in record["files"].items():
        if sha256(bundle.target / name) != digest:
            problems.append(f"{bundle.target / name}: sha256 differs from VERSION.json")
    installed = ROOT / "node_modules" / bundle.package
    if installed.is_dir():
        for name in bundle.files:
            if sha256(installed / name) != record["files"][Path(name).name]:
                problems.append(f"{name}: differs from node_modules: rerun this script")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="verify, do not write")
    args = parser.parse_args(argv)
    if args.check:
        problems = [p for b in BUNDLES for p in check(b)]
        for problem in problems:
            sys.stderr.write(problem + "\n")
        return 1 if problems else 0
    for bundle in BUNDLES:
        vendor(bundle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
