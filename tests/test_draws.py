"""`Draws` makes numpy's stream bit for bit: the same values and the same generator state as
`numpy.random.Generator(PCG64(seed))` over any mix of the draws the flux makes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from game.sim.draws import BLOCK, Draws

SPANS = (1, 2, 3, 5, 6, 7, 25, 100, 2500, 10_000, 2**31 - 1, 2**32 - 1, 2**32, 2**40)

# One draw: (kind, a, b): a scalar double, a bounded integer [a, a + span b), an array of
# doubles or integers, a permutation, or a look at the state (which puts the generator there).
Draw = tuple[str, int, int]
draw_strategy = st.tuples(
    st.sampled_from(("random", "integers", "integers", "randoms", "integers_of", "permutation",
                     "state")),
    st.integers(-5, 5), st.integers(0, len(SPANS) - 1))


def _both(ours: Draws, theirs: np.random.Generator, draw: Draw) -> None:
    kind, low, k = draw
    if kind == "random":
        assert ours.random() == theirs.random()
    elif kind == "integers":
        value = ours.integers(low, low + SPANS[k])
        assert type(value) is int
        assert value == int(theirs.integers(low, low + SPANS[k]))
    elif kind == "randoms":
        assert np.array_equal(ours.randoms(k), theirs.random(k))
    elif kind == "integers_of":
        assert np.array_equal(ours.integers_of(3, 9, k), theirs.integers(3, 9, size=k))
    elif kind == "permutation":
        a = np.arange(k + 2, dtype=np.int64)
        assert np.array_equal(ours.permutation(a), theirs.permutation(a))
    else:
        assert ours.state == theirs.bit_generator.state


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32), st.lists(draw_strategy, max_size=3 * BLOCK))
def test_any_mix_of_draws_is_numpys_stream_and_state(seed: int, draws: list[Draw]) -> None:
    ours, theirs = Draws(seed), np.random.Generator(np.random.PCG64(seed))
    for draw in draws:
        _both(ours, theirs, draw)
    assert ours.state == theirs.bit_generator.state


def test_a_long_run_of_scalar_draws_crosses_many_blocks_in_step() -> None:
    ours, theirs = Draws(7), np.random.Generator(np.random.PCG64(7))
    pick = np.random.default_rng(1)
    for _ in range(50 * BLOCK):
        if pick.random() < 0.4:
            assert ours.random() == theirs.random()
        else:
            span = SPANS[int(pick.integers(len(SPANS) - 2))]
            assert ours.integers(0, span) == theirs.integers(0, span)
    assert ours.state == theirs.bit_generator.state


def test_setting_the_state_goes_back_to_it() -> None:
    draws = Draws(3)
    draws.integers(0, 6)  # the upper half kept
    saved = draws.state
    ahead = [draws.random(), draws.integers(0, 25), draws.integers(0, 25)]
    draws.state = saved
    assert [draws.random(), draws.integers(0, 25), draws.integers(0, 25)] == ahead
    assert draws.state != saved
