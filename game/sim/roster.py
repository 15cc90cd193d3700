"""The flux's indexes for the per-decision path: who is free in each region, how many stand in
each region, and when each citizen is next due.

Bookkeeping derived from `TownState`, never part of it: the hash does not read it, and the flux
rebuilds it from the state on restore (`Roster.of`). While the town runs, the flux keeps it in
step through its setters (`set_activity`, `set_until`, `move`), the only writers of a citizen's
activity, region and end of activity. Plain Python lists and a heap: a decision asks them a
handful of scalar questions, where a scan over every citizen with numpy costs O(N).
Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from dataclasses import dataclass

from game.sim.model import NEVER, Activity, TownState

IDLE = int(Activity.IDLE)


@dataclass
class Roster:
    """`free[r]`: idle citizens standing in region r, in ascending order (the order a scan over
    citizens meets them); `counts[r]`: citizens in region r, walkers counted at their
    destination; `until[i]`: the tick citizen i's activity ends (a copy of
    `TownState.busy_until`); `due`: a heap of (tick, citizen) holding (until[i], i) for every
    citizen not resting for good, and stale entries skipped when they surface."""

    free: list[list[int]]
    counts: list[int]
    until: list[int]
    due: list[tuple[int, int]]

    @staticmethod
    def of(state: TownState, regions: int) -> Roster:
        """The indexes of `state`, from scratch."""
        free: list[list[int]] = [[] for _ in range(regions)]
        counts = [0] * regions
        activity = state.activity.tolist()
        for i, r in enumerate(state.region.tolist()):
            counts[r] += 1
            if activity[i] == IDLE:
                free[r].append(i)
        until = state.busy_until.tolist()
        due = [(u, i) for i, u in enumerate(until) if u != NEVER]
        heapq.heapify(due)
        return Roster(free, counts, until, due)

    def leave(self, i: int, region: int) -> None:
        """Citizen i, idle in `region`, is no longer free there."""
        free = self.free[region]
        del free[bisect_left(free, i)]

    def join(self, i: int, region: int) -> None:
        """Citizen i is idle in `region`, free for others to meet."""
        insort(self.free[region], i)

    def free_in(self, region: int, *besides: int) -> list[int]:
        """The free citizens in `region` other than `besides`, in ascending order."""
        out = self.free[region][:]
        for j in besides:
            at = bisect_left(out, j)
            if at < len(out) and out[at] == j:
                del out[at]
        return out

    def set_until(self, i: int, tick: int) -> None:
        self.until[i] = tick
        if tick != NEVER:
            heapq.heappush(self.due, (tick, i))

    def take_due(self, t: int) -> list[int]:
        """Every citizen whose activity ends at or before tick t, in ascending order; their
        entries leave the heap (the flux pushes a new one with each new end)."""
        due = self.due
        until = self.until
        taken: set[int] = set()
        while due and due[0][0] <= t:
            tick, i = heapq.heappop(due)
            if until[i] == tick:
                taken.add(i)
        return sorted(taken)

    def next_due(self) -> int:
        """The earliest tick any citizen's activity ends (NEVER if everyone rests)."""
        due = self.due
        until = self.until
        while due and until[due[0][1]] != due[0][0]:
            heapq.heappop(due)
        return due[0][0] if due else NEVER

    def entries(self) -> set[tuple[int, int]]:
        """The heap's live entries, for comparing with a rebuild (stale ones left out)."""
        return {(u, i) for u, i in self.due if self.until[i] == u}
