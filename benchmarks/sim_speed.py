"""Simulation speed: ticks per second of the flux, headless.

Prints `town: N ticks/s` and `city:2500: N ticks/s` (medians of several runs).
Goals: ≥ 20,000 ticks/s for town, ≥ 200 ticks/s for city:2500 on a 2-core machine.
"""

from __future__ import annotations

import statistics
import time

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


def main() -> None:
    print(f"town: {ticks_per_second('town', 16000, 5, 400):,.0f} ticks/s")
    print(f"city:2500: {ticks_per_second('city:2500', 1600, 3, 100):,.0f} ticks/s")


if __name__ == "__main__":
    main()
