"""Refactors keep the town: hashes and event digests recorded on main before "the house".

`tests/data/hashes.json` was written by `tools/record_hashes.py` on the commit before the flux
and the view were reshaped; `made_before_the_house.town` was saved by that commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.trace import store
from tools.record_hashes import SCENARIOS, TICKS, run

DATA = Path(__file__).parent / "data"
RECORDED: dict[str, dict[str, str]] = json.loads((DATA / "hashes.json").read_text())


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 21))
def test_town_seeds_keep_their_hashes_at_1600_and_16000(seed: int) -> None:
    assert run("town", seed, TICKS[-1], False, TICKS) == RECORDED[f"town/{seed}"]


@pytest.mark.parametrize("seed", range(1, 6))
def test_every_card_and_refusal_keeps_its_events_and_hashes(seed: int) -> None:
    assert run("town", seed, 3200, True, (1600, 3200)) == RECORDED[f"town/{seed}/cards"]


@pytest.mark.parametrize(("name", "seed", "ticks"), SCENARIOS)
def test_other_scenarios_keep_their_events_and_hashes(name: str, seed: int, ticks: int) -> None:
    assert run(name, seed, ticks, True, (ticks,)) == RECORDED[f"{name}/{seed}/cards"]


def test_a_save_made_before_the_house_still_verifies() -> None:
    timeline, record, hashes = store.load(DATA / "made_before_the_house.town")
    assert hashes == {"main": "9d5b4464eda88f2f", "b1": "57a53a521e0d97ef"}
    assert record.current == "b1" and timeline.cursor == 2200
