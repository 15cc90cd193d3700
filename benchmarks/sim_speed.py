"""Simulation speed: ticks per second of the flux, headless, and the worst single tick.

Prints `town: N ticks/s` and `city:2500: N ticks/s` (medians of several runs), then the worst
single tick over two simulated days, phase ends (coalitions, reputation) included:
`worst tick town: X ms`, `worst tick city:2500: X ms` — a tick that long freezes the window.
Goals: ≥ 20,000 ticks/s for town, ≥ 200 ticks/s for city:2500 on a 2-core machine; a worst tick
≤ 8 ms for city:2500.
"""

from __future__ import annotations

import statistics
import time

from game import config
from game.sim.flux import TownFlux


def ticks_per_second(scenario: str, ticks: int, runs: int, warmup: int) -> float:
    rates = []
    for run in range(runs):
        flux = TownFlux(scenario, seed=run + 1)
        flux.run(warmup)  # past the first morning's start-up
        start = time.perf_counter()
        flux.run(ticks)
        rates.append(ticks / (time.perf_counter() - start))
    return statistics.median(rates)


def worst_tick_ms(scenario: str, ticks: int = 2 * config.DAY_TICKS) -> float:
    flux = TownFlux(scenario, seed=1)
    worst = 0.0
    for _ in range(ticks):
        start = time.perf_counter()
        flux.tick()
        worst = max(worst, time.perf_counter() - start)
    return worst * 1000


def main() -> None:
    print(f"town: {ticks_per_second('town', 16000, 5, 400):,.0f} ticks/s")
    print(f"city:2500: {ticks_per_second('city:2500', 1600, 3, 100):,.0f} ticks/s")
    for scenario in ("town", "city:2500"):
        print(f"worst tick {scenario}: {worst_tick_ms(scenario):,.1f} ms")


if __name__ == "__main__":
    main()
