"""Daylight: the colour the town is tinted with at a (fractional) tick, and whether lamps and
windows are lit.

The light follows the clock the top bar shows: the palette's `DAYLIGHT_TINTS` are keyed by hour
and blended linearly between (dawn, day, golden hour, dusk, night), and lamps light at dusk and
go out after dawn; a storm darkens and greys whatever hour it is. The clock is quantized to
STEP_MINUTES so tinted sprites can be cached between steps. Pure time arithmetic on config's
day: never imports pygame or the flux.
"""

from __future__ import annotations

from dataclasses import dataclass

from game import config
from game.projections.town import DAY_START_HOUR
from game.view.palette import DAYLIGHT_TINTS, WHITE, Colour

STEP_MINUTES = 5  # the light changes at most this often (in town minutes)
LAMPS_ON, LAMPS_OFF = 19.0, 6.0  # hours: lit from dusk until after dawn
STORM_DARK = 0.62  # a storm's clouds let this much of the light through…
STORM_GREY = 0.5  # …and wash out this much of its colour


@dataclass(frozen=True)
class Light:
    tint: Colour
    lit: bool  # windows and lamps are lit

    @property
    def plain(self) -> bool:
        return self.tint == WHITE

    def stormy(self) -> Light:
        """The same hour under storm clouds: darker and greyer, and the lamps lit."""
        grey = sum(self.tint) / 3
        tint = tuple(round((c * (1 - STORM_GREY) + grey * STORM_GREY) * STORM_DARK)
                     for c in self.tint)
        return Light((tint[0], tint[1], tint[2]), True)


def hour_at(tick: float) -> float:
    """The clock's hour (0 ≤ h < 24) at a fractional tick, quantized to STEP_MINUTES."""
    minutes = (tick % config.DAY_TICKS) * 24 * 60 / config.DAY_TICKS + DAY_START_HOUR * 60
    return (minutes // STEP_MINUTES * STEP_MINUTES) % (24 * 60) / 60


def light_at(tick: float) -> Light:
    """Tint and lighting at a fractional tick."""
    hour = hour_at(tick)
    k = next(k for k in range(1, len(DAYLIGHT_TINTS)) if hour < DAYLIGHT_TINTS[k][0])
    (h0, ta), (h1, tb) = DAYLIGHT_TINTS[k - 1], DAYLIGHT_TINTS[k]
    w = (hour - h0) / (h1 - h0)
    tint = (round(ta[0] + (tb[0] - ta[0]) * w), round(ta[1] + (tb[1] - ta[1]) * w),
            round(ta[2] + (tb[2] - ta[2]) * w))
    return Light(tint, hour >= LAMPS_ON or hour < LAMPS_OFF)
