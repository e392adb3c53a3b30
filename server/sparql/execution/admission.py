"""Fair admission: which client's query runs next, when every query process is busy.

One :class:`Admission` guards all the query processes of a server (they are
shared by every HTTP worker through :mod:`server.sparql.execution.broker`).
Each client (an address, see :func:`server.http.clients.client_of`) may have at
most ``per_client`` queries running and ``client_queue`` waiting. Waiting
queries are served round-robin across clients, oldest first within a client,
so a client with many slow queries takes its turn like everyone else and
cannot starve the others. A query that waits longer than ``queue_timeout_s``,
or finds the queue full, is refused with :class:`Busy` at once (503 with
``Retry-After``): overload never hangs a request.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.settings import ServerSettings

__all__ = ["Admission", "AdmissionStats", "Busy"]


class Busy(Exception):
    """No slot in time: the message says why, ``retry_after`` when to come back."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, retry_after)


@dataclass(slots=True)
class AdmissionStats:
    slots: int
    running: int = 0
    waiting: int = 0
    clients: int = 0
    rejected: int = 0


class _Ticket:
    __slots__ = ("granted",)

    def __init__(self) -> None:
        self.granted = False


class Admission:
    """Slots for ``slots`` concurrent queries, shared fairly between clients."""

    @classmethod
    def for_server(cls, settings: ServerSettings) -> Admission:
        """The whole server's admission, as its settings bound it."""
        return cls(
            settings.query_processes,
            settings.client_max_queries,
            settings.client_max_waiting,
            settings.queue_size,
            settings.queue_timeout_s,
        )

    def __init__(
        self,
        slots: int,
        per_client: int,
        client_queue: int,
        queue_size: int,
        queue_timeout_s: float,
    ) -> None:
        self._slots = slots
        self._free = slots
        self._per_client = per_client
        self._client_queue = client_queue
        self._queue_size = queue_size
        self._timeout_s = queue_timeout_s
        self._cond = threading.Condition()
        self._running: Counter[str] = Counter()
        self._waiting: OrderedDict[str, deque[_Ticket]] = OrderedDict()
        self._queued = 0
        self._rejected = 0

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one slot for ``client`` for the duration of the block."""
        self._enter(client)
        try:
            yield
        finally:
            self._leave(client)

    def _enter(self, client: str) -> None:
        with self._cond:
            if self._free > 0 and self._running[client] < self._per_client:
                self._grant_to(client)
                return
            ticket = self._enqueue(client)
            deadline = time.monotonic() + self._timeout_s
            while not ticket.granted:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._withdraw(client, ticket)
                    raise self._refuse("Every query slot stayed busy; please retry in a moment.")
                self._cond.wait(remaining)

    def _enqueue(self, client: str) -> _Ticket:
        queue = self._waiting.get(client)
        if self._queued >= self._queue_size:
            raise self._refuse("The query queue is full; please retry in a moment.")
        if queue is not None and len(queue) >= self._client_queue:
            raise self._refuse(
                f"You already have {self._running[client]} queries running and {len(queue)} "
                "waiting, the most this endpoint allows one client; wait for them to finish."
            )
        ticket = _Ticket()
        self._waiting.setdefault(client, deque()).append(ticket)
        self._queued += 1
        return ticket

    def _withdraw(self, client: str, ticket: _Ticket) -> None:
        queue = self._waiting.get(client)
        if queue is not None:
            queue.remove(ticket)
            self._queued -= 1
            if not queue:
                del self._waiting[client]

    def _refuse(self, message: str) -> Busy:
        self._rejected += 1
        return Busy(message, retry_after=max(1, round(self._timeout_s)))

    def _grant_to(self, client: str) -> None:
        self._running[client] += 1
        self._free -= 1

    def _leave(self, client: str) -> None:
        with self._cond:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            self._free += 1
            self._grant_waiting()

    def _grant_waiting(self) -> None:
        """Give free slots to waiting clients in turn, each at most ``per_client`` running."""
        granted = False
        while self._free > 0:
            client = next((c for c in self._waiting if self._running[c] < self._per_client), None)
            if client is None:
                break
            queue = self._waiting[client]
            queue.popleft().granted = True
            self._queued -= 1
            self._grant_to(client)
            if queue:
                self._waiting.move_to_end(client)  # its next query waits for the others' turn
            else:
                del self._waiting[client]
            granted = True
        if granted:
            self._cond.notify_all()

    @property
    def stats(self) -> AdmissionStats:
        with self._cond:
            return AdmissionStats(
                slots=self._slots,
                running=self._slots - self._free,
                waiting=self._queued,
                clients=len(self._running),
                rejected=self._rejected,
            )
