"""A release rolled out to two replicas behind HAProxy, replica by replica, under load:
no request fails, a replica gets nothing while it switches, and once it is back every
answer it gives comes from the new release."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest

from deploy.rollout import RolloutError, rollout
from server.release import current_target
from tests.deploy.conftest import Deployment, Releases
from tests.deploy.support import PATHS, Load, answers_of, release_of


class Steps:
    """What the rollout said, and when (the clock of the load's answers)."""

    def __init__(self) -> None:
        self.said: list[tuple[float, str]] = []

    def __call__(self, line: str) -> None:
        self.said.append((time.monotonic(), line))

    def at(self, text: str) -> float:
        return next(t for t, line in self.said if line.startswith(text))


def test_a_rollout_under_load_fails_no_request(
    deployment: Deployment, two_releases: Releases
) -> None:
    deployment.wait_until_balanced()
    steps = Steps()
    with Load(deployment.port, PATHS) as load:
        time.sleep(1)
        rollout(deployment.inventory, two_releases.new, 30, steps)
        time.sleep(1)
    assert (load.failures, len(load.answers) > 100) == ([], True)
    for name in deployment.replicas:
        drained, ready = steps.at(f"{name}: drained"), steps.at(f"{name}: serving")
        answers = answers_of(load, name)
        assert [a for a in load.answers if drained < a.started < ready]  # the others served
        # nothing sent to it from when it was drained until it was ready to go back
        sent = [a for a in load.answers if a.served_by == name and drained < a.started < ready]
        assert sent == []
        # old answers before its turn, only new ones after it
        assert {release_of(a) for a in answers if a.started < drained} == {two_releases.old}
        assert {release_of(a) for a in answers if a.started > ready} == {two_releases.new}


def test_after_a_rollout_every_replica_serves_the_new_release(
    deployment: Deployment, two_releases: Releases
) -> None:
    deployment.wait_until_balanced()
    rollout(deployment.inventory, two_releases.new, 30, Steps())
    for name, server in deployment.replicas.items():
        health = server.health()
        assert (health["build_id"], health["switching"]) == (two_releases.new, False)
        assert set(health["serving"]["workers"].values()) == {two_releases.new}
        assert current_target(deployment.outs[name]).name == two_releases.new


def refused_by_the_server(out: Path, release: str) -> None:
    """Make the copy of ``release`` one every file of which matches its manifest, but whose
    store does not hold what the manifest counts: the server refuses to switch to it."""
    manifest_path = out / "releases" / release / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    first = next(iter(manifest["graphs"]))
    manifest["graphs"][first] += 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_rollout_stops_at_a_replica_that_refuses_the_release_and_puts_it_back(
    deployment: Deployment, two_releases: Releases
) -> None:
    deployment.wait_until_balanced()
    refused_by_the_server(deployment.outs["r2"], two_releases.new)
    first = replace(deployment.inventory, replicas=deployment.inventory.replicas[:1])
    rollout(first, two_releases.new, 30, Steps())  # r1 first, however slow the machine is
    with Load(deployment.port, PATHS, threads=2) as load, pytest.raises(RolloutError) as stop:
        rollout(deployment.inventory, two_releases.new, 4, Steps())  # r2 waits 4 s, in vain
    assert "stopped at r2" in str(stop.value)
    assert load.failures == []
    r1, r2 = (deployment.replicas[name].health() for name in ("r1", "r2"))
    assert (r1["build_id"], r2["build_id"]) == (two_releases.new, two_releases.old)
    assert current_target(deployment.outs["r2"]).name == two_releases.old
    deployment.wait_until_balanced()  # r2 is back in the balancer, on its old release


def test_a_rollout_never_drains_the_last_replica_up(
    deployment: Deployment, two_releases: Releases
) -> None:
    deployment.wait_until_balanced()
    balancer = deployment.inventory.balancer
    assert balancer is not None
    balancer.command("set server cgkg/r2 state maint")  # r1 alone takes the requests
    with pytest.raises(RolloutError, match="no other server of cgkg is up"):
        rollout(deployment.inventory, two_releases.new, 5, Steps())
    assert balancer.state("r1").status == "UP"
    assert current_target(deployment.outs["r1"]).name == two_releases.old
