"""Serving a town: the owner's fixed-timestep loop and uvicorn beside it.

`Served` starts uvicorn on its own thread (the HTTP server only ever talks to the owner's inbox)
and, headless, the owner's loop: the same fixed-timestep clock as the window, cards applied
between ticks. The window serves by calling `Owner.pump()` once a frame instead.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Sequence

import uvicorn

from game import limits
from game.clock import MAX_SPEED, Collector, TickClock
from game.wire.commands import check_bind
from game.wire.owner import Owner
from game.wire.server import make_app

log = logging.getLogger(__name__)

IDLE_SECONDS = 0.05  # a paused owner still answers its inbox this often
START_SECONDS = 10.0  # uvicorn must be listening by then


def start_on_thread(server: uvicorn.Server, thread: threading.Thread, where: str) -> None:
    """Start `thread` (running `server`) and return once uvicorn accepts connections; OSError
    in words when it stops or takes too long."""
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise OSError(f"cannot serve on {where} (is the port taken?)")
        time.sleep(0.01)


class OwnerLoop:
    """A headless owner's clock: whole ticks as real time passes at `owner.speed`."""

    def __init__(self, owner: Owner) -> None:
        self.owner = owner
        self.clock = TickClock()
        self.stopping = threading.Event()
        self.halted = False  # the history is full: the town stands still, still served
        self.longest = 0.0  # seconds of the longest turn (jobs and ticks): the owner's stall

    def run(self) -> None:
        last = time.perf_counter()
        collector = Collector(last)
        while not self.stopping.is_set():
            self.owner.pump()
            now = time.perf_counter()
            due = 0 if self.halted else self.clock.due(now - last, self.owner.speed)
            last = now
            self.step(due)
            self.longest = max(self.longest, time.perf_counter() - now)
            collector.after_turn(self.owner.speed == 0 or self.halted, now)
            self.owner.wait(self.pause())

    def step(self, due: int) -> None:
        for _ in range(due):
            try:
                self.owner.timeline.advance_records(1)
            except limits.LimitError as err:
                log.error("%s", err)
                self.halted = True
                return
            if self.owner.speed == MAX_SPEED:
                self.owner.pump()  # a card waits one tick at most, even at max speed
        self.owner.flush()

    def pause(self) -> float:
        speed = self.owner.speed
        if speed == MAX_SPEED:
            return 0.0
        if speed == 0 or self.halted:
            return IDLE_SECONDS
        return (1.0 - self.clock.alpha) / (self.clock.ticks_per_second * speed)


class Served:
    """An owner's town on the network: uvicorn on a thread, and (headless) the owner's loop."""

    def __init__(self, owner: Owner, *, host: str = "127.0.0.1", port: int = 0,
                 token: str | None = None, cors: Sequence[str] = ()) -> None:
        check_bind(host, token)
        self.owner = owner
        self.host = host
        try:  # bound here, not by uvicorn: a taken port is one line, not uvicorn's log
            self._socket = socket.create_server((host, port))
        except OSError:
            raise OSError(f"cannot serve on {host}:{port} (is the port taken?)") from None
        self.port = int(self._socket.getsockname()[1])
        config = uvicorn.Config(make_app(owner, token=token, cors=cors), host=host,
                                port=self.port, log_level="warning", lifespan="off",
                                ws_max_size=64 * 1024, timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self._http = threading.Thread(target=self.server.run, kwargs={"sockets": [self._socket]},
                                      name="http", daemon=True)
        self.loop = OwnerLoop(owner)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Served:
        """Start listening; returns once uvicorn accepts connections."""
        start_on_thread(self.server, self._http, f"{self.host}:{self.port}")
        return self

    def run_owner(self) -> None:
        """Run the owner's loop on this thread until `stop` (headless serving)."""
        self.loop.run()

    def stop(self) -> None:
        self.loop.stopping.set()
        self.owner.hub.close()
        self.server.should_exit = True
        self._http.join(timeout=5)
        self.owner.close()
