"""Values of ordered pairs of citizens (bonds, trust), stored only where they moved.

A town of N citizens has N² bonds, and an interaction moves a handful of them. `PairValues`
holds a value for every ordered pair (i, j): a base value computed on demand (a bond's initial
value, a function of the two initial personalities; zero for trust) and the pairs whose value was
ever set, sorted by their code i·N + j, the row-major order dense code visits them in. A
`city:10000` needs no N² array. Pure: never imports pygame, the view or the trace.

The initial bond of a pair is 0.3 × the cosine of the two centred personalities, summed over the
dimensions one by one with IEEE products (no BLAS, whose order of summation depends on the CPU
and its threads): one pair, one row or the whole matrix give the same bits.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from game import config

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Pairs set for the first time wait in a dict until there are MERGE_AT of them, or one in
# MERGE_SHARE of those stored: a merge moves every stored pair, so big stores merge seldom. At
# most MERGE_MOST wait: a merge also turns every waiting pair into arrays and frees the dict,
# and a city's ten-day store (300,000 pairs) let 9,000 wait and merged them in a 16 ms tick.
MERGE_AT: Final = 256
MERGE_SHARE: Final = 32
MERGE_MOST: Final = 4096
ROW_CACHE_CELLS: Final = 1 << 21  # base values kept in remembered rows (16 MB)
MATRIX_CACHE_CELLS: Final = 1 << 16  # the whole matrix of base values is kept up to this size
FEW_BASES: Final = 64  # up to this many pairs' base values are found pair by pair, not in arrays


def unit_personalities(personality: FloatArray) -> FloatArray:
    """Centred personalities scaled to length 1 (a zero one stays zero), read-only."""
    centred = personality - config.PERSONALITY_BASE
    norms = np.sqrt(_sum_over_dims(centred * centred))
    norms[norms == 0] = 1.0
    unit: FloatArray = centred / norms[:, None]
    unit.flags.writeable = False
    return unit


def initial_bonds(columns: FloatArray, i: IntArray, j: IntArray) -> FloatArray:
    """The initial bonds of the pairs (i[k], j[k]); nobody relates to themselves. `columns` are
    the unit personalities a dimension a row (D × N)."""
    dot = columns[0].take(i) * columns[0].take(j)
    for k in range(1, columns.shape[0]):
        dot += columns[k].take(i) * columns[k].take(j)
    rel: FloatArray = config.INITIAL_REL_SCALE * dot
    rel[i == j] = 0.0
    return np.clip(rel, -1.0, 1.0, out=rel)


def initial_rows(columns: FloatArray, start: int, stop: int) -> FloatArray:
    """Rows start..stop−1 of the initial bond matrix (the same bits as pair by pair)."""
    dot = columns[0, start:stop, None] * columns[0, None, :]
    for k in range(1, columns.shape[0]):
        dot += columns[k, start:stop, None] * columns[k, None, :]
    rel: FloatArray = config.INITIAL_REL_SCALE * dot
    own = np.arange(start, stop)
    rel[own - start, own] = 0.0
    return np.clip(rel, -1.0, 1.0, out=rel)


def initial_row(columns: FloatArray, i: int) -> FloatArray:
    """`initial_rows(columns, i, i + 1)[0]` in a third of the calls: every product at once,
    added dimension after dimension by one reduce along them (from −0.0, which adding leaves
    every value as it is, where numpy's own start, 0.0, would turn a sum of −0.0s into 0.0)."""
    rel: FloatArray = config.INITIAL_REL_SCALE * np.add.reduce(
        columns * columns[:, i:i + 1], axis=0, initial=-0.0)
    rel[i] = 0.0
    return np.clip(rel, -1.0, 1.0, out=rel)


def initial_relationships(personality: FloatArray) -> FloatArray:
    """The whole N × N initial bond matrix: a dense reference for small towns."""
    columns = np.ascontiguousarray(unit_personalities(personality).T)
    return initial_rows(columns, 0, columns.shape[1])


def _sum_over_dims(a: FloatArray) -> FloatArray:
    """Row sums of an (N, D) array, dimension after dimension."""
    out = a[:, 0].copy()
    for k in range(1, a.shape[1]):
        out += a[:, k]
    return out


class PairValues:
    """A value for each ordered pair (i, j) of n citizens: a base value unless it was set.

    Set pairs live in three aligned arrays sorted by code (`codes`, `values`, `bases`); a pair
    set for the first time waits in `recent` (code → value, and by row) until enough of them are
    merged in at once, so setting a value costs a dict write, not an insertion into big arrays.
    A pair once set stays stored (even set back to its base): the stored pairs are the touched
    ones. `codes` and `bases` are replaced when pairs are added, never written (read-only), so
    copies share them: a keyframe copies only the values.
    """

    def __init__(self, n: int, unit: FloatArray | None) -> None:
        self.n = n
        # The unit personalities (never written, shared by copies): as rows of Python floats
        # for one pair (tuples, which the garbage collector stops walking once it has seen
        # them), as a dimension a row for many. Without them the base value is 0.
        self.unit: tuple[tuple[float, ...], ...] | None = (
            None if unit is None else tuple(map(tuple, unit.tolist())))
        self.columns = None if unit is None else np.ascontiguousarray(unit.T)
        self.row_cache: dict[int, FloatArray] = {}  # single rows of base values, shared too
        self.matrix_cache: list[FloatArray] = []  # a small town's whole base matrix, shared too
        self.strong_cache: dict[float, tuple[IntArray, IntArray]] = {}  # shared too
        # Every code ever set here or in a copy (shared, it only grows): a pair not in it holds
        # its base value, known without a search. A dict of ints to None, not a set: the
        # garbage collector leaves such a dict alone, and walked a city's set of hundreds of
        # thousands at each full collection (25 ms of a city:10000's).
        self.known: dict[int, None] = {}
        self.codes: IntArray = _frozen(np.zeros(0, dtype=np.int64))
        self.values: FloatArray = np.zeros(0)
        self.bases: FloatArray = _frozen(np.zeros(0))
        self.recent: dict[int, float] = {}
        self.recent_rows: dict[int, list[int]] = {}  # row → the codes of it in `recent`
        # Codes looked up in `codes` → where they sit there (−1: not there), until pairs are
        # added: a town's bonds are looked up over and over between two merges. Replaced,
        # never cleared, when `codes` is, so copies sharing `codes` may share it too.
        self._positions: dict[int, int] = {}
        # Codes set since `watch` (repeats allowed), while watched: the pairs a phase end's eve
        # looks at again. Never shared: a copy is not watched.
        self.touched: list[int] | None = None

    def __len__(self) -> int:
        return int(self.codes.size) + len(self.recent)

    def __deepcopy__(self, memo: dict[int, Any]) -> PairValues:
        out = self._shallow()  # shared: unit personalities, remembered rows, the known codes,
        out.values = self.values.copy()  # the codes and base values
        out.recent = dict(self.recent)
        out.recent_rows = {row: list(codes) for row, codes in self.recent_rows.items()}
        out.touched = None
        return out

    def _shallow(self) -> PairValues:
        """A copy holding this one's very containers, for the caller to replace what copies
        do not share (`copy.copy`, which a compiled class does not support)."""
        out = PairValues(self.n, None)
        out.unit, out.columns, out.known = self.unit, self.columns, self.known
        out.row_cache, out.matrix_cache = self.row_cache, self.matrix_cache
        out.strong_cache, out._positions = self.strong_cache, self._positions
        out.codes, out.values, out.bases = self.codes, self.values, self.bases
        out.recent, out.recent_rows, out.touched = self.recent, self.recent_rows, self.touched
        return out

    @property
    def nbytes(self) -> int:
        """Memory held by the stored pairs (the dict at about 100 bytes an entry)."""
        return self.codes.nbytes + self.values.nbytes + self.bases.nbytes + 100 * len(self.recent)

    def shared(self) -> tuple[IntArray, FloatArray]:
        """The arrays copies share until pairs are added: the codes and the base values."""
        return self.codes, self.bases

    # --- one pair ------------------------------------------------------------------------------

    def get(self, i: int, j: int) -> float:
        code = i * self.n + j
        if code not in self.known:
            return self.base(i, j)
        value = self.recent.get(code)
        if value is not None:
            return value
        pos = self._position(code)
        return float(self.values[pos]) if pos >= 0 else self.base(i, j)

    def row(self, i: int) -> list[float]:
        """Citizen i's values to everyone, one by one: `rows(i, i + 1)[0]` as floats."""
        return [self.get(i, j) for j in range(self.n)]

    def watch(self) -> None:
        """Note the code of every pair set from now on (`touched`)."""
        self.touched = []

    def set(self, i: int, j: int, value: float) -> None:
        code = i * self.n + j
        if self.touched is not None:
            self.touched.append(code)
        if code not in self.known:
            self.known[code] = None
            self.recent_rows.setdefault(i, []).append(code)
        elif code not in self.recent:
            pos = self._position(code)
            if pos >= 0:
                self.values[pos] = value
                return
            self.recent_rows.setdefault(i, []).append(code)
        self.recent[code] = value
        if len(self.recent) >= min(max(MERGE_AT, self.codes.size // MERGE_SHARE), MERGE_MOST):
            self.merge()

    def add(self, i: int, j: int, amount: float) -> None:
        """`set(i, j, get(i, j) + amount)`, the pair looked up once."""
        code = i * self.n + j
        if self.touched is not None:
            self.touched.append(code)
        recent = self.recent
        if code in recent:
            recent[code] += amount
            return
        if code in self.known:
            pos = self._position(code)
            if pos >= 0:
                self.values[pos] += amount
                return
        self.set(i, j, self.get(i, j) + amount)

    def _position(self, code: int) -> int:
        """Where a code sits in the sorted arrays, or −1."""
        pos = self._positions.get(code)
        if pos is None:
            pos = int(self.codes.searchsorted(code))
            if pos >= self.codes.size or self.codes[pos] != code:
                pos = -1
            self._positions[code] = pos
        return pos

    def base(self, i: int, j: int) -> float:
        """The base value of one pair, with the same bits as `initial_bonds`."""
        if self.unit is None or i == j:
            return 0.0
        a, b = self.unit[i], self.unit[j]
        dot = a[0] * b[0]
        for k in range(1, len(a)):
            dot += a[k] * b[k]
        return min(max(config.INITIAL_REL_SCALE * dot, -1.0), 1.0)

    # --- many pairs at once --------------------------------------------------------------------

    def bases_of(self, i: IntArray, j: IntArray) -> FloatArray:
        if self.columns is None:
            return np.zeros(i.size)
        if i.size > FEW_BASES:
            return initial_bonds(self.columns, i, j)
        rows, columns = i.tolist(), j.tolist()  # a few: pair by pair, the same bits
        return np.fromiter([self.base(rows[k], columns[k]) for k in range(len(rows))],
                           np.float64, len(rows))

    def strong_bases(self, floor: float) -> tuple[IntArray, IntArray]:
        """The pairs (i < j) whose base value is at least `floor` (> 0), in row-major order;
        found once, shared by copies.

        A base 0.3 u_i·u_j of unit vectors reaches the floor only if u_i·u_j ≥ c = floor / 0.3,
        and then |u_i − u_j|² = 2 − 2 u_i·u_j ≤ 2 − 2c bounds the difference along the first
        dimension: only citizens that close along it (rounding allowed for) are compared.
        """
        if floor <= 0.0:
            raise ValueError("a positive floor: every pair of a zero personality is at 0")
        found = self.strong_cache.get(floor)
        if found is not None:
            return found
        empty = np.zeros(0, dtype=np.int64)
        found = empty, empty
        if self.columns is not None and floor <= config.INITIAL_REL_SCALE * (1.0 + 1e-9):
            reach = math.sqrt(max(0.0, 2.0 - 2.0 * floor / config.INITIAL_REL_SCALE)) + 1e-6
            order = np.argsort(self.columns[0], kind="stable")
            along = self.columns[0][order]
            ahead = np.searchsorted(along, along + reach, side="right") - np.arange(self.n) - 1
            start = np.repeat(np.arange(self.n), ahead)
            step = np.arange(start.size) - np.repeat(np.cumsum(ahead) - ahead, ahead)
            p, q = order[start], order[start + 1 + step]
            i, j = np.minimum(p, q), np.maximum(p, q)
            strong = initial_bonds(self.columns, i, j) >= floor
            codes = np.sort(i[strong] * self.n + j[strong])
            found = np.divmod(codes, self.n)
        for part in found:
            part.flags.writeable = False
        self.strong_cache[floor] = found
        return found

    def merge(self) -> None:
        """Move the recently set pairs into the sorted arrays."""
        if not self.recent:
            return
        codes = np.fromiter(self.recent, dtype=np.int64, count=len(self.recent))
        values = np.fromiter(self.recent.values(), dtype=np.float64, count=len(self.recent))
        self.recent.clear()
        self.recent_rows.clear()
        self._insert(codes, values)  # known since they were set

    def _insert(self, codes: IntArray, values: FloatArray) -> None:
        """Store pairs not stored yet (codes distinct, and `known`)."""
        order = np.argsort(codes)
        codes, values = codes[order], values[order]
        i, j = np.divmod(codes, self.n)
        # Where each lands among the merged arrays (`np.insert` works this out once an array).
        put = np.searchsorted(self.codes, codes) + np.arange(codes.size)
        stay = np.ones(self.codes.size + codes.size, dtype=bool)
        stay[put] = False
        self._positions = {}  # positions move
        self.codes = _frozen(_merged(self.codes, codes, put, stay))
        self.values = _merged(self.values, values, put, stay)
        self.bases = _frozen(_merged(self.bases, self.bases_of(i, j), put, stay))

    def _find(self, codes: IntArray) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        """Where each code sits in the sorted arrays, and whether it is there (a code in
        `recent` is not)."""
        at = np.minimum(np.searchsorted(self.codes, codes), max(self.codes.size - 1, 0))
        found = self.codes[at] == codes if self.codes.size else np.zeros(codes.size, dtype=bool)
        return at, found

    def gather(self, i: IntArray, j: IntArray) -> FloatArray:
        """The values of the pairs (i[k], j[k])."""
        codes = self._codes_of(i, j)
        at, found = self._find(codes)
        out = self.values.take(at) if self.values.size else np.zeros(i.size)
        missing = np.flatnonzero(~found)
        out[missing] = self.bases_of(i.take(missing), j.take(missing))
        if self.recent:
            for k, code in zip(missing.tolist(), codes.take(missing).tolist(), strict=True):
                value = self.recent.get(code)
                if value is not None:
                    out[k] = value
        return out

    def scatter(self, i: IntArray, j: IntArray, values: FloatArray) -> None:
        """Set the pairs (i[k], j[k]) (distinct pairs) to `values`."""
        codes = self._codes_of(i, j)
        if self.touched is not None:
            self.touched.extend(codes.tolist())
        at, found = self._find(codes)
        self.values[at[found]] = values[found]
        new = np.flatnonzero(~found)
        if new.size > MERGE_AT:
            self.known.update(dict.fromkeys(codes.take(new).tolist()))
            self._insert(codes.take(new), values.take(new))
            return
        for a, b, value in zip(i.take(new).tolist(), j.take(new).tolist(),
                               values.take(new).tolist(), strict=True):
            self.set(a, b, value)

    def _codes_of(self, i: IntArray, j: IntArray) -> IntArray:
        """The pairs' codes. Many pairs merge what waits first, to be found in the arrays; a
        few (a celebration's) are looked up where they wait, and new ones set one by one: a
        celebration rebuilt a city's arrays twice."""
        if i.size > MERGE_AT:
            self.merge()
        codes: IntArray = i * self.n + j
        return codes

    def rows(self, start: int, stop: int, transposed: bool = False) -> FloatArray:
        """Rows start..stop−1 of the whole matrix, set pairs included (or of its transpose:
        columns start..stop−1, a column a row; the base values are symmetric)."""
        out = self._bases_rows(start, stop)
        if transposed:
            i, j, _, values = self.stored()
            mine = (j >= start) & (j < stop)
            out[j[mine] - start, i[mine]] = values[mine]
            return out
        lo, hi = self.codes.searchsorted(start * self.n), self.codes.searchsorted(stop * self.n)
        if stop - start == 1:  # one row (a gossip's): its codes less where it starts
            out[0, self.codes[lo:hi] - start * self.n] = self.values[lo:hi]
        else:
            i, j = np.divmod(self.codes[lo:hi], self.n)
            out[i - start, j] = self.values[lo:hi]
        few = stop - start < len(self.recent_rows)  # look the rows up, or go through the dict
        for row in range(start, stop) if few else list(self.recent_rows):
            if start <= row < stop:
                for code in self.recent_rows.get(row, ()):
                    out[row - start, code - row * self.n] = self.recent[code]
        return out

    def _bases_rows(self, start: int, stop: int) -> FloatArray:
        """Rows start..stop−1 of the base values (a fresh array); single rows are remembered,
        up to ROW_CACHE_CELLS values, since a citizen's gossip reads its whole row."""
        if self.columns is None:
            return np.zeros((stop - start, self.n))
        if stop - start == self.n and self.n * self.n <= MATRIX_CACHE_CELLS:
            if not self.matrix_cache:  # a small town reads it whole at each phase end
                self.matrix_cache.append(initial_rows(self.columns, 0, self.n))
            return self.matrix_cache[0].copy()
        if stop - start != 1:
            return initial_rows(self.columns, start, stop)
        row = self.row_cache.get(start)
        if row is None:
            row = self.row_cache[start] = initial_row(self.columns, start)[None, :]
            if len(self.row_cache) * self.n > ROW_CACHE_CELLS:
                del self.row_cache[next(iter(self.row_cache))]  # the oldest
        return row.copy()

    def stored(self) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """The set pairs in row-major order: (i, j, base values, values)."""
        self.merge()
        i, j = np.divmod(self.codes, self.n)
        return i, j, self.bases, self.values

    def stored_codes(self) -> tuple[IntArray, FloatArray]:
        """The set pairs' codes i·N + j, ascending, and their values (`stored` without
        splitting the codes)."""
        self.merge()
        return self.codes, self.values

    def levels(self) -> tuple[FloatArray, FloatArray]:
        """The set pairs' base values and values, in row-major order (`stored` without the
        pairs themselves, which a sum over them does not need)."""
        self.merge()
        return self.bases, self.values

    def held(self) -> tuple[IntArray, FloatArray, FloatArray]:
        """The stored pairs' codes, base values and values as they stand now, to be read later:
        the codes and base values are replaced, never written in place; the values are copied."""
        self.merge()
        return self.codes, self.bases, self.values.copy()

    def relaxed(self, rate: float) -> PairValues:
        """A copy whose every value moved `rate` of the way back to its base (a base value
        stays as it is)."""
        self.merge()
        out = self._shallow()  # sharing what copies share (see `__deepcopy__`)
        out.values = self.values + rate * (self.bases - self.values)
        out.recent, out.recent_rows = {}, {}  # both empty after the merge
        out.touched = None
        return out

    def row_blocks(self, size: int) -> Iterator[tuple[int, FloatArray]]:
        """The whole matrix as blocks of `size` rows: (first row, rows)."""
        for start in range(0, self.n, size):
            yield start, self.rows(start, min(start + size, self.n))


def moved_pairs(n: int, codes: IntArray, bases: FloatArray, values: FloatArray
                ) -> tuple[IntArray, IntArray, FloatArray]:
    """Of stored pairs (codes i·n + j, base values, values), those whose value differs from
    their base: (i, j, values), in the order given."""
    differ = np.flatnonzero(values != bases)  # (a mask indexes slower)
    i, j = np.divmod(codes.take(differ), n)
    return i, j, values.take(differ)


def _merged(held: npt.NDArray[Any], added: npt.NDArray[Any], put: IntArray,
            stay: npt.NDArray[np.bool_]) -> npt.NDArray[Any]:
    """`held` with `added` put at the places `put`; `stay` marks the others, in order."""
    out = np.empty(stay.size, dtype=held.dtype)
    out[put] = added
    out[stay] = held
    return out


def _frozen(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The array made read-only: copies share it."""
    a.flags.writeable = False
    return a
