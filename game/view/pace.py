"""The window's time: whole ticks from a fixed-timestep clock, run through the timeline within
the frame's time budget (none in counted runs: what a frame shows must not depend on the CPU).

Never changes the town but through `Timeline.advance_records`; never imports pygame.
"""

from __future__ import annotations

from game import limits
from game.clock import MAX_SPEED, TickBudget, TickClock
from game.sim.events import Record
from game.sim.phases import makes_eve
from game.trace.timeline import Timeline

# A frame whose ticks have made this many records ends there when more ticks are due (the
# morning of a big town, its citizens all deciding in the same few ticks, made four times a
# frame's usual records at 16×): the rest run in the next frames, as the eve's ticks do.
FRAME_RECORDS = 120


class Pace:
    """A `TickClock` and, unless `reproducible`, a `TickBudget` for the ticks of one frame."""

    def __init__(self, reproducible: bool) -> None:
        self.clock = TickClock()
        self.budget: TickBudget | None = None if reproducible else TickBudget()

    def run(self, timeline: Timeline, dt: float, speed: int, limit: int | None
            ) -> tuple[list[Record], limits.LimitError | None]:
        """Run the ticks due for `dt` at `speed`, no further than tick `limit` (a joined
        window's owner's head) and, but the first, within the budget. Returns their records and
        the error that stopped them when the history is full.

        Each of the ticks that make a phase end's eve ends a frame that has more ticks due:
        the next opens the next frame, and the ticks held back run one more a frame
        (`TickClock.hold`). The four heaviest ticks of a big town (three make the eve's parts:
        affinity edges, communities, the relaxed bonds and the match with the coalitions; the
        phase end applies them) then never share a frame. So does a frame, but at max speed,
        once its ticks have made `FRAME_RECORDS` records. The town keeps its speed, and where
        each frame stops is a function of the ticks, not of the CPU."""
        due = self.clock.due(dt, speed)
        if limit is not None:
            due = min(due, max(0, limit - timeline.cursor))
        if self.budget is not None:
            self.budget.start()
        records: list[Record] = []
        ran = 0
        full = None
        while ran < due and (ran == 0 or self.budget is None or self.budget.left()):
            try:
                records += timeline.advance_records(1)
            except limits.LimitError as err:
                full = err
                break
            ran += 1
            if ran < due and (makes_eve(timeline.cursor, timeline.flux.eve_ticks) or (
                    speed != MAX_SPEED and len(records) >= FRAME_RECORDS)):
                self.clock.hold(due - ran)  # a part of the eve ran, or a frame's worth: the
                return records, full  # next opens a frame
        if ran < due:
            self.clock.fell_behind()
        return records, full
