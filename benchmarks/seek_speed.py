"""Seek speed over a 10-day `town` history: the scrubbing case.

Prints `keyframe build: X s` (simulating the history once, storing keyframes, as after loading a
save), `keyframe memory: X MB`, and `seek median: X ms` / `seek p95: X ms` for seeks to random
ticks once the keyframes exist. Goals: p95 ≤ 16 ms, build ≤ 2 s, memory ≤ 50 MB.
"""

from __future__ import annotations

import random
import statistics
import time
import tracemalloc

from game import config
from game.sim.cards import CARDS, Perturbation
from game.trace.timeline import Timeline

DAYS = 10


def main() -> None:
    builds = []
    for _ in range(3):
        timeline = Timeline("town", seed=7)
        cards = sorted(CARDS)
        for k in range(30):  # a played history: a card every third of a day
            timeline.add_perturbation(Perturbation(tick=(k + 1) * 530, card=cards[k % len(cards)]))
        start = time.perf_counter()
        timeline.advance(DAYS * config.DAY_TICKS)
        builds.append(time.perf_counter() - start)
    rng = random.Random(1)
    end = DAYS * config.DAY_TICKS
    times = []
    for _ in range(500):
        tick = rng.randrange(0, end + 1)
        start = time.perf_counter()
        timeline.seek(tick)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [timeline.flux.snapshot() for _ in range(timeline.keyframe_count())]
    traced = (tracemalloc.get_traced_memory()[0] - before) / 1024 / 1024
    tracemalloc.stop()
    del kept
    print(f"keyframe build: {statistics.median(builds):.2f} s")
    print(f"keyframe memory (traced, same count of snapshots): {traced:.1f} MB")
    print(f"keyframe memory: {timeline.keyframe_memory() / 1024 / 1024:.1f} MB "
          f"({timeline.keyframe_count()} keyframes)")
    print(f"seek median: {statistics.median(times):.2f} ms")
    print(f"seek p95: {times[int(len(times) * 0.95)]:.2f} ms")


if __name__ == "__main__":
    main()
