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
    `TownState.busy_until`).

    Who is due when is a calendar: `buckets[k]` lists citizens due at tick k, and `ticks` is a
    heap of the ticks that have a bucket. A citizen is filed under its end, or under the next
    tick to be taken when that end is already past (`taken` is the last tick taken). An entry
    is live while its citizen is due by the bucket's tick (`until[i] <= k`); entries left
    behind when an end moves are skipped when their bucket comes up."""

    free: list[list[int]]
    counts: list[int]
    until: list[int]
    buckets: dict[int, list[int]]
    ticks: list[int]
    taken: int

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
        roster = Roster(free, counts, state.busy_until.tolist(), {}, [], state.tick)
        for i, u in enumerate(roster.until):
            roster.file(i, u)
        return roster

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
        """Citizen i's activity ends at `tick`."""
        self.until[i] = tick
        self.file(i, tick)

    def file(self, i: int, tick: int) -> None:
        """File citizen i as due at `tick` (at the next tick to be taken if that is past)."""
        if tick == NEVER:
            return
        key = max(tick, self.taken + 1)
        bucket = self.buckets.get(key)
        if bucket is None:
            self.buckets[key] = [i]
            heapq.heappush(self.ticks, key)
        else:
            bucket.append(i)

    def take_due(self, t: int) -> list[int]:
        """Every citizen whose activity ends at or before tick t, in ascending order; their
        buckets are emptied (the flux files each citizen again with its next end)."""
        ticks, buckets, until = self.ticks, self.buckets, self.until
        taken: set[int] = set()
        while ticks and ticks[0] <= t:
            for i in buckets.pop(heapq.heappop(ticks)):
                if until[i] <= t:
                    taken.add(i)
        self.taken = t
        return sorted(taken)

    def next_due(self) -> int:
        """The earliest tick anyone is due (NEVER if everyone rests until woken). A citizen
        whose end is already past counts as due at the next tick to be taken: to the flux,
        which asks whether a coming tick has anyone due, that is the same answer."""
        ticks, buckets, until = self.ticks, self.buckets, self.until
        while ticks:
            key = ticks[0]
            if any(until[i] <= key for i in buckets[key]):
                return key
            del buckets[heapq.heappop(ticks)]
        return NEVER

    def filed(self) -> dict[int, int]:
        """Each citizen's earliest live entry (citizen → tick), to compare with a rebuild."""
        out: dict[int, int] = {}
        for key in sorted(self.buckets):
            for i in self.buckets[key]:
                if self.until[i] <= key:
                    out.setdefault(i, key)
        return out
