"""Which events a person asked to see in the feed: a kind (every event, the cards' doing, the
failures, coalitions formed and dissolved, one citizen's), a name searched for, and words the
row must hold. The window, the dashboard and the terminal UI all filter their feeds with it.

`FeedFilter.matches` decides for one feed row; `Found` gathers the matching rows of one branch's
history as it grows, so the feed can show the matches before any moment and the timeline can
mark them all. Pure: never imports pygame or the view.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from game.projections.history import FeedRow, feed_row
from game.sim.events import Event
from game.trace.eventlog import Brief

KINDS = ("all", "cards", "failures", "coalitions", "citizen")  # in the order the chips show
COALITION_OPS = frozenset({"coalition_formed", "coalition_dissolved"})


@dataclass(frozen=True)
class FeedFilter:
    """`kind` is one of KINDS; `citizen` names the one citizen of kind "citizen" (None: nobody
    chosen, so nothing matches); `query` is part of a name, in any case; `words` are what the
    row's text, operation or names must hold, every one of them, in any case."""

    kind: str = "all"
    citizen: str | None = None
    query: str = ""
    words: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"no feed filter {self.kind!r}: one of {', '.join(KINDS)}")

    @property
    def active(self) -> bool:
        """Whether it leaves any row out."""
        return self.kind != "all" or bool(self.query.strip()) or bool(self._words)

    def narrows(self, wider: FeedFilter) -> bool:
        """Whether every row this filter keeps, `wider` keeps too (a kind chosen after all, a
        longer query, words that hold each of `wider`'s): its matches are among `wider`'s."""
        kind = wider.kind == "all" or (wider.kind, wider.citizen) == (self.kind, self.citizen)
        words = all(any(word in mine for mine in self._words) for word in wider._words)
        return kind and self._query.startswith(wider._query) and words

    @property
    def _query(self) -> str:
        return self.query.strip().casefold()

    @property
    def _words(self) -> list[str]:
        return self.words.casefold().split()

    def matches(self, row: FeedRow) -> bool:
        return self._of_kind(row) and self._named(row) and self._worded(row)

    def _of_kind(self, row: FeedRow) -> bool:
        match self.kind:
            case "cards":
                return row.perturbation
            case "failures":
                return not row.success
            case "coalitions":
                return row.op in COALITION_OPS
            case "citizen":
                return self.citizen is not None and self.citizen in row.who
        return True

    def _named(self, row: FeedRow) -> bool:
        query = self._query
        return not query or any(query in name.casefold() for name in row.who)

    def _worded(self, row: FeedRow) -> bool:
        words = self._words
        if not words:
            return True
        said = " ".join((row.text, row.op, *row.who)).casefold()
        return all(word in said for word in words)


EVERY_EVENT = FeedFilter()  # no filter


def filtered(rows: Iterable[FeedRow], wanted: FeedFilter) -> tuple[FeedRow, ...]:
    """The rows `wanted` matches, in their order."""
    return tuple(row for row in rows if wanted.matches(row))


class Found:
    """The rows of one branch's history a filter matches, in time order: `add` the branch's
    events batch by batch as its head grows."""

    def __init__(self, wanted: FeedFilter) -> None:
        self.wanted = wanted
        self.rows: list[FeedRow] = []
        self.ticks: list[int] = []  # each row's tick: what the timeline marks
        self.upto = -1  # the last tick added

    def add(self, events: Iterable[Event | Brief], names: Mapping[str, str], upto: int) -> None:
        for event in events:
            row = feed_row(event, names)
            if self.wanted.matches(row):
                self.rows.append(row)
                self.ticks.append(row.tick)
        self.upto = upto

    def narrowed(self, wanted: FeedFilter) -> Found:
        """The matches of `wanted`, a filter that narrows this one, up to the same tick: read
        from these rows, not the history again."""
        found = Found(wanted)
        found.rows = [row for row in self.rows if wanted.matches(row)]
        found.ticks = [row.tick for row in found.rows]
        found.upto = self.upto
        return found

    def before(self, tick: int, window: int, size: int) -> tuple[FeedRow, ...]:
        """The latest `size` matches of the `window` ticks up to `tick` (its own included),
        newest first: the feed as it reads at `tick`."""
        end = bisect_right(self.ticks, tick)
        start = max(bisect_left(self.ticks, tick - window), end - size)
        return tuple(reversed(self.rows[start:end]))
