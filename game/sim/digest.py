"""The state hash: a short blake2b of the canonical state, RNG included, taken at once or a
slice at a time.

Relationships and trust are hashed by what sets them apart: the pairs whose bond is no longer
its initial value, and the pairs with trust counted, as (i, j) and value in row-major order
(the initial bonds follow from the seed). Then the arrays, then one JSON document of the rest,
keys sorted. Most of a city's hash is the JSON of its citizens' memories (33 ms of a
`city:2500` day's end, 128 ms of a `city:10000`'s), and the arrays are megabytes: a `Digest`
copies the citizens' arrays' bytes and the stores' values and takes the rest of the state when
it is made, keeps the citizens' lists (their tuples are never changed in place, so the lists'
copies stand still), and `step` finds the stores' moved pairs and hashes it all a slice at a
time, so that the tick at a day's end need not stall a frame. The bytes hashed are the same
however they are sliced.

Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np

from game.sim.bonds import PairValues, moved_pairs

if TYPE_CHECKING:
    from game.sim.model import TownState

SLICE = 32  # citizens' lists encoded by one step (a fraction of a millisecond in a city)
BYTES_A_CITIZEN = 4096  # bytes of the arrays hashed by a step in place of a citizen's lists
_ENCODER = json.JSONEncoder(sort_keys=True, default=str)  # json.dumps(…, sort_keys, default)
_LONG = ("heard", "memories")  # the rest's entries a citizen long, encoded a slice at a time


class _Memories(list[tuple[object, ...]]):
    """The citizens' memories, each citizen's one flat tuple (tick, op, text, tick, …),
    encoded as they were kept before: a list of [tick, op, text] a citizen."""

    def items(self, start: int, end: int) -> list[object]:
        return [list(zip(m[0::3], m[1::3], m[2::3], strict=True)) for m in self[start:end]]


# What is still to hash: a text, bytes, a list of items to encode, or the bytes of a store's
# moved pairs, a slice of the store at a time.
Piece = bytes | str | list[object] | _Memories | Iterator[bytes]
PAIRS_A_SLICE = SLICE * BYTES_A_CITIZEN // 8  # stored pairs looked through for one slice


def _moved(store: PairValues) -> list[Iterator[bytes]]:
    """The bytes of the store's moved pairs' rows, columns and values (`moved_pairs`), each
    found a slice of the store at a time from its values as they stand now."""
    codes, bases, values = store.held()

    def part(k: int) -> Iterator[bytes]:
        for start in range(0, codes.size, PAIRS_A_SLICE):
            end = start + PAIRS_A_SLICE
            yield moved_pairs(store.n, codes[start:end], bases[start:end],
                              values[start:end])[k].tobytes()

    return [part(k) for k in range(3)]


class Digest:
    """The hash of a town state as it stood when this was made."""

    def __init__(self, s: TownState) -> None:
        self._hash = hashlib.blake2b(digest_size=8)
        # The arrays' bytes, copied now and hashed a slice at a time too (a city's are
        # megabytes: 3 ms of blake2b at a day's end). The moved pairs of the bonds and the
        # trust are found a slice of the stores at a time as well, from their values as they
        # stand now (finding them all at once took 5 ms of a city's fourth day's end).
        per_citizen = (s.surplus, s.reputation, s.region, s.spot, s.activity, s.busy_until,
                       s.partner, s.walk_origin, s.walk_from_spot, s.walk_from, s.last_event_tick)
        self._work: deque[Piece] = deque(
            [np.ascontiguousarray(s.personality).tobytes(), *_moved(s.bonds), *_moved(s.trust),
             *(np.ascontiguousarray(arr).tobytes() for arr in per_citizen)])
        rest: dict[str, object] = {
            "tick": s.tick, "seq": s.seq, "rng": s.rng_state,
            "drama": s.drama.hex(), "drama_tick": s.drama_tick,
            "storm_until": s.storm_until, "tokens": s.tokens,
            "pending": sorted((k, asdict(v)) for k, v in s.pending.items()),
            "coalitions": [(c.id, sorted(c.members)) for c in s.coalitions],
            "coalition_counter": s.coalition_counter,
            "rumors": [(r.id, r.subject, r.origin, sorted(r.reached), r.tick)
                       for r in s.rumors],
            "festival": asdict(s.festival) if s.festival else None,
            "queue": [p.model_dump() for p in s.queue],
            "events_per_day": sorted(s.events_per_day.items()),
            "op_counts": sorted(s.op_counts.items()), "perturbations": s.perturbations,
        }
        long: dict[str, list[object] | _Memories] = {"heard": list(s.heard),
                                                     "memories": _Memories(s.memories)}
        # Then what json.dumps(rest | long, sort_keys=True, default=str) writes, in pieces: a
        # text ready to hash, or a list whose items are still to encode.
        text = "{"
        for k, key in enumerate(sorted([*rest, *_LONG])):
            text += f"{', ' if k else ''}{json.dumps(key)}: "
            if key in long:
                self._work.extend((text + "[", long[key]))
                text = "]"
            else:
                text += _ENCODER.encode(rest[key])
        self._work.append(text + "}")
        self._at = 0  # the next item (or byte) of the list (or bytes) at the front of the work
        self._value: str | None = None

    @property
    def done(self) -> bool:
        return self._value is not None

    def step(self, citizens: int = SLICE) -> bool:
        """Hash up to `citizens` more of the lists' items (and the text between them), or
        BYTES_A_CITIZEN bytes of the arrays for each; True once the hash is whole."""
        work = self._work
        while work and (citizens > 0 or isinstance(work[0], str)):
            piece = work[0]
            if isinstance(piece, Iterator):  # the next slice of a store's moved pairs
                chunk = next(piece, None)
                if chunk is None:
                    work.popleft()
                else:
                    work.appendleft(chunk)
                continue
            if isinstance(piece, str):
                self._hash.update(piece.encode())
                work.popleft()
                continue
            if isinstance(piece, bytes):
                end = min(len(piece), self._at + citizens * BYTES_A_CITIZEN)
                self._hash.update(memoryview(piece)[self._at:end])
                citizens -= -(-(end - self._at) // BYTES_A_CITIZEN)
                self._at = end
                if end == len(piece):
                    work.popleft()
                    self._at = 0
                continue
            end = min(len(piece), self._at + citizens)
            part = piece.items(self._at, end) if isinstance(piece, _Memories) else \
                piece[self._at:end]
            items = _ENCODER.encode(part)[1:-1]  # "[a, b]" → "a, b"
            self._hash.update(((", " if self._at and items else "") + items).encode())
            citizens -= end - self._at
            self._at = end
            if end == len(piece):
                work.popleft()
                self._at = 0
        if not work and self._value is None:
            self._value = self._hash.hexdigest()
        return self._value is not None

    def hexdigest(self) -> str:
        """The hash, the rest of the work done now if it is not done yet."""
        self.step(1 << 62)
        assert self._value is not None
        return self._value
