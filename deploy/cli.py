"""``cgkg rollout``: move replicas to a new release; switch one machine's ``current``.

    cgkg rollout run --config deploy.toml RELEASE [--timeout-s 120]
    cgkg rollout switch --out /srv/cgkg/build RELEASE

``run`` rolls ``RELEASE`` out to every replica the file lists (:mod:`deploy.rollout`);
``switch`` points one build folder's ``current`` at ``releases/RELEASE`` after
verifying it (what ``run`` does for a local replica, and what a replica's
``switch`` command runs on its own machine).

Exit codes: 0 done; 1 the rollout stopped or the switch was refused (the message
says why and where each replica stands); 2 usage or an unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from deploy.inventory import Inventory, InventoryError
from deploy.rollout import RolloutError, rollout
from deploy.switch import SwitchError, switch

__all__ = ["main"]

EXIT_OK, EXIT_STOPPED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cgkg rollout",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = commands.add_parser("run", help="roll a release out to every replica, one at a time")
    p.add_argument("release", help="the release's name (its build id, a folder in releases/)")
    p.add_argument("--config", type=Path, required=True, help="the deployment (TOML)")
    p.add_argument(
        "--timeout-s",
        type=float,
        default=120.0,
        help="longest wait for each step of one replica (default 120)",
    )
    p = commands.add_parser("switch", help="point one build folder's current at a release")
    p.add_argument("release", help="the release's name (its build id, a folder in releases/)")
    p.add_argument("--out", type=Path, required=True, help="the build folder")
    return parser


def _say(line: str) -> None:
    print(f"cgkg rollout: {line}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "switch":
            target = switch(args.out, args.release)
            _say(f"{args.out / 'current'} -> {target}")
        else:
            rollout(Inventory.load(args.config), args.release, args.timeout_s, _say)
    except InventoryError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except (RolloutError, SwitchError) as exc:
        _say(str(exc))
        return EXIT_STOPPED
    return EXIT_OK
