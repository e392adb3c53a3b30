"""Roll a release out to every replica, one at a time, without a failed request.

For each replica, in the inventory's order: drain it in the balancer (no new
requests; those it has finish), point its ``current`` at the release, wait
until its ``/health`` says the whole server serves it (the server verifies the
release before it switches, and never serves one that fails), put it back, and
wait until the balancer's own health check finds it up. Only then is the next
replica touched, so all the others keep serving meanwhile.

Nothing starts unless every replica is healthy, and a replica is drained only
while another one is up. If a replica does not come up on the new release, its
``current`` is pointed back at the release it served, it is put back once it
serves that one again, and the rollout stops: replicas done so far serve the new
release, the others the old one (run again with the old release to go back).
"""

from __future__ import annotations

from collections.abc import Callable

from deploy.haproxy import BalancerError
from deploy.inventory import Inventory, Replica
from deploy.replica import ReplicaError, health, wait_until_on
from deploy.switch import SwitchError

__all__ = ["RolloutError", "rollout"]

_FAILURES = (BalancerError, ReplicaError, SwitchError)
Say = Callable[[str], None]


class RolloutError(RuntimeError):
    """The rollout stopped; the message says where each replica stands."""


def rollout(inventory: Inventory, release: str, timeout_s: float, say: Say) -> None:
    """Move every replica of ``inventory`` to ``release``; :class:`RolloutError` if stopped."""
    previous = _check_all(inventory)
    done: list[str] = []
    for replica in inventory.replicas:
        if previous[replica.name] == release:
            say(f"{replica.name}: already on {release}")
            continue
        try:
            _roll(inventory, replica, release, timeout_s, say)
        except _FAILURES as exc:
            back = _put_back(inventory, replica, previous[replica.name], timeout_s, say)
            rest = [r.name for r in inventory.replicas if r.name not in done]
            raise RolloutError(
                f"stopped at {replica.name}: {exc}. {back} On {release}: "
                f"{', '.join(done) or 'none'}; not on it: {', '.join(rest)}."
            ) from None
        done.append(replica.name)
    say(f"every replica is on {release}")


def _check_all(inventory: Inventory) -> dict[str, str]:
    """The one release each replica serves; :class:`RolloutError` unless all are healthy."""
    serving, unwell = {}, []
    for replica in inventory.replicas:
        seen = health(replica.health)
        if not seen.ok or len(seen.releases) != 1:
            unwell.append(f"{replica.name} ({seen.describe()})")
        else:
            serving[replica.name] = next(iter(seen.releases))
    if unwell:
        raise RolloutError(f"not started, these replicas are not ready: {'; '.join(unwell)}")
    return serving


def _roll(inventory: Inventory, replica: Replica, release: str, timeout_s: float, say: Say) -> None:
    balancer = inventory.balancer
    if balancer is not None:
        others = balancer.servers()
        others.pop(replica.name, None)
        if not any(state.status == "UP" for state in others.values()):
            raise BalancerError(f"no other server of {balancer.backend} is up to take its requests")
        balancer.drain(replica.name, timeout_s)
        say(f"{replica.name}: drained")
    replica.point_at(release)
    say(f"{replica.name}: current -> {release}")
    wait_until_on(replica.health, release, timeout_s)
    say(f"{replica.name}: serving {release}")
    if balancer is not None:
        balancer.enable(replica.name, timeout_s)
        say(f"{replica.name}: back in {balancer.backend}")


def _put_back(
    inventory: Inventory, replica: Replica, release: str, timeout_s: float, say: Say
) -> str:
    """Put ``replica`` back on ``release`` and into the balancer; what became of it, in words."""
    try:
        replica.point_at(release)
        wait_until_on(replica.health, release, timeout_s)
        if inventory.balancer is not None:
            inventory.balancer.enable(replica.name, timeout_s)
    except _FAILURES as exc:
        return f"It could not be put back on {release} ({exc}): see to it by hand."
    say(f"{replica.name}: back on {release}")
    return f"It is back on {release} and in service."
