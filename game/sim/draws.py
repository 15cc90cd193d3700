"""The flux's random stream: numpy's `Generator` over PCG64, its scalar draws made in plain Python.

A decision draws a handful of scalars, and numpy spends about a microsecond on a scalar
`integers` (a third of that on `random`), more than the arithmetic it stands for. `Draws` takes
the bit generator's raw 64-bit outputs a block at a time and makes from them exactly what the
generator's own `random()` and `integers(low, high)` return, with numpy's algorithms (numpy is
pinned to one version, whose stream it promises): a double from the top 53 bits of an output;
an integer below 2³² by Lemire's method over 32-bit halves of the outputs, the upper half of
one kept for the next draw as the bit generator keeps it (`has_uint32`, `uinteger`). Draws
over arrays, and a bounded integer this does not make, go to the generator itself, put first
where the stream stands. The stream and the state `state` reports are the generator's own, bit
for bit (the tests draw long mixed sequences both ways). Pure: never imports pygame or the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt

BLOCK: Final = 128  # raw outputs taken at once
_UNIT: Final = 1.0 / 9007199254740992.0  # 2⁻⁵³: numpy's double from the top 53 bits
_LOW32: Final = 0xFFFFFFFF
_TURN: Final = 1 << 128  # PCG64's period: advancing by it less k steps back k outputs

T = TypeVar("T")


class Draws:
    """A seeded PCG64 stream: `random`, `integers` and the array draws the flux makes."""

    def __init__(self, seed: int) -> None:
        self._bits = np.random.PCG64(seed)
        self._generator = np.random.Generator(self._bits)
        self._raw: list[int] = []  # outputs taken from the bit generator, not all used yet
        self._next = 0  # the first unused one
        self._has32, self._u32 = False, 0  # the kept upper half, as the bit generator has it

    # --- scalars, in plain Python ----------------------------------------------------------------

    def random(self) -> float:
        """A double in [0, 1): `Generator.random()`."""
        return (self._next64() >> 11) * _UNIT

    def integers(self, low: int, high: int) -> int:
        """An integer in [low, high): `Generator.integers(low, high)`."""
        span = high - low
        if span == 1:
            return low  # numpy draws nothing for a single value
        if not 1 < span <= 1 << 32:
            return int(self._delegated(lambda g: g.integers(low, high)))
        m = self._next32() * span
        if m & _LOW32 < span:
            threshold = (_LOW32 - (span - 1)) % span
            while m & _LOW32 < threshold:
                m = self._next32() * span
        return low + (m >> 32)

    def _next64(self) -> int:
        at = self._next
        if at == len(self._raw):
            self._raw = self._bits.random_raw(BLOCK).tolist()
            at = 0
        self._next = at + 1
        value: int = self._raw[at]
        return value

    def _next32(self) -> int:
        if self._has32:
            self._has32 = False
            return self._u32  # kept as it is, as the bit generator keeps `uinteger`
        whole = self._next64()
        self._has32, self._u32 = True, whole >> 32
        return whole & _LOW32

    # --- arrays and the state, through the generator ---------------------------------------------

    def randoms(self, size: int) -> npt.NDArray[np.float64]:
        """`Generator.random(size)`."""
        return self._delegated(lambda g: g.random(size))

    def integers_of(self, low: int, high: int, size: int) -> npt.NDArray[np.int64]:
        """`Generator.integers(low, high, size=size)`."""
        return self._delegated(lambda g: g.integers(low, high, size=size))

    def uniform(self, low: float, high: float, size: tuple[int, ...]) -> npt.NDArray[np.float64]:
        """`Generator.uniform(low, high, size)`."""
        return self._delegated(lambda g: g.uniform(low, high, size))

    def permutation(self, a: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """`Generator.permutation(a)`."""
        return self._delegated(lambda g: g.permutation(a))

    @property
    def state(self) -> dict[str, Any]:
        """The bit generator's state where the stream stands (`PCG64.state`)."""
        self._sync()
        return dict(self._bits.state)

    @state.setter
    def state(self, value: dict[str, Any]) -> None:
        self._raw, self._next = [], 0
        self._bits.state = {"bit_generator": value["bit_generator"], "state": value["state"],
                            "has_uint32": value["has_uint32"], "uinteger": value["uinteger"]}
        self._has32, self._u32 = bool(value["has_uint32"]), int(value["uinteger"])

    def _delegated(self, draw: Callable[[np.random.Generator], T]) -> T:
        self._sync()
        out = draw(self._generator)
        state = self._bits.state
        self._has32, self._u32 = bool(state["has_uint32"]), int(state["uinteger"])
        return out

    def _sync(self) -> None:
        """Put the bit generator where the stream stands: the outputs taken and not used given
        back, the kept half written."""
        unused = len(self._raw) - self._next
        if unused:
            self._bits.advance(_TURN - unused)
        self._raw, self._next = [], 0
        state = self._bits.state
        state["has_uint32"], state["uinteger"] = int(self._has32), self._u32
        self._bits.state = state
