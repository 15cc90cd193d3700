"""Daylight: the colour the town is tinted with at a (fractional) tick, and whether lights are on.

The palette's daylight tints, one per phase, blended smoothly over the last BLEND_TICKS of a
phase and the first BLEND_TICKS of the next; the blend is quantized (STEPS per change) so tinted
sprites can be cached between steps. Pure time arithmetic on config's day: never imports pygame
or the flux.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from game import config
from game.view.palette import DAYLIGHT_TINTS, WHITE, Colour

NIGHT = config.PHASES.index("NIGHT")
BLEND_TICKS = 40
STEPS = 32


@dataclass(frozen=True)
class Light:
    tint: Colour
    lit: bool  # windows and lamps are lit

    @property
    def plain(self) -> bool:
        return self.tint == WHITE


def light_at(tick: float) -> Light:
    """Tint and lighting at a fractional tick."""
    into_day = tick % config.DAY_TICKS
    phase = int(into_day // config.PHASE_TICKS) % len(config.PHASES)
    into = into_day - phase * config.PHASE_TICKS
    if into < BLEND_TICKS:
        a, b, s = (phase - 1) % len(config.PHASES), phase, (into + BLEND_TICKS) / (2 * BLEND_TICKS)
    elif into >= config.PHASE_TICKS - BLEND_TICKS:
        a, b = phase, (phase + 1) % len(config.PHASES)
        s = (into - (config.PHASE_TICKS - BLEND_TICKS)) / (2 * BLEND_TICKS)
    else:
        a, b, s = phase, phase, 0.0
    s = math.floor(s * STEPS) / STEPS
    w = s * s * (3 - 2 * s)  # smoothstep: no visible kink where the blend starts and ends
    ta, tb = DAYLIGHT_TINTS[a], DAYLIGHT_TINTS[b]
    tint = (round(ta[0] + (tb[0] - ta[0]) * w), round(ta[1] + (tb[1] - ta[1]) * w),
            round(ta[2] + (tb[2] - ta[2]) * w))
    night = (1 - w) * (a == NIGHT) + w * (b == NIGHT)
    return Light(tint, night >= 0.5)
