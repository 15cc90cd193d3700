"""The state hash taken a slice at a time: the same bytes, so the same hash, however it is cut;
and a day's end hash taken over the ticks that follow is the one a fresh run takes there."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import config
from game.sim import digest as digests
from game.sim.digest import SLICE, Digest
from game.sim.flux import TownFlux
from game.trace.timeline import Timeline

_CITY = TownFlux("city:250", seed=3)
_CITY.run(config.DAY_TICKS)


@settings(max_examples=30, deadline=None)
@given(slices=st.lists(st.integers(0, 300), min_size=1, max_size=12))
def test_a_hash_cut_into_any_slices_is_the_hash_taken_whole(slices: list[int]) -> None:
    whole = _CITY.state_hash()
    digest = _CITY.digest()
    for citizens in slices:
        digest.step(citizens)
    assert digest.hexdigest() == whole


def test_a_digest_keeps_the_town_as_it_stood_when_made() -> None:
    flux = TownFlux("city:250", seed=4)
    flux.run(900)
    then = flux.state_hash()
    digest = flux.digest()
    digest.step(10)
    flux.run(300)  # memories, bonds and the clock move on
    assert not digest.done
    assert digest.hexdigest() == then != flux.state_hash()


def test_a_digest_finds_the_moved_pairs_of_the_stores_as_they_stood(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The stores' moved pairs are found a few at a time while the town runs on (values set in
    place, new pairs merged into fresh arrays, bonds relaxed at a phase end)."""
    monkeypatch.setattr(digests, "PAIRS_A_SLICE", 16)
    flux = TownFlux("city:250", seed=4)
    flux.run(config.PHASE_TICKS - 60)
    then = flux.state_hash()
    digest = flux.digest()
    for _ in range(120):
        digest.step(1)
        flux.tick()
    assert not digest.done
    assert digest.hexdigest() == then != flux.state_hash()


def test_a_city_day_end_hash_is_taken_over_the_next_ticks_and_matches_a_fresh_run() -> None:
    timeline = Timeline("city:250", seed=5)
    timeline.advance(config.DAY_TICKS)
    pending = timeline._hashes[(timeline.current, config.DAY_TICKS)]
    assert isinstance(pending, Digest)  # 250 citizens' lists: more than one step's slice
    timeline.advance(4 * 250 // SLICE)  # two lists a citizen, a slice a step (some leapt)
    taken = timeline._hashes[(timeline.current, config.DAY_TICKS)]
    assert isinstance(taken, str)
    fresh = TownFlux("city:250", seed=5)
    fresh.run(config.DAY_TICKS)
    assert taken == timeline.hash_at(config.DAY_TICKS) == fresh.state_hash()


@pytest.mark.parametrize("scenario", ["town", "city:250"])
def test_asking_for_a_hash_still_being_taken_finishes_it(scenario: str) -> None:
    timeline = Timeline(scenario, seed=6)
    timeline.advance(config.DAY_TICKS)
    fresh = TownFlux(scenario, seed=6)
    fresh.run(config.DAY_TICKS)
    assert timeline.hash_at(config.DAY_TICKS) == fresh.state_hash()
    assert timeline.cursor == config.DAY_TICKS  # answered from the digest, not by seeking
