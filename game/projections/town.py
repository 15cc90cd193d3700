"""The town as a whole: its clock (tick, day, phase, time of day) and its metrics now and over
time (tension, cooperation, surplus, drama)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game import config
from game.sim.flux import TownFlux

DAY_START_HOUR = 6  # tick 0 is the first morning


@dataclass(frozen=True)
class Clock:
    branch: str
    tick: int
    day: int
    phase: str
    time: str  # the town's time of day, "06:00" at tick 0


@dataclass(frozen=True)
class Metrics:
    tension: float  # the variance of the bonds
    cooperation: float  # the mean positive bond
    surplus: float
    drama: float
    events_today: int


@dataclass(frozen=True)
class MetricSample:
    tick: int
    tension: float
    cooperation: float
    surplus: float
    drama: float


def clock_text(tick: int) -> str:
    """Town time of day: a day of DAY_TICKS runs from 06:00 to 06:00."""
    minutes = (tick % config.DAY_TICKS) * 24 * 60 // config.DAY_TICKS + DAY_START_HOUR * 60
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def clock(flux: TownFlux, branch: str) -> Clock:
    tick = flux.state.tick
    return Clock(branch, tick, flux.day, flux.phase, clock_text(tick))


def metrics(flux: TownFlux) -> Metrics:
    m = flux.metrics()
    return Metrics(m["tension"], m["cooperation"], m["surplus"], m["drama"],
                   int(m["events_today"]))


def metric_series(samples: Sequence[tuple[int, dict[str, float]]]) -> tuple[MetricSample, ...]:
    """The timeline's samples (`Timeline.metrics_series`) as records."""
    return tuple(MetricSample(t, m["tension"], m["cooperation"], m["surplus"], m["drama"])
                 for t, m in samples)
