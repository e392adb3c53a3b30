"""Fair admission: per-client bounds, round-robin between clients, 503 rather than a hang."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from server.sparql.execution.admission import Admission, Busy


def hold(admission: Admission, client: str, release: threading.Event) -> threading.Thread:
    """A thread that takes a slot for ``client`` and keeps it until ``release`` is set."""
    entered = threading.Event()

    def run() -> None:
        with admission.slot(client):
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert entered.wait(2)
    return thread


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 2
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_free_slot_is_taken_at_once() -> None:
    admission = Admission(2, 2, 4, 16, 1.0)
    with admission.slot("a"):
        assert admission.stats.running == 1
    assert admission.stats.running == 0


def test_one_client_cannot_hold_more_than_its_share() -> None:
    admission = Admission(4, 2, 4, 16, 0.2)
    release = threading.Event()
    threads = [hold(admission, "greedy", release) for _ in range(2)]
    with pytest.raises(Busy), admission.slot("greedy"):
        pass
    with admission.slot("other"):  # the two free slots stay for everyone else
        assert admission.stats.running == 3
    release.set()
    for thread in threads:
        thread.join()


def test_waiting_clients_are_served_in_turn() -> None:
    admission = Admission(1, 1, 8, 16, 5.0)
    release = threading.Event()
    blocker = hold(admission, "first", release)
    order: list[str] = []

    def queue(client: str) -> threading.Thread:
        def run() -> None:
            with admission.slot(client):
                order.append(client)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    waiting = [queue("a")]
    wait_for(lambda: admission.stats.waiting == 1)
    waiting.append(queue("a"))
    wait_for(lambda: admission.stats.waiting == 2)
    waiting.append(queue("b"))
    wait_for(lambda: admission.stats.waiting == 3)
    release.set()
    for thread in [blocker, *waiting]:
        thread.join()
    assert order == ["a", "b", "a"]


def test_waiting_past_the_queue_timeout_is_busy_with_retry_after() -> None:
    admission = Admission(1, 1, 4, 16, 0.2)
    release = threading.Event()
    blocker = hold(admission, "a", release)
    started = time.monotonic()
    with pytest.raises(Busy) as refused, admission.slot("b"):
        pass
    assert 0.15 < time.monotonic() - started < 2
    assert refused.value.retry_after >= 1
    release.set()
    blocker.join()


def one_waiting(admission: Admission, client: str) -> threading.Event:
    """``admission``'s one slot held by another client and ``client`` waiting for it; set
    the event returned to let the holder go."""
    release = threading.Event()
    hold(admission, "holder", release)
    waiter = threading.Thread(target=lambda: admission.slot(client).__enter__(), daemon=True)
    waiter.start()
    wait_for(lambda: admission.stats.waiting == 1)
    return release


def test_a_full_queue_refuses_at_once() -> None:
    admission = Admission(1, 1, 1, 1, 5.0)
    release = one_waiting(admission, "b")
    started = time.monotonic()
    with pytest.raises(Busy, match="queue is full"), admission.slot("c"):
        pass
    assert time.monotonic() - started < 0.5
    release.set()


def test_a_client_over_its_waiting_bound_is_refused_at_once() -> None:
    admission = Admission(1, 1, 1, 16, 5.0)
    release = one_waiting(admission, "b")
    with pytest.raises(Busy, match="waiting"), admission.slot("b"):
        pass
    release.set()
