"""Helpers for the wire's tests: a town served by a real uvicorn on a free loopback port, and
clients that read its streams."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import connect_sse

from game.sim import laws
from game.switches import Switches
from game.trace.timeline import Timeline
from game.wire.owner import Owner
from game.wire.serve import Served

FLUX = "/api/v1/world/town/flux"
PERTURB = "/api/v1/world/town/perturb"


@contextmanager
def serving(scenario: str = "town", seed: int = 7, speed: int = 16, *,
            token: str | None = None, switches: Switches | None = None,
            timeline: Timeline | None = None) -> Iterator[Served]:
    """A headless owner stepping its town on its own thread, served on 127.0.0.1."""
    owner = Owner(timeline or Timeline(scenario, seed), switches=switches or Switches(),
                  speed=speed)
    served = Served(owner, token=token).start()
    thread = threading.Thread(target=served.run_owner, name="owner", daemon=True)
    thread.start()
    try:
        yield served
    finally:
        served.stop()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the owner's loop did not stop"


@contextmanager
def paused(owner: Owner) -> Iterator[None]:
    """The owner's town stands still inside (its inbox still answered): targets chosen here are
    the ones the laws judge when a card posted here arrives."""
    speed = owner.call(lambda _tl: owner.speed).result(timeout=10)
    owner.call(lambda _tl: setattr(owner, "speed", 0)).result(timeout=10)
    try:
        yield
    finally:
        owner.call(lambda _tl: setattr(owner, "speed", speed)).result(timeout=10)


def aimed(owner: Owner, card: str, count: int) -> list[str]:
    """`count` targets for `card` that the laws take on the owner's state now, each the first the
    core's `laws.eligible` names after the ones before (the ids a window's clicks would pick)."""
    def pick(tl: Timeline) -> list[str]:
        chosen: list[int] = []
        for _ in range(count):
            chosen.append(laws.eligible(card, tl.flux.state, chosen)[0])
        return [tl.flux.citizens[i].id for i in chosen]
    return owner.call(pick).result(timeout=10)


@dataclass
class Seen:
    """What one stream client received: (event name, id, parsed data) in order."""

    items: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def events(self) -> list[dict[str, Any]]:
        return [d["event"] for n, _, d in self.items if d.get("event") is not None]

    def ids(self) -> list[str]:
        return [i for _, i, _ in self.items if i]

    def last_tick(self) -> int:
        ticks = [d["tick"] for n, _, d in self.items if n == "town.tick"]
        return ticks[-1] if ticks else -1


def read_sse(url: str, *, until_tick: int | None = None, events: int | None = None,
             headers: dict[str, str] | None = None, seconds: float = 30.0,
             stop: threading.Event | None = None) -> Seen:
    """Read a stream until a heartbeat at `until_tick`, `events` events, or `stop`."""
    seen = Seen()
    timeout = httpx.Timeout(seconds)
    with httpx.Client(timeout=timeout) as client, \
            connect_sse(client, "GET", url, headers=headers or {}) as source:
        source.response.raise_for_status()
        for sse in source.iter_sse():
            seen.items.append((sse.event, sse.id, json.loads(sse.data)))
            if until_tick is not None and seen.last_tick() >= until_tick:
                break
            if events is not None and len(seen.events()) >= events:
                break
            if stop is not None and stop.is_set():
                break
    return seen


def post_card(base: str, body: Any, client: str = "", token: str | None = None
              ) -> httpx.Response:
    headers = {"X-Agent-Town-Client": client} if client else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    content = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return httpx.post(base + PERTURB, content=content, headers=headers, timeout=10)
