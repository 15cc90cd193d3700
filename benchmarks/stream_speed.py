"""The town on the wire, measured: how fast an event reaches its viewers, and what viewers cost
the owner.

- Event → client latency, p50 and p95, for 1, 10 and 50 SSE viewers of a `town` at 16×
  (viewers in a process of their own; latency from the envelope's `sent` to the viewer's
  clock). Goal: p95 ≤ 20 ms at 10 viewers.
- The window serving its town at 16×: frame time p95 with no viewer and with 10 viewers attached,
  one after the other in one run (dummy video driver, no flip). Goal: ≤ 16.7 ms with 10.

python benchmarks/stream_speed.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # after the driver is chosen above
from stream_load import CLIENTS, percentile, run

from game import config
from game.switches import Switches
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.assets import Assets
from game.view.link import Sharing
from game.wire.owner import Owner
from game.wire.serve import Served

FRAME = 1 / config.FRAME_RATE


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
        while time.perf_counter() < end:
            start = time.perf_counter()
            app.frame(start - last)
            last = start
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(max(0.0, FRAME - (time.perf_counter() - start)))
        if watchers is not None:
            watchers.wait(timeout=60)
    finally:
        link.close()
    return times[30:]  # past the first frames' warm-up


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


if __name__ == "__main__":
    main()
