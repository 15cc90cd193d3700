"""Record the state hashes and event digests the refactors must keep (tests/data/hashes.json).

Run on the commit whose behaviour is the reference: `python tools/record_hashes.py`. The test
`tests/test_hashes_kept.py` recomputes every entry and compares.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from game.sim.cards import Perturbation
from game.sim.flux import TownFlux

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "hashes.json"
TICKS = (1600, 16000)
# Every card, with and without targets, some of them aimed at resting or walking citizens,
# so that every card runner and every refusal is pinned.
CARDS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (40, "greet", ()), (60, "greet", ("ada", "bruno")), (90, "gossip", ()),
    (130, "gossip", ("ada", "bruno", "igor")), (170, "trade", ()), (210, "trade", ("cleo", "ed")),
    (250, "solo", ()), (290, "solo", ("hugo",)), (330, "festival", ()), (500, "storm", ()),
    (520, "greet", ("ada", "cleo")), (560, "rumor", ()), (600, "rumor", ("igor",)),
    (640, "rumor", ("ada", "bruno")), (700, "dispute", ()), (740, "dispute", ("ada", "bruno")),
    (780, "teach", ()), (820, "teach", ("ada", "ed")), (1210, "wake", ()), (1300, "wake", ()),
    (1320, "wake", ("ada",)), (1330, "solo", ("bruno",)), (1340, "greet", ("cleo", "ed")),
    (1400, "festival", ()), (1500, "gossip", ("igor", "hugo", "ada")), (1590, "storm", ()),
)
SCENARIOS = (("mpp", 1, 4000), ("village", 2, 4000), ("city:200", 3, 3200))


def cards() -> list[Perturbation]:
    return [Perturbation(tick=t, card=c, targets=targets) for t, c, targets in CARDS]


def run(scenario: str, seed: int, ticks: int, with_cards: bool,
        at: tuple[int, ...]) -> dict[str, str]:
    """Hashes after each tick in `at` and a digest of every event up to `ticks`."""
    flux = TownFlux(scenario, seed)
    if with_cards:
        for p in cards():
            if all(t in flux.index for t in p.targets):
                flux.inject(p)
    events = hashlib.blake2b(digest_size=16)
    out: dict[str, str] = {}
    for tick in range(1, ticks + 1):
        for event in flux.tick():
            events.update(event.model_dump_json().encode())
        if tick in at:
            out[f"hash@{tick}"] = flux.state_hash()
    out["events"] = events.hexdigest()
    return out


def record() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for seed in range(1, 21):
        table[f"town/{seed}"] = run("town", seed, TICKS[-1], False, TICKS)
    for seed in range(1, 6):
        table[f"town/{seed}/cards"] = run("town", seed, 3200, True, (1600, 3200))
    for name, seed, ticks in SCENARIOS:
        table[f"{name}/{seed}/cards"] = run(name, seed, ticks, True, (ticks,))
    return table


if __name__ == "__main__":
    OUT.write_text(json.dumps(record(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")
