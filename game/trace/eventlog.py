"""The events of a history in columns: a few bytes per event instead of a pydantic model.

One `EventLog` per branch holds its own events as typed arrays (tick, seq, op, participants,
subject, region, flags, reason, message, dialogue, tokens, drama, card, metadata), written
straight from the flux's records, and builds an `Event` only when one is read, equal to the one
the record makes, field for field. Texts are kept as
templates: the citizens' names an event names (its participants' in order, then its subject's)
become numbered holes, so "Ada greeted Bruno" and "Cleo greeted Dan" share "{0} greeted {1}", and
a template is kept once however many events use it. Each template is checked when it is made: a
text it would not give back exactly is kept whole instead. An event the columns cannot hold (a
metadata value of an unusual type, a number too big) is kept as a built `Event`.

`Events` is a read-only sequence over stretches of logs: it builds each `Event` when asked for
it, so slicing or counting a long history costs nothing per event.

Pure: never imports pygame, the view or the command line.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar, overload

import numpy as np
import numpy.typing as npt

from game.sim.events import Event, Record
from game.sim.model import Citizen
from game.sim.townmap import REGION_NAMES

NAMED = 16  # the participants whose names a template may leave holes for (then the subject)
# Events built lately, kept for the next frame: the window reads the same recent ones (feed,
# inspector) frame after frame.
BUILT = 1024
_SUCCESS, _PERTURBATION, _KEPT = 1, 2, 4  # flag bits
_INT32 = 1 << 31
_EXACT = 1 << 53  # integers a float holds exactly (metadata values live in one float column)
_NONE = -1

Shape = tuple[tuple[str, str], ...]  # metadata keys and the kind of each value
Read = TypeVar("Read")


def _recent(kept: dict[int, Read], k: int, make: Callable[[int], Read]) -> Read:
    """`kept[k]`, made first if it is not there; past BUILT, the oldest read is let go."""
    got = kept.get(k)
    if got is None:
        got = kept[k] = make(k)
        if len(kept) > BUILT:
            del kept[next(iter(kept))]
    return got


class Words:
    """Strings kept once each, numbered in the order first seen."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._codes: dict[str, int] = {}

    def code(self, text: str) -> int:
        found = self._codes.get(text)
        if found is None:
            found = self._codes[text] = len(self.items)
            self.items.append(text)
        return found

    def optional(self, text: str | None) -> int:
        return _NONE if text is None else self.code(text)

    def nbytes(self) -> int:
        return (sum(sys.getsizeof(w) for w in self.items) + sys.getsizeof(self.items)
                + sys.getsizeof(self._codes))


def template(text: str, names: Sequence[str]) -> str:
    """`text` with each of `names` replaced by its hole (`{k}`), braces escaped; formatting the
    result with `names` gives `text` back (or the caller keeps `text` whole)."""
    out = text.replace("{", "{{").replace("}", "}}") if "{" in text or "}" in text else text
    for k in sorted(range(len(names)), key=lambda k: -len(names[k])):
        name = names[k]
        if name and name in out:
            out = out.replace(name, f"{{{k}}}")
    return out


def _kind(value: object) -> str | None:
    """How a metadata value is kept in the float column (None: it cannot be)."""
    if type(value) is bool:
        return "b"
    if type(value) is int:
        return "i" if -_EXACT < value < _EXACT else None
    if type(value) is float:
        return "f"
    if type(value) is str:
        return "s"
    if type(value) is list:
        inner = [_kind(v) for v in value]
        if all(k is not None and k != "l" and len(k) == 1 for k in inner):
            return "l" + "".join(k for k in inner if k is not None)
    return None


class Brief(NamedTuple):
    """What the feed and its search read of an event, straight from the columns: reading a
    whole history's worth of these costs a third of building its events."""

    id: str
    tick: int
    op: str
    message: str
    participants: tuple[str, ...]
    perturbation: bool
    success: bool


class EventLog:
    """One branch's own events, in the order they happened, in columns."""

    def __init__(self, citizens: Sequence[Citizen]) -> None:
        self._ids = tuple(c.id for c in citizens)
        self._names = tuple(c.name for c in citizens)
        self.words = Words()  # ops, regions, cards, templates, metadata strings
        self._shapes: list[Shape] = [()]
        self._shape_codes: dict[Shape, int] = {(): 0}
        self._kept: dict[int, Event] = {}
        self._built: dict[int, Event] = {}
        self._briefs: dict[int, Brief] = {}  # the feed's last rows: read again every frame
        self.ticks = array("i")
        self._seq = array("i")
        self._op = array("i")
        self._first = array("q", [0])  # where each event's participants start in `_who`
        self._who = array("H")
        self._subject = array("h")
        self._region = array("i")
        self._flags = array("B")
        self._reason = array("i")
        self._message = array("i")
        self._dialogue = array("i")
        self._tokens = array("i")
        self._drama = array("d")
        self._card = array("i")
        self._shape = array("i")
        self._start = array("q", [0])  # where each event's metadata values start in `_values`
        self._values = array("d")

    def __len__(self) -> int:
        return len(self.ticks)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The positions of the events with start ≤ tick ≤ end."""
        return bisect_left(self.ticks, start), bisect_right(self.ticks, end)

    def nbytes(self) -> int:
        """What the log holds in memory: its columns and the strings and shapes it keeps."""
        columns = (self.ticks, self._seq, self._op, self._first, self._who, self._subject,
                   self._region, self._flags, self._reason, self._message, self._dialogue,
                   self._tokens, self._drama, self._card, self._shape, self._start,
                   self._values)
        return (sum(sys.getsizeof(c) for c in columns) + self.words.nbytes()
                + sys.getsizeof(self._shapes) + sys.getsizeof(self._shape_codes)
                + sum(sys.getsizeof(s) for s in self._shapes)
                + 2048 * len(self._kept))  # an event kept whole, roughly

    # --- writing -------------------------------------------------------------------------------

    def append(self, records: Sequence[Record]) -> None:
        for record in records:
            if not self._append(record):
                self._keep(record)

    def _append(self, r: Record) -> bool:
        """Write one record into the columns; False (nothing written) if they cannot hold it."""
        if not (0 <= r.tick < _INT32 and 0 <= r.seq < _INT32 and -_INT32 <= r.tokens < _INT32):
            return False
        shape, values = self._metadata(r.metadata)
        if shape < 0:
            return False
        who, subject = r.who, r.subject
        names = self._holes(who, subject)
        words = self.words
        self.ticks.append(r.tick)
        self._seq.append(r.seq)
        self._op.append(words.code(r.op))
        self._who.extend(who)
        self._first.append(len(self._who))
        self._subject.append(subject)
        self._region.append(words.optional(None if r.region < 0 else REGION_NAMES[r.region]))
        self._flags.append(_SUCCESS * r.success | _PERTURBATION * (r.card is not None))
        self._reason.append(self._text(r.reason, names))
        self._message.append(self._text(r.message, names))
        self._dialogue.append(self._text(r.dialogue, names))
        self._tokens.append(r.tokens)
        self._drama.append(r.drama)
        self._card.append(words.optional(r.card))
        self._shape.append(shape)
        self._values.extend(values)
        self._start.append(len(self._values))
        return True

    def _keep(self, r: Record) -> None:
        """A record the columns cannot hold: kept as its event, behind a row of placeholders."""
        self._kept[len(self.ticks)] = r.event(self._ids)
        for column in (self._seq, self._op, self._region, self._reason, self._message,
                       self._dialogue, self._tokens, self._card, self._shape):
            column.append(0)
        self.ticks.append(r.tick)
        self._first.append(len(self._who))
        self._subject.append(_NONE)
        self._flags.append(_KEPT)
        self._drama.append(0.0)
        self._start.append(len(self._values))

    def _holes(self, who: Sequence[int], subject: int) -> list[str]:
        """The names an event's texts may leave holes for: its first participants', then its
        subject's."""
        names = self._names
        out = [names[i] for i in who[:NAMED]]
        out.append(names[subject] if subject >= 0 else "")
        return out

    def _text(self, text: str | None, names: Sequence[str]) -> int:
        if text is None:
            return _NONE
        pattern = template(text, names)
        try:
            exact = pattern.format(*names) == text
        except (ValueError, IndexError):  # a name with braces in it: keep the text whole
            exact = False
        if not exact:
            pattern = text.replace("{", "{{").replace("}", "}}")
        return self.words.code(pattern)

    def _metadata(self, meta: dict[str, Any]) -> tuple[int, list[float]]:
        """(shape code, values) of an event's metadata; shape −1 when it cannot be kept."""
        if not meta:
            return 0, []
        kinds: list[tuple[str, str]] = []
        values: list[float] = []
        for key, value in meta.items():
            kind = _kind(value) if type(key) is str else None
            if kind is None:
                return -1, []
            kinds.append((key, kind))
            for v in (value if kind[0] == "l" else (value,)):
                values.append(self.words.code(v) if type(v) is str else v)
        shape = tuple(kinds)
        code = self._shape_codes.get(shape)
        if code is None:
            code = self._shape_codes[shape] = len(self._shapes)
            self._shapes.append(shape)
        return code, values

    # --- reading -------------------------------------------------------------------------------

    def event(self, k: int) -> Event:
        """The k-th event, built from the columns (or kept from a recent read)."""
        return _recent(self._built, k, self._build)

    def brief(self, k: int) -> Brief:
        """The k-th event as the feed reads it, no `Event` built (kept from a recent read:
        while time runs the feed reads its forty rows a frame, most of them read before)."""
        return _recent(self._briefs, k, self._brief)

    def _brief(self, k: int) -> Brief:
        flags = self._flags[k]
        if flags & _KEPT:
            e = self._kept[k]
            return Brief(e.id, e.tick, e.op, e.message, e.participants, e.perturbation,
                         e.success)
        who = self._who[self._first[k]:self._first[k + 1]]
        words, ids, tick = self.words.items, self._ids, self.ticks[k]
        message = _filled(words, self._message[k], self._holes(who, self._subject[k]))
        return Brief(Event.make_id(tick, self._seq[k]), tick, words[self._op[k]], message or "",
                     tuple(ids[i] for i in who), bool(flags & _PERTURBATION),
                     bool(flags & _SUCCESS))

    def ops(self, lo: int, hi: int) -> tuple[npt.NDArray[np.int64], list[str]]:
        """The ops of events lo..hi−1, none built: a code each, into the names returned."""
        used, codes = np.unique(np.array(self._op[lo:hi], dtype=np.int64), return_inverse=True)
        names = [self.words.items[c] for c in used.tolist()]
        for k in [k for k in self._kept if lo <= k < hi]:  # its row holds a placeholder
            op = self._kept[k].op
            if op not in names:
                names.append(op)
            codes[k - lo] = names.index(op)
        return codes.astype(np.int64, copy=False), names

    def _build(self, k: int) -> Event:
        flags = self._flags[k]
        if flags & _KEPT:
            return self._kept[k]
        ids, words = self._ids, self.words.items
        who = self._who[self._first[k]:self._first[k + 1]]
        subject = self._subject[k]
        names = self._holes(who, subject)
        tick, seq = self.ticks[k], self._seq[k]
        return Event(
            id=Event.make_id(tick, seq), tick=tick, seq=seq, op=words[self._op[k]],
            participants=tuple(ids[i] for i in who),
            subject=ids[subject] if subject >= 0 else None,
            region=_word(words, self._region[k]), success=bool(flags & _SUCCESS),
            reason=_filled(words, self._reason[k], names),
            message=_filled(words, self._message[k], names) or "",
            dialogue=_filled(words, self._dialogue[k], names), tokens=self._tokens[k],
            drama=self._drama[k], perturbation=bool(flags & _PERTURBATION),
            card=_word(words, self._card[k]), metadata=self._read_metadata(k))

    def _read_metadata(self, k: int) -> dict[str, Any]:
        shape = self._shapes[self._shape[k]]
        if not shape:
            return {}
        values = self._values[self._start[k]:self._start[k + 1]].tolist()
        out: dict[str, Any] = {}
        at = 0
        for key, kind in shape:
            if kind[0] == "l":
                out[key] = [self._value(c, values[at + n]) for n, c in enumerate(kind[1:])]
                at += len(kind) - 1
            else:
                out[key] = self._value(kind, values[at])
                at += 1
        return out

    def _value(self, kind: str, value: float) -> object:
        if kind == "f":
            return value
        if kind == "s":
            return self.words.items[int(value)]
        return bool(value) if kind == "b" else int(value)


def _word(words: list[str], code: int) -> str | None:
    return None if code < 0 else words[code]


def _filled(words: list[str], code: int, names: Sequence[str]) -> str | None:
    return None if code < 0 else words[code].format(*names)


class Events(Sequence[Event]):
    """A read-only sequence of events over stretches of logs, oldest first, each `Event` built
    when it is read. Equal to any sequence of the same events."""

    def __init__(self, parts: Sequence[tuple[EventLog, int, int]] = ()) -> None:
        self._parts = [(log, lo, hi) for log, lo, hi in parts if hi > lo]
        self._len = sum(hi - lo for _, lo, hi in self._parts)

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, k: int) -> Event: ...

    @overload
    def __getitem__(self, k: slice) -> Events: ...

    def __getitem__(self, k: int | slice) -> Event | Events:
        if isinstance(k, slice):
            start, stop, step = k.indices(self._len)
            if step != 1:
                raise ValueError("events are sliced with a step of 1")
            return self._between(start, max(start, stop))
        log, at = self._locate(k)
        return log.event(at)

    def __iter__(self) -> Iterator[Event]:
        for log, lo, hi in self._parts:
            for k in range(lo, hi):
                yield log.event(k)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Events({len(self)} events)"

    def op_columns(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
        """The events' ticks and ops, oldest first, none of them built, as columns: the ticks,
        and a code each into the op names returned (the timeline bar's marks: a city records
        tens of thousands a day)."""
        names: dict[str, int] = {}
        ticks, codes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for log, lo, hi in self._parts:
            ticks.append(np.array(log.ticks[lo:hi], dtype=np.int64))
            part, used = log.ops(lo, hi)
            table = np.array([names.setdefault(op, len(names)) for op in used], dtype=np.int64)
            codes.append(table[part])
        return np.concatenate(ticks), np.concatenate(codes), list(names)

    def briefs(self) -> Iterator[Brief]:
        """The events as the feed reads them, oldest first, none of them built."""
        for log, lo, hi in self._parts:
            for k in range(lo, hi):
                yield log.brief(k)

    def tick_at(self, k: int) -> int:
        """The tick of the k-th event, without building it."""
        log, at = self._locate(k)
        return log.ticks[at]

    def _locate(self, k: int) -> tuple[EventLog, int]:
        if k < 0:
            k += self._len
        if not 0 <= k < self._len:
            raise IndexError(f"event {k} of {self._len}")
        for log, lo, hi in self._parts:
            if k < hi - lo:
                return log, lo + k
            k -= hi - lo
        raise AssertionError("unreachable: k was checked against the length")

    def _between(self, start: int, stop: int) -> Events:
        out: list[tuple[EventLog, int, int]] = []
        skipped = 0
        for log, lo, hi in self._parts:
            size = hi - lo
            a, b = max(start - skipped, 0), min(stop - skipped, size)
            if a < b:
                out.append((log, lo + a, lo + b))
            skipped += size
        return Events(out)


class MetricLog:
    """The town's metrics sampled along one branch: a tick column and a float column per
    metric (the first sample names them; the flux always gives the same ones)."""

    def __init__(self) -> None:
        self.ticks = array("i")
        self._columns: dict[str, array[float]] = {}

    def append(self, tick: int, metrics: dict[str, float]) -> None:
        if not self._columns:
            self._columns = {key: array("d") for key in metrics}
        if metrics.keys() != self._columns.keys():
            raise ValueError(f"metrics {sorted(metrics)} are not those sampled before "
                             f"({sorted(self._columns)})")
        self.ticks.append(tick)
        for key, value in metrics.items():
            self._columns[key].append(value)

    def between(self, start: int, end: int) -> list[tuple[int, dict[str, float]]]:
        """The samples with start < tick ≤ end, oldest first."""
        lo, hi = bisect_right(self.ticks, start), bisect_right(self.ticks, end)
        columns = [(key, column[lo:hi].tolist()) for key, column in self._columns.items()]
        return [(tick, {key: values[k] for key, values in columns})
                for k, tick in enumerate(self.ticks[lo:hi])]
