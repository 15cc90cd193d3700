"""Time in the words the screen uses: the day and the clock ("day 3 14:30"), as the top bar
says it. Ticks are the flux's unit; the window names them only where a person asks for them
(the timeline's hover label), the command line everywhere. Never imports pygame.
"""

from __future__ import annotations

import re

from game import config
from game.projections.town import clock_text

_TICK = re.compile(r"\btick (\d+)")


def when(tick: int) -> str:
    """A tick as the town's day and time of day: "day 3 14:30"."""
    return f"day {tick // config.DAY_TICKS + 1} {clock_text(tick)}"


def on_the_clock(text: str) -> str:
    """A sentence from the trace with each "tick N" said as `when(N)`."""
    return _TICK.sub(lambda m: when(int(m.group(1))), text)
