"""Long histories: keyframes thinned evenly, seeks that check only their way, nothing kept or
simulated twice that nobody reads."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import numpy.typing as npt
import pytest

from game import config
from game.cli import main
from game.sim.cards import Perturbation
from game.sim.events import Record
from game.sim.flux import TownFlux
from game.sim.model import TownState
from game.trace import eventlog, store
from game.trace.timeline import MAIN, Timeline, snapshot_bytes

CARDS = [Perturbation(tick=30, card="festival"),
         Perturbation(tick=2420, card="rumor", targets=("igor",)),
         Perturbation(tick=5900, card="storm")]


def fresh_hashes(ticks: set[int], end: int) -> dict[int, str]:
    flux = TownFlux("town", 7)
    out = {}
    for t in range(1, end + 1):
        for p in CARDS:
            if p.tick == t:  # just before its tick, as the timeline does (the queue is hashed)
                flux.inject(p)
        flux.tick()
        if t in ticks:
            out[t] = flux.state_hash()
    return out


def test_keyframes_past_the_budget_are_thinned_evenly_and_seeks_stay_exact() -> None:
    tl = Timeline("town", 7, keyframe_budget_mb=1.0)
    tl.add_perturbations(CARDS)
    tl.advance(8000)
    spacing = tl.keyframe_spacing()
    assert spacing >= 2 * config.KEYFRAME_INTERVAL  # thinned at least once
    assert tl.keyframe_memory() <= 1024 * 1024
    # Every keyframe left lies on the grid, the grid is full from the start: the oldest stay.
    assert tl.keyframe_count() >= 8000 // spacing - 1
    for tick in range(spacing, 8000 - spacing + 1, spacing):
        at, _ = tl._nearest_keyframe(tick)
        assert at == tick
    rng = random.Random(5)
    ticks = {rng.randrange(1, 8000) for _ in range(25)} | {1, spacing, 7999}
    expected = fresh_hashes(ticks, 8000)
    order = sorted(ticks)
    rng.shuffle(order)
    for t in order:
        assert tl.hash_at(t) == expected[t], t


def test_thinning_keeps_the_keyframes_where_branches_fork() -> None:
    tl = Timeline("town", 7, keyframe_budget_mb=0.6)
    tl.advance(3000)
    tl.seek(1234)
    branch = tl.play("festival")
    tl.advance(1000)
    tl.seek(1300)  # re-simulated through the fork: a keyframe is kept there
    tl.seek(3000, MAIN)
    spacing = tl.keyframe_spacing()
    tl.advance(6000)  # thinned again
    assert tl.keyframe_spacing() > spacing > config.KEYFRAME_INTERVAL
    tl.seek(1400, branch)
    assert tl._nearest_keyframe(1300)[0] == 1234
    flux = TownFlux("town", 7)
    flux.run(1234)
    flux.inject(Perturbation(tick=1235, card="festival"))
    flux.run(1400 - 1234)
    assert tl.flux.state_hash() == flux.state_hash()


def saved_history(tmp_path: Path, days: int = 3) -> Path:
    tl = Timeline("town", 7)
    tl.add_perturbations(CARDS)
    tl.advance(days * config.DAY_TICKS)
    path = tmp_path / "long.town"
    store.save(tl, path)
    return path


@pytest.fixture(scope="module")
def long_town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return saved_history(tmp_path_factory.mktemp("long"))


def with_wrong_hash(path: Path, tick: int) -> Path:
    raw = json.loads(path.read_text())
    raw["branches"][0]["hashes"][str(tick)] = "0" * 16
    wrong = path.with_name(f"wrong-{tick}.town")
    wrong.write_text(json.dumps(raw))
    return wrong


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_seek_events_and_why_check_only_the_hashes_on_their_way(long_town: Path) -> None:
    late = with_wrong_hash(long_town, 3 * config.DAY_TICKS)  # the head
    status, text = run("seek", str(late), "--tick", "2000")
    assert status == 0 and "tick 2000" in text
    assert run("events", str(late), "--to", "1700")[0] == 0
    assert run("why", str(late), "--citizen", "igor", "--tick", "3000")[0] == 0
    assert run("seek", str(late), "--tick", str(3 * config.DAY_TICKS))[0] == 2
    assert run("verify", str(late))[0] == 2
    early = with_wrong_hash(long_town, config.DAY_TICKS)
    assert run("seek", str(early), "--tick", "2000")[0] == 2


def test_the_cli_seek_equals_a_fresh_run(long_town: Path) -> None:
    status, text = run("seek", str(long_town), "--tick", "2500")
    assert status == 0
    assert f"state hash: {fresh_hashes({2500}, 2500)[2500]}" in text


def test_verify_and_seek_keep_no_events(long_town: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    def refuse(self: eventlog.EventLog, events: object) -> None:
        raise AssertionError("an event was kept")

    record = store.read(long_town)
    timeline = store.build(record, long_town, keep_events=False)
    monkeypatch.setattr(eventlog.EventLog, "append", refuse)
    store.verify(record, timeline)
    assert timeline.hash_at(2000) == fresh_hashes({2000}, 2000)[2000]
    with pytest.raises(RuntimeError, match="keeps no events"):
        timeline.events()
    assert run("verify", str(long_town))[0] == 0
    assert run("seek", str(long_town), "--tick", "4000")[0] == 0


def test_run_out_simulates_each_tick_once_and_saves_what_a_load_verifies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stepped: list[int] = []  # the ticks the flux ran (the timeline leaps over quiet ones)
    plain_step = Timeline._step  # where the flux is stepped (its own class may be compiled)

    def counted(self: Timeline, told: bool = True) -> list[Record]:
        stepped.append(self.cursor + 1)
        return plain_step(self, told)

    monkeypatch.setattr(Timeline, "_step", counted)
    out = tmp_path / "run.town"
    status, _ = run("run", "--ticks", "3300", "--out", str(out))
    assert status == 0 and len(set(stepped)) == len(stepped) and stepped[-1] <= 3300
    assert 1600 in stepped and 3200 in stepped  # the days' ends, hashed as they ran
    monkeypatch.setattr(Timeline, "_step", plain_step)
    record = store.read(out)
    assert sorted(record.branches[0].hashes) == [1600, 3200, 3300]
    assert run("verify", str(out))[0] == 0


def test_an_opening_shows_the_cursor_first_then_checks_the_rest(long_town: Path) -> None:
    record = store.read(long_town)
    record.cursor = 2000
    opening = store.Opening(record, long_town, step=500)
    slices = 0
    while not opening.ready:
        assert not opening.advance()
        slices += 1
    assert opening.timeline.cursor == 2000 and slices <= 6
    assert opening.timeline.branch.head == 3 * config.DAY_TICKS
    assert opening.done == 2000 < opening.total
    opening.timeline.seek(2100)  # the shown timeline moves on while the rest is checked
    while not opening.advance():
        pass
    assert opening.done == opening.total
    assert opening.finals == store.verify(record, store.build(record, long_town))
    assert opening.timeline.hash_at(2100) == fresh_hashes({2100}, 2100)[2100]


def test_an_opening_names_a_wrong_hash_past_the_cursor(long_town: Path) -> None:
    record = store.read(with_wrong_hash(long_town, 2 * config.DAY_TICKS))
    record.cursor = 1000
    opening = store.Opening(record, long_town)
    while not opening.ready:
        opening.advance()
    with pytest.raises(store.HashMismatch, match="tick 3200"):
        while not opening.advance():
            pass


def test_keyframes_share_the_stored_pairs_and_count_them_once() -> None:
    tl = Timeline("town", 7, keyframe_interval=10, keyframe_budget_mb=1.0)
    tl.add_perturbations(CARDS)
    tl.advance(6000)
    assert tl.keyframe_spacing() > 10  # thinned: keyframes were let go as well as taken
    states = [snap.state for snap in tl._keyframes.values()]

    def shared(s: TownState) -> list[npt.NDArray[Any]]:
        return [*s.bonds.shared(), *s.trust.shared()]

    distinct = {id(a): a for s in states for a in shared(s)}
    assert len(distinct) < 4 * len(states)  # keyframes of one phase hold the same arrays
    own = sum(snapshot_bytes(s) - sum(a.nbytes for a in shared(s)) for s in states)
    assert tl.keyframe_memory() == own + sum(a.nbytes for a in distinct.values())
    with pytest.raises(ValueError):  # shared, so never written in place
        states[-1].bonds.codes[0] = 0
    expected = fresh_hashes({2500, 5999}, 5999)
    assert tl.hash_at(2500) == expected[2500] and tl.hash_at(5999) == expected[5999]
