"""The simulation compiled with mypyc (`tools/compile_sim.py`) is the same town as its sources.

The test command compiles it first; these check that the build is what runs, that a build no
longer matching its sources is left alone, and that compiled and interpreted give the golden
hashes (`tests/data/golden_hashes.json`) bit for bit, `town` and `city:500` with cards, 2 days.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from game import sim
from tools.record_golden import OUT as GOLDEN_FILE

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300  # seconds for one subprocess (some 10–40 s here)
UNBUILT = "the simulation is not compiled here: run `python tools/compile_sim.py` first"


def golden_report(interpreted: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "AGENT_TOWN_INTERPRETED"}
    if interpreted:
        env["AGENT_TOWN_INTERPRETED"] = "1"
    done = subprocess.run([sys.executable, "-m", "tools.record_golden", "--print"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_the_simulation_runs_compiled_from_a_build_of_these_sources() -> None:
    assert sim.compiled(), UNBUILT
    stamp = (sim.BUILT / sim.STAMP).read_text(encoding="ascii").strip()
    assert stamp == sim.sources_digest()
    import game.sim.cards
    import game.sim.decide

    assert str(game.sim.decide.__file__).startswith(str(sim.BUILT))
    assert Path(str(game.sim.cards.__file__)).parent == sim.HERE  # pydantic: interpreted


def test_compiled_and_interpreted_towns_give_the_golden_hashes() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        compiled, interpreted = pool.map(golden_report, (False, True))
    assert compiled["compiled"] is True, UNBUILT
    assert interpreted["compiled"] is False
    golden = json.loads(GOLDEN_FILE.read_text())
    assert compiled["hashes"] == interpreted["hashes"] == golden
    assert compiled["initial_bonds"] == interpreted["initial_bonds"]


def test_a_build_is_used_only_while_it_matches_its_sources_and_is_wanted(tmp_path: Path) -> None:
    folder = tmp_path / "sim"
    folder.mkdir()
    for name in sim.COMPILED:
        shutil.copy(sim.HERE / f"{name}.py", folder)
    assert not sim.use_built(folder, {}, frozen=False)  # nothing built
    (folder / "_built").mkdir()
    (folder / "_built" / sim.STAMP).write_text(sim.sources_digest(folder) + "\n")
    assert sim.use_built(folder, {}, frozen=False)
    assert not sim.use_built(folder, {"AGENT_TOWN_INTERPRETED": "1"}, frozen=False)
    with (folder / "flux.py").open("a") as flux:
        flux.write("# an edit since the build\n")
    assert not sim.use_built(folder, {}, frozen=False)
    assert sim.use_built(folder, {}, frozen=True)  # the executable was checked when packed


def test_version_says_how_the_simulation_runs() -> None:
    def version(**extra: str) -> str:
        env = {k: v for k, v in os.environ.items() if k != "AGENT_TOWN_INTERPRETED"}
        done = subprocess.run([sys.executable, "-m", "game", "--version"], cwd=ROOT,
                              env={**env, **extra}, capture_output=True, text=True,
                              timeout=TIMEOUT, check=False)
        assert (done.returncode, done.stderr) == (0, "")
        return done.stdout

    assert version().endswith("(simulation compiled)\n"), UNBUILT
    assert version(AGENT_TOWN_INTERPRETED="1").endswith("(simulation interpreted)\n")
