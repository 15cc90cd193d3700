"""The bus: how recorded ticks reach viewers. In memory by default; NATS JetStream when asked.

The owner publishes one batch per newly recorded tick, on its own thread, and never waits for a
viewer: each subscription is a bounded queue, and a viewer that falls `limit` messages behind is
dropped and told so (the simulation never slows for it). Subscriptions are filled on the owner's
thread and drained on the server's; `wake` tells the server's loop there is something to take.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from game.wire.messages import Message

SUBSCRIBER_LIMIT = 20_000  # messages a viewer may fall behind before it is dropped


class Publisher(Protocol):
    """Something the owner hands each recorded tick to, on its own thread, without waiting."""

    def publish(self, batch: Sequence[Message]) -> None: ...

    def close(self) -> None: ...


class Subscription:
    """One viewer's queue: `offer` on the owner's thread, `take` on the server's."""

    def __init__(self, match: Callable[[Message], bool], wake: Callable[[], None],
                 limit: int = SUBSCRIBER_LIMIT) -> None:
        self.match = match
        self.limit = limit
        self._wake = wake
        self._items: deque[Message] = deque()
        self._lock = threading.Lock()
        self._waiting = False  # a wake is on its way: don't send another per message
        self.dropped = False
        self.closed = False

    def offer(self, batch: Sequence[Message]) -> None:
        """Queue the matching messages; past the limit, drop the whole queue and stop."""
        wanted = [m for m in batch if self.match(m)]
        if not wanted or self.closed:
            return
        with self._lock:
            if len(self._items) + len(wanted) > self.limit:
                self._items.clear()
                self.dropped = self.closed = True
            else:
                self._items.extend(wanted)
            wake, self._waiting = not self._waiting, True
        if wake:
            self._wake()

    def preload(self, backlog: Sequence[Message]) -> None:
        """What a new viewer missed, queued before anything live (however long it is)."""
        with self._lock:
            self._items.extend(backlog)
            wake, self._waiting = not self._waiting, True
        if wake:
            self._wake()

    def take(self) -> list[Message]:
        """Everything queued so far (possibly nothing), oldest first."""
        with self._lock:
            out = list(self._items)
            self._items.clear()
            self._waiting = False
        return out

    def close(self) -> None:
        self.closed = True
        self._wake()


class MemoryBus:
    """The embedded bus: every subscription in this process hears every batch it matches."""

    def __init__(self) -> None:
        self._subs: list[Subscription] = []
        self._lock = threading.Lock()

    def add(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.append(sub)

    def remove(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    def publish(self, batch: Sequence[Message]) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            sub.offer(batch)
            if sub.closed:
                self.remove(sub)

    def close(self) -> None:
        with self._lock:
            subs, self._subs = self._subs, []
        for sub in subs:
            sub.close()

    def count(self) -> int:
        with self._lock:
            return len(self._subs)
