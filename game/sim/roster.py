"""The flux's indexes for the per-decision path: who is free in each region, how many stand in
each region, and when each citizen is next due.

Bookkeeping derived from `TownState`, never part of it: the hash does not read it, and the flux
builds it afresh from the state on restore. Its setters (`set_activity`, `set_until`, `move`)
write the state's array and the indexes together, and are the only writers of a citizen's
activity, region and end of activity while the town runs. Plain Python lists and a calendar: a
decision asks a handful of scalar questions, where a scan over every citizen costs O(N).
Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Sequence
from typing import Final

from game.sim.model import NEVER, Activity, TownState

# The heap's and bisect's functions as constants: a compiled module looks a name it imported up
# in its globals at every call, and holds a Final one.
_BISECT_LEFT: Final = bisect.bisect_left
_INSORT: Final = bisect.insort
_HEAPPOP: Final = heapq.heappop
_HEAPPUSH: Final = heapq.heappush

# Activities as plain ints, compiled constants (Final): a numpy integer compared with an
# IntEnum member takes microseconds, and a module's plain name is looked up at each use.
IDLE: Final = int(Activity.IDLE)
WALKING: Final = int(Activity.WALKING)
SOCIALIZING: Final = int(Activity.SOCIALIZING)


class Roster:
    """`free[r]`: idle citizens standing in region r, in ascending order (the order a scan over
    citizens meets them); `counts[r]`: citizens in region r, walkers counted at their
    destination; `activity`, `region` and `until` (the tick an activity ends): copies of the
    state's arrays of those names, as plain ints.

    Who is due when is a calendar: `buckets[k]` lists citizens due at tick k, and `ticks` is a
    heap of the ticks that have a bucket. A citizen is filed under its end, or under the next
    tick to be taken when that end is already past (`taken` is the last tick taken). An entry
    is live while its citizen is due by the bucket's tick (`until[i] <= k`); entries left
    behind when an end moves are skipped when their bucket comes up."""

    def __init__(self, state: TownState, regions: int) -> None:
        """The indexes of `state`, from scratch."""
        self.state = state
        self.activity: list[int] = state.activity.tolist()
        self.region: list[int] = state.region.tolist()
        self.until: list[int] = state.busy_until.tolist()
        # The state's arrays written a citizen at a time through memoryviews on them: numpy's
        # own item assignment costs twice as much, for the same bits (an int into int64).
        self._activity_out = state.activity.data
        self._region_out = state.region.data
        self._until_out = state.busy_until.data
        self.partner = state.partner.data  # read and written by the flux as well
        self.last_event = state.last_event_tick.data
        self.walk_origin = state.walk_origin.data
        self.free: list[list[int]] = [[] for _ in range(regions)]
        self.counts = [0] * regions
        for i, r in enumerate(self.region):
            self.counts[r] += 1
            if self.activity[i] == IDLE:
                self.free[r].append(i)
        self.buckets: dict[int, list[int]] = {}
        self.ticks: list[int] = []
        self.taken = state.tick
        for i, u in enumerate(self.until):
            self.file(i, u)

    # --- the setters: the state's array and the indexes, together ---------------------------

    def set_activity(self, i: int, activity: int) -> None:
        """Citizen i takes up `activity` (joining or leaving its region's free list)."""
        activity = int(activity)  # numpy takes an IntEnum member ten times slower than an int
        was = self.activity[i]
        if was != activity:
            if was == IDLE:
                free = self.free[self.region[i]]
                del free[_BISECT_LEFT(free, i)]
            elif activity == IDLE:
                _INSORT(self.free[self.region[i]], i)
            self.activity[i] = activity
            self._activity_out[i] = activity

    def set_until(self, i: int, tick: int) -> None:
        """Citizen i's activity ends at `tick` (NEVER: a rest that only a wake ends)."""
        self.until[i] = tick
        self._until_out[i] = tick
        self.file(i, tick)

    def idle_all(self, members: Sequence[int], ticks: Sequence[int]) -> None:
        """`set_activity(i, IDLE)` and `set_until(i, tick)` for many distinct citizens at once
        (a morning wakes most of a city): each list touched once, the calendar a bucket a
        tick."""
        activity, region, until = self.activity, self.region, self.until
        joining: dict[int, list[int]] = {}  # region → its citizens becoming free
        due: dict[int, list[int]] = {}  # tick → its citizens
        for i, tick in zip(members, ticks, strict=True):
            if activity[i] != IDLE:
                activity[i] = IDLE
                joining.setdefault(region[i], []).append(i)
            until[i] = tick
            due.setdefault(tick, []).append(i)
        for r, more in joining.items():
            self.free[r].extend(more)
            self.free[r].sort()
        index = list(members)
        self.state.activity[index] = IDLE
        self.state.busy_until[index] = ticks
        for tick, who in due.items():
            self.file_all(who, tick)

    def move(self, i: int, dest: int) -> None:
        """Citizen i now belongs to region `dest` (a walker, to where it walks)."""
        was = self.region[i]
        self.counts[was] -= 1
        self.counts[dest] += 1
        if self.activity[i] == IDLE:
            free = self.free[was]
            del free[_BISECT_LEFT(free, i)]
            _INSORT(self.free[dest], i)
        self.region[i] = dest
        self._region_out[i] = dest

    # --- questions -----------------------------------------------------------------------------

    def free_in(self, region: int, *besides: int) -> list[int]:
        """The free citizens in `region` other than `besides`, in ascending order."""
        out = self.free[region][:]
        for j in besides:
            at = _BISECT_LEFT(out, j)
            if at < len(out) and out[at] == j:
                del out[at]
        return out

    def file(self, i: int, tick: int) -> None:
        """File citizen i as due at `tick` (at the next tick to be taken if that is past)."""
        bucket = self._bucket(tick)
        if bucket is not None:
            bucket.append(i)

    def file_all(self, members: list[int], tick: int) -> None:
        """`file(i, tick)` for each of `members`."""
        bucket = self._bucket(tick)
        if bucket is not None:
            bucket.extend(members)

    def _bucket(self, tick: int) -> list[int] | None:
        """The bucket of the citizens due at `tick` (the next tick to be taken if that is
        past), made if there is none; None for NEVER."""
        if tick == NEVER:
            return None
        if tick <= self.taken:
            tick = self.taken + 1
        bucket = self.buckets.get(tick)
        if bucket is None:
            bucket = self.buckets[tick] = []
            _HEAPPUSH(self.ticks, tick)
        return bucket

    def take_due(self, t: int) -> list[int]:
        """Every citizen whose activity ends at or before tick t, in ascending order; their
        buckets are emptied (each citizen is filed again with its next end)."""
        ticks, buckets, until = self.ticks, self.buckets, self.until
        self.taken = t
        due: list[int] = []
        while ticks and ticks[0] <= t:  # mostly one bucket: tick t's
            due += [i for i in buckets.pop(_HEAPPOP(ticks)) if until[i] <= t]
        return sorted(set(due)) if len(due) > 1 else due

    def next_due(self) -> int:
        """The earliest tick anyone is due (NEVER if everyone rests until woken). A citizen
        whose end is already past counts as due at the next tick to be taken: to the flux,
        which asks whether a coming tick has anyone due, that is the same answer."""
        ticks, buckets, until = self.ticks, self.buckets, self.until
        while ticks:
            key = ticks[0]
            for i in buckets[key]:
                if until[i] <= key:
                    return key
            del buckets[_HEAPPOP(ticks)]
        return NEVER

    def filed(self) -> dict[int, int]:
        """Each citizen's earliest live entry (citizen → tick), to compare with a rebuild."""
        out: dict[int, int] = {}
        for key in sorted(self.buckets):
            for i in self.buckets[key]:
                if self.until[i] <= key:
                    out.setdefault(i, key)
        return out
