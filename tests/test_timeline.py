"""The timeline: exact seeking, replay, forks that keep the old future, keyframes as a cache."""

from __future__ import annotations

import random
from typing import Any

import pytest

from game.sim.cards import Perturbation
from game.sim.events import Event
from game.sim.flux import Snapshot, TownFlux
from game.trace.timeline import MAIN, Timeline
from tests.helpers import all_bonds

CARDS = [Perturbation(tick=30, card="festival"),
         Perturbation(tick=420, card="rumor", targets=("igor",)),
         Perturbation(tick=900, card="storm")]


def fresh_hashes(ticks: set[int], cards: list[Perturbation], end: int) -> dict[int, str]:
    """Hashes of a plain flux run, the reference every seek must match."""
    flux = TownFlux("town", 7)
    out = {}
    for t in range(1, end + 1):
        for p in cards:
            if p.tick == t:
                flux.inject(p)
        flux.tick()
        if t in ticks:
            out[t] = flux.state_hash()
    return out


@pytest.fixture(scope="module")
def played() -> Timeline:
    tl = Timeline("town", 7)
    for p in CARDS:
        tl.add_perturbation(p)
    tl.advance(2400)
    return tl


def test_seeking_to_random_ticks_equals_a_fresh_run(played: Timeline) -> None:
    rng = random.Random(3)
    ticks = {rng.randrange(1, 2400) for _ in range(40)} | {1, 200, 2399}
    expected = fresh_hashes(ticks, CARDS, 2400)
    order = sorted(ticks)
    rng.shuffle(order)
    for t in order:
        assert played.hash_at(t) == expected[t], t


def test_rewind_then_play_forward_gives_the_same_events(played: Timeline) -> None:
    first = [e.model_dump_json() for e in played.events(start=501, end=1300)]
    played.seek(500)
    again = [e.model_dump_json() for e in played.advance(800)]
    assert again == first


def test_scrubbing_back_restores_relationships(played: Timeline) -> None:
    played.seek(700)
    rel_then = all_bonds(played.flux.state)
    played.seek(2000)
    assert (all_bonds(played.flux.state) != rel_then).any()
    played.seek(700)
    assert (all_bonds(played.flux.state) == rel_then).all()


def test_a_perturbation_in_the_past_forks_and_keeps_the_old_future() -> None:
    tl = Timeline("town", 7)
    tl.advance(1200)
    main_head_hash = tl.flux.state_hash()
    main_events = tl.events()
    tl.seek(600)
    name = tl.play("festival")
    assert name != MAIN and tl.current == name
    fork = tl.branches[name]
    assert fork.parent == MAIN and fork.fork_tick == 600
    events = tl.advance(3)
    assert any(e.op == "festival" and e.tick == 601 and e.perturbation for e in events)
    tl.advance(597)
    assert tl.flux.state_hash() != main_head_hash
    # The old future is still there, untouched.
    tl.switch(MAIN)
    assert tl.cursor == 1200 and tl.flux.state_hash() == main_head_hash
    assert tl.events() == main_events
    # The fork shares the past up to its fork tick.
    assert tl.events(name, 0, 600) == tl.events(MAIN, 0, 600)
    assert tl.hash_at(600, name) == tl.hash_at(600, MAIN)
    assert tl.hash_at(900, name) == fresh_hashes(
        {900}, [Perturbation(tick=601, card="festival")], 900)[900]


def test_a_card_at_the_head_joins_the_branch() -> None:
    tl = Timeline("town", 7)
    tl.advance(50)
    assert tl.play("storm") == MAIN
    assert tl.branches[MAIN].perturbations[0].tick == 51
    assert any(e.op == "storm" for e in tl.advance(1))


def test_forks_of_forks_inherit_their_ancestors_cards() -> None:
    tl = Timeline("town", 7)
    tl.add_perturbation(Perturbation(tick=100, card="festival"))
    tl.advance(800)
    tl.seek(300)
    first = tl.play("rumor", ["ada"])
    tl.advance(400)
    tl.seek(500)
    second = tl.play("storm")
    assert tl.branches[second].parent == first
    seen = [(p.tick, p.card) for p in tl.perturbations(second)]
    assert seen == [(100, "festival"), (301, "rumor"), (501, "storm")]
    expected = fresh_hashes({650}, tl.perturbations(second), 650)[650]
    assert tl.hash_at(650, second) == expected


def test_step_event_moves_to_the_neighbouring_event_ticks(played: Timeline) -> None:
    played.seek(1000)
    ticks = sorted({e.tick for e in played.events(start=0, end=2400)})
    after = min(t for t in ticks if t > 1000)
    before = max(t for t in ticks if t < after)
    assert played.step_event(+1) == after
    assert played.step_event(-1) == before


def test_keyframes_are_a_bounded_cache_that_can_be_dropped() -> None:
    tl = Timeline("town", 7, keyframe_budget_mb=0.2)
    tl.advance(4000)
    assert 0 < tl.keyframe_memory() <= 0.2 * 1024 * 1024
    expected = fresh_hashes({150, 3950}, [], 4000)
    assert tl.hash_at(150) == expected[150] and tl.hash_at(3950) == expected[3950]
    none = Timeline("town", 7, keyframe_budget_mb=0)
    none.advance(600)
    assert none.keyframe_count() == 0 and none.hash_at(10) == fresh_hashes({10}, [], 10)[10]


def test_a_card_with_an_unknown_citizen_is_refused_and_changes_nothing() -> None:
    tl = Timeline("town", 7)
    tl.advance(10)
    with pytest.raises(ValueError, match="unknown citizen 'zed'"):
        tl.play("greet", ["zed"])
    assert tl.branches[MAIN].perturbations == [] and list(tl.branches) == [MAIN]
    with pytest.raises(ValueError, match="already run"):
        tl.add_perturbation(Perturbation(tick=5, card="storm"))


def test_metrics_are_sampled_along_a_branch_for_sparklines(played: Timeline) -> None:
    series = played.metrics_series(MAIN, 2400)
    assert [t for t, _ in series] == list(range(100, 2401, 100))
    played.seek(1000)
    assert series[9][1]["tension"] == pytest.approx(played.flux.metrics()["tension"])


class _CountingSnapshots:
    """A flux that counts the snapshots taken of it (a compiled class's methods cannot be
    patched): everything else is the flux's own, read and written."""

    def __init__(self, flux: TownFlux) -> None:
        object.__setattr__(self, "flux", flux)
        object.__setattr__(self, "snapshots", 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.flux, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.flux, name, value)

    def snapshot(self) -> Snapshot:
        object.__setattr__(self, "snapshots", self.snapshots + 1)
        return self.flux.snapshot()


def test_a_town_bigger_than_the_keyframe_budget_is_never_copied_for_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    tl = Timeline("town", 7, keyframe_budget_mb=0.01)  # one town's keyframe is ~0.03 MB
    counting = _CountingSnapshots(tl.flux)
    monkeypatch.setattr(tl, "flux", counting)
    tl.advance(1000)
    assert counting.snapshots == 0 and tl.keyframe_count() == 0
    tl.seek(500)
    assert tl.cursor == 500


def test_recorders_hear_each_new_tick_once_and_never_a_replay() -> None:
    """The wire's feed: scrubbing, seeking back and forth and switching branches record nothing
    twice; a card in the past records the fork's new ticks under the new branch."""
    tl = Timeline("town", 7)
    heard: list[tuple[str, int, int]] = []
    tl.recorders.append(lambda branch, tick, events: heard.append((branch, tick, len(events))))
    tl.advance(300)
    assert [t for _, t, _ in heard] == list(range(1, 301))
    assert sum(n for _, _, n in heard) == len(tl.events())
    tl.seek(120)
    tl.seek(300)
    tl.seek(0)
    tl.seek(300)
    assert len(heard) == 300
    tl.seek(200)
    branch = tl.play("festival")
    tl.advance(50)
    assert heard[300:] == [(branch, t, n) for _, t, n in heard[300:]]
    assert [t for _, t, _ in heard[300:]] == list(range(201, 251))
    tl.switch(MAIN)
    tl.seek(300)
    assert len(heard) == 350


def _history(tl: Timeline) -> dict[str, object]:
    """Everything a timeline keeps, to compare two that lived the same story."""
    kept = {"events": {name: tl.events(name) for name in tl.branches},
            "metrics": {name: tl.metrics_series(name) for name in tl.branches},
            } if tl.keep_events else {}
    return {
        **kept, "heads": {name: b.head for name, b in tl.branches.items()},
        "hashes": dict(tl._hashes), "keyframes": sorted(tl._keyframes),
        "known": dict(tl._known), "held": tl._held, "cursor": tl.cursor,
        "state": tl.flux.state_hash(),
    }


def _story(tl: Timeline) -> list[str]:
    """Cards, a fork, a fork of the fork, seeks back and forth; the hashes on the way."""
    tl.add_perturbations(CARDS)
    tl.advance(1500)
    seen = [tl.flux.state_hash()]
    tl.seek(700)
    first = tl.play("festival")
    tl.advance(900)
    tl.seek(1100)
    tl.play("rumor", ["ada"])
    tl.advance(2000)
    for tick in (50, 2950, 333, 1999, 3100):
        tl.seek(tick)
        seen.append(tl.flux.state_hash())
    tl.switch(MAIN)
    tl.seek(1400)
    tl.switch(first)
    seen.append(tl.flux.state_hash())
    return seen


@pytest.mark.parametrize("keep_events", [True, False])
def test_leaping_over_quiet_ticks_is_stepping_through_them(
        monkeypatch: pytest.MonkeyPatch, keep_events: bool) -> None:
    """The cursor jumps over the ticks where nothing is due; everything the timeline keeps
    is what stepping through every tick keeps (keeping events or only standing at ticks)."""
    steps = 0
    real_step = Timeline._step

    def counted(self: Timeline, told: bool = True) -> list[Event]:
        nonlocal steps
        steps += 1
        return real_step(self, told)

    monkeypatch.setattr(Timeline, "_step", counted)
    leaping = Timeline("town", 7, keyframe_interval=500, keep_events=keep_events)
    hashes = _story(leaping)
    leapt_steps, steps = steps, 0
    monkeypatch.setattr(Timeline, "_leap", lambda self, limit, told=True: None)
    stepping = Timeline("town", 7, keyframe_interval=500, keep_events=keep_events)
    assert _story(stepping) == hashes
    assert _history(leaping) == _history(stepping)
    assert leapt_steps < steps / 2  # most ticks were leapt over
