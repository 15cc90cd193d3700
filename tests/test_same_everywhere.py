"""The same town on every machine (issue 17 §1): hashes and saves do not depend on the arithmetic.

Each setting of MATRIX stands for a kind of machine: the OpenBLAS kernels a CPU gets
(`OPENBLAS_CORETYPE`), its thread count (`OPENBLAS_NUM_THREADS`) and the SIMD loops numpy may
use (`NPY_DISABLE_CPU_FEATURES`). Under each, a subprocess runs `python -m tools.record_golden
--print`: `town` and `city:500` with cards for 2 days, hashed at ticks 0, 1600 and 3200, plus
what that process can tell of its arithmetic. Every hash must equal the golden ones committed in
`tests/data/golden_hashes.json`, and a save written under one setting must verify under every
other. The subprocess also proves its setting took effect (OpenBLAS names its kernels and
threads, numpy lists its features), and the probes prove the settings really change BLAS and
numpy bits — so agreeing hashes mean the town is computed without them.

Written for x86-64 CPUs, with or without AVX-512 (both kinds run the CI). A setting this CPU
cannot run is changed or left out: a numpy limit above what the CPU has becomes the highest it
has (numpy would use no more anyway), and a core type whose instructions it lacks is left out
(OpenBLAS would quietly fall back to other kernels). The covering test says what remains: every
core type and numpy limit the CPU can run, with both thread counts, and never fewer than the
Prescott, SandyBridge and Haswell kernels and the v2 and v3 limits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest

from tools.record_golden import OUT as GOLDEN_FILE
from tools.record_golden import SCENARIOS, SEED, TICKS, cards_json, numpy_features

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
GOLDEN: dict[str, dict[str, str]] = json.loads(GOLDEN_FILE.read_text())
TIMEOUT = 240  # seconds for one subprocess (a run takes 4–15 s here)
REGENERATE = (
    "If the town was meant to change (and every setting agrees), regenerate them with "
    "`python -m tools.record_golden`: that is a save-format change — bump "
    "game.trace.store.VERSION in the same commit, since saves made before no longer verify.")

# What OpenBLAS calls the kernels it was told to use (and which CPU feature they need). On
# x86-64 its Prescott kernels answer to the name of the oldest core that shares them, Katmai.
CORES: dict[str, tuple[str, str]] = {
    "Prescott": ("Katmai", "SSE3"),
    "SandyBridge": ("Sandybridge", "AVX"),
    "Haswell": ("Haswell", "AVX2"),
    "SkylakeX": ("SkylakeX", "AVX512_SKX"),
}
# numpy 2.4's dispatch targets above its X86_V2 baseline, disabled from the top. Only these
# names count: another (AVX512F, AVX2…) is ignored with a mere ImportWarning, and a baseline
# one stops numpy from importing.
NUMPY_LIMITS: dict[str, tuple[str, ...]] = {
    "all": (),
    "v3": ("AVX512_SPR", "AVX512_ICL", "X86_V4"),
    "v2": ("AVX512_SPR", "AVX512_ICL", "X86_V4", "X86_V3"),
}
TOP = {"all": "X86_V4", "v3": "X86_V3", "v2": "X86_V2"}  # the highest target each leaves numpy


def core_runs_here(core: str) -> bool:
    return numpy_features().get(CORES[core][1], False)


def limit_runs_here(limit: str) -> bool:
    return numpy_features().get(TOP[limit], False)


@dataclass(frozen=True)
class Setting:
    core: str  # OPENBLAS_CORETYPE
    threads: int  # OPENBLAS_NUM_THREADS
    numpy: str  # a key of NUMPY_LIMITS
    hash_seed: int  # PYTHONHASHSEED, varied too for good measure

    @property
    def name(self) -> str:
        return f"{self.core}-{self.threads}t-numpy_{self.numpy}"

    def env(self) -> dict[str, str]:
        """The environment of the subprocess: ours without any BLAS or numpy tuning, then this."""
        keep = {k: v for k, v in os.environ.items()
                if not k.startswith(("OPENBLAS_", "GOTO_", "OMP_", "NPY_", "PYTHONHASHSEED"))}
        return {**keep, "OPENBLAS_CORETYPE": self.core, "OPENBLAS_NUM_THREADS": str(self.threads),
                "NPY_DISABLE_CPU_FEATURES": " ".join(NUMPY_LIMITS[self.numpy]),
                "PYTHONHASHSEED": str(self.hash_seed)}

    def here(self) -> Setting | None:
        """This setting as this CPU can run it: its numpy limit lowered to the highest the CPU
        reaches; None if it lacks the instructions of the core type."""
        if not core_runs_here(self.core):
            return None
        limits = list(NUMPY_LIMITS)  # the highest first
        lowered = next(n for n in limits[limits.index(self.numpy):] if limit_runs_here(n))
        return replace(self, numpy=lowered)


# A covering set, not the 24-setting product (that takes over 2 minutes): every core type with
# both thread counts, every numpy limit twice with both thread counts. The first is the one the
# save is written under: a common desktop (AVX2 BLAS and numpy).
MATRIX = tuple(Setting(core, threads, limit, seed) for seed, (core, threads, limit) in enumerate((
    ("Haswell", 2, "v3"),
    ("Haswell", 1, "v2"),
    ("SkylakeX", 2, "all"),
    ("SkylakeX", 1, "v3"),
    ("SandyBridge", 2, "v2"),
    ("SandyBridge", 1, "all"),
    ("Prescott", 2, "all"),
    ("Prescott", 1, "v2"),
)))
SETTINGS = tuple(h for h in (s.here() for s in MATRIX) if h is not None)
WRITER = SETTINGS[0]
T = TypeVar("T")


def in_parallel(work: Callable[[Setting], T], settings: Iterable[Setting]) -> dict[Setting, T]:
    todo = list(settings)
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        return dict(zip(todo, pool.map(work, todo), strict=True))


def python(setting: Setting, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=setting.env(),
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)


def report(setting: Setting) -> dict[str, Any]:
    done = python(setting, "-m", "tools.record_golden", "--print")
    assert done.returncode == 0, f"{setting.name}: exit {done.returncode}\n{done.stderr}"
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def reports() -> dict[Setting, dict[str, Any]]:
    return in_parallel(report, SETTINGS)


def test_the_matrix_covers_every_core_type_thread_count_and_numpy_limit() -> None:
    assert {(s.core, s.threads) for s in MATRIX} == {(c, t) for c in CORES for t in (1, 2)}
    assert {(s.numpy, s.threads) for s in MATRIX} == {(n, t) for n in NUMPY_LIMITS for t in (1, 2)}
    assert len({s.hash_seed for s in MATRIX}) == len(MATRIX)
    cores = [c for c in CORES if core_runs_here(c)]
    limits = [n for n in NUMPY_LIMITS if limit_runs_here(n)]
    assert {"Prescott", "SandyBridge", "Haswell"} <= set(cores) and {"v2", "v3"} <= set(
        limits), f"this CPU runs only the core types {cores} and numpy limits {limits}"
    assert {(s.core, s.threads) for s in SETTINGS} == {(c, t) for c in cores for t in (1, 2)}
    assert {(s.numpy, s.threads) for s in SETTINGS} == {(n, t) for n in limits for t in (1, 2)}
    assert len({s.hash_seed for s in SETTINGS}) == len(SETTINGS)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_each_setting_takes_effect_in_its_subprocess(
        setting: Setting, reports: dict[Setting, dict[str, Any]]) -> None:
    got = reports[setting]
    assert got["numpy"] == np.__version__
    assert got["openblas"] == {"core": CORES[setting.core][0], "threads": setting.threads}
    disabled = NUMPY_LIMITS[setting.numpy]
    assert [f for f in disabled if got["cpu_features"][f]] == []
    top = TOP[setting.numpy]
    assert got["cpu_features"][top], f"numpy cannot use {top} on this CPU"


def test_the_settings_really_change_blas_and_numpy_arithmetic(
        reports: dict[Setting, dict[str, Any]]) -> None:
    """Without this, hashes that agree could just mean the settings changed nothing."""
    blas: dict[tuple[str, int], set[str]] = {}
    numpy: dict[str, set[str]] = {}
    for s, r in reports.items():
        blas.setdefault((s.core, s.threads), set()).add(r["probes"]["blas"])
        numpy.setdefault(s.numpy, set()).add(r["probes"]["numpy"])
    # The same bits for the same setting, other bits for every other setting.
    assert all(len(bits) == 1 for bits in blas.values()), blas
    assert len(set.union(*blas.values())) == len(blas), blas
    assert all(len(bits) == 1 for bits in numpy.values()), numpy
    assert len(set.union(*numpy.values())) == len(numpy), numpy


def _describe(hashes: dict[str, dict[str, str]]) -> str:
    return ", ".join(f"{name} @{tick}: {hashes[name][tick]}"
                     for name in SCENARIOS for tick in hashes[name])


def test_every_setting_computes_the_same_town(reports: dict[Setting, dict[str, Any]]) -> None:
    groups: dict[str, list[str]] = {}
    for setting, got in reports.items():
        groups.setdefault(json.dumps(got["hashes"], sort_keys=True), []).append(setting.name)
    assert len(groups) == 1, (
        "the town depends on the machine's arithmetic (BLAS, SIMD or the platform's "
        "pow/exp/log reach the state; see docs/ARCHITECTURE.md, Determinism):\n" + "\n".join(
            f"  {', '.join(names)}: {_describe(json.loads(key))}" for key, names in groups.items()))


def test_every_setting_computes_the_same_initial_bonds(
        reports: dict[Setting, dict[str, Any]]) -> None:
    """The state hash leaves the initial bonds out (they "follow from the seed"): check that they
    do, or bits that differ in pairs whose bond never moves would go unseen."""
    bonds: dict[str, list[str]] = {}
    for setting, got in reports.items():
        bonds.setdefault(json.dumps(got["initial_bonds"], sort_keys=True), []).append(setting.name)
    assert len(bonds) == 1, "the initial bonds depend on the machine's arithmetic:\n" + "\n".join(
        f"  {', '.join(names)}: {key}" for key, names in bonds.items())


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_gives_the_golden_hashes(
        setting: Setting, reports: dict[Setting, dict[str, Any]]) -> None:
    got: dict[str, dict[str, str]] = reports[setting]["hashes"]
    wanted = {name: {str(t): GOLDEN.get(name, {}).get(str(t)) for t in TICKS} for name in SCENARIOS}
    wrong = [f"{name} @{tick}: {got[name][tick]}, golden {golden}"
             for name, ticks in wanted.items() for tick, golden in ticks.items()
             if got[name][tick] != golden]
    assert not wrong, (f"{setting.name}: state hashes differ from {GOLDEN_FILE.name}:\n  "
                       + "\n  ".join(wrong) + f"\n{REGENERATE}")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_save_written_under_one_setting_verifies_under_every_other(tmp_path: Path,
                                                                     scenario: str) -> None:
    cards = tmp_path / "cards.json"
    cards.write_text(cards_json(scenario))
    save = tmp_path / "s.town"
    written = python(WRITER, "-m", "game", "run", "--scenario", scenario, "--seed", str(SEED),
                     "--days", "2", "--perturb", str(cards), "--out", str(save), cwd=tmp_path)
    assert written.returncode == 0, written.stderr

    def verify(setting: Setting) -> subprocess.CompletedProcess[str]:
        return python(setting, "-m", "game", "verify", str(save), cwd=tmp_path)

    verified = in_parallel(verify, [s for s in SETTINGS if s != WRITER])
    failed = [f"  {s.name}: exit {done.returncode}: {(done.stdout + done.stderr).strip()}"
              for s, done in verified.items()
              if done.returncode != 0 or not done.stdout.startswith(f"OK {save}")]
    assert not failed, f"a save written under {WRITER.name} fails to verify under:\n" + "\n".join(
        failed)
    # The save and the goldens are one town: `agent-town run` hashes what the tool hashes.
    stored = json.loads(save.read_text())["branches"][0]["hashes"]
    golden = {t: h for t, h in GOLDEN[scenario].items() if t != "0"}
    assert stored == golden, f"{WRITER.name} saved {stored}, the goldens say {golden}. {REGENERATE}"
