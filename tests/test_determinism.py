"""Same scenario + seed + perturbations ⇒ the same events and state hash, anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from game.sim.cards import Perturbation
from game.sim.flux import TownFlux

CARDS = [
    Perturbation(tick=50, card="gossip"),
    Perturbation(tick=120, card="festival"),
    Perturbation(tick=300, card="rumor", targets=("igor",)),
    Perturbation(tick=900, card="storm"),
    Perturbation(tick=1000, card="dispute", targets=("ada", "bruno")),
]


def run(seed: int, ticks: int = 2000) -> tuple[list[str], str]:
    flux = TownFlux("town", seed)
    for p in CARDS:
        flux.inject(p)
    events = flux.run(ticks)
    return [e.model_dump_json() for e in events], flux.state_hash()


def test_same_seed_and_cards_give_the_same_events_and_hash_twice_in_one_process() -> None:
    assert run(7) == run(7)


def test_a_different_seed_gives_a_different_town() -> None:
    events_a, hash_a = run(7)
    events_b, hash_b = run(8)
    assert hash_a != hash_b and events_a != events_b


def test_snapshot_and_restore_replay_the_same_future() -> None:
    flux = TownFlux("town", 3)
    for p in CARDS:
        flux.inject(p)
    flux.run(700)
    snap = flux.snapshot()
    first = [e.model_dump_json() for e in flux.run(800)]
    end_hash = flux.state_hash()
    flux.restore(snap)
    assert [e.model_dump_json() for e in flux.run(800)] == first
    assert flux.state_hash() == end_hash


def test_the_hash_changes_with_the_state_and_covers_the_rng() -> None:
    flux = TownFlux("town", 3)
    h0 = flux.state_hash()
    flux.draws.random()
    assert flux.state_hash() != h0


def test_two_processes_agree_on_the_hash(tmp_path: Path) -> None:
    cards = tmp_path / "cards.json"
    cards.write_text(json.dumps([p.model_dump(mode="json") for p in CARDS]))
    outs = [
        subprocess.run([sys.executable, "-m", "game", "run", "--ticks", "2000",
                        "--perturb", str(cards), "--hash-at", "500,2000"],
                       capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert outs[0] == outs[1]
    _, in_process_hash = run(7)
    assert f"tick 2000: {in_process_hash}" in outs[0]
    assert outs[0].rstrip().endswith(f"state hash: {in_process_hash}")
