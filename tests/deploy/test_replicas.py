"""Two replicas behind HAProxy serve one release, and one of them is restarted (a code
upgrade: drain, SIGTERM, start again, wait for its health, enable) under load without a
failed request."""

from __future__ import annotations

import time
from pathlib import Path

from deploy.haproxy import Balancer
from tests.deploy.conftest import REPLICA_FLAGS, Deployment, Releases
from tests.deploy.support import PATHS, Load, answers_of, release_of
from tests.server.support import launch


def test_both_replicas_answer_from_the_one_release(
    deployment: Deployment, two_releases: Releases
) -> None:
    deployment.wait_until_balanced()
    with Load(deployment.port, PATHS, threads=2) as load:
        time.sleep(2)
    assert load.failures == []
    for name in deployment.replicas:
        assert {release_of(a) for a in answers_of(load, name)} == {two_releases.old}


def test_a_replica_restarted_after_a_drain_loses_no_request(
    deployment: Deployment, tmp_path: Path
) -> None:
    deployment.wait_until_balanced()
    balancer = deployment.inventory.balancer
    assert isinstance(balancer, Balancer)
    old = deployment.replicas["r2"]
    with Load(deployment.port, PATHS) as load:
        time.sleep(1)
        balancer.drain("r2", timeout_s=30)
        assert old.stop() == 0  # SIGTERM: a clean exit
        stopped = time.monotonic()
        logs = tmp_path / "restarted"
        logs.mkdir()
        runtime = ("--runtime-dir", str(tmp_path / "run-r2-again"))
        new = launch(deployment.outs["r2"], logs, *REPLICA_FLAGS, *runtime, port=old.port)
        deployment.replicas["r2"] = new  # stopped by the fixture
        ready = time.monotonic()
        balancer.enable("r2", timeout_s=30)
        time.sleep(1.5)
    assert load.failures == []
    assert [a for a in load.answers if a.served_by == "r2" and stopped < a.started < ready] == []
    assert [a for a in load.answers if a.served_by == "r2" and a.started > ready]
    assert new.process.pid != old.process.pid
