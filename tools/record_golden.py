"""Record the golden state hashes every machine must reproduce (tests/data/golden_hashes.json).

    python -m tools.record_golden            # write tests/data/golden_hashes.json
    python -m tools.record_golden --print    # print this process's hashes and BLAS facts as JSON

Writing the goldens is a save-format change: a `.town` file stores state hashes, so new goldens
mean that saves made before them no longer verify. Regenerate them only when a change to the
town is meant, together with a new `game.trace.store.VERSION`, and never to make
`tests/test_same_everywhere.py` pass on one machine: that test runs `--print` in subprocesses
under several OpenBLAS kernels, thread counts and numpy SIMD limits, and every one must give
these same hashes.

The scenarios are `town` and `city:500` with the default seed, each with the cards of
`tools/record_hashes.py` whose targets live there, hashed at ticks 0, 1600 and 3200 (2 days),
through the same `Timeline` that `agent-town run` and `verify` use.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from game import config, sim
from game.sim.bonds import initial_relationships
from game.sim.cards import Perturbation
from game.sim.flux import TownFlux
from game.sim.scenarios import scenario
from game.trace.timeline import Timeline
from tools.record_hashes import CARDS

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "golden_hashes.json"
SCENARIOS = ("town", "city:500")
SEED = config.DEFAULT_SEED
TICKS = (0, config.DAY_TICKS, 2 * config.DAY_TICKS)

Hashes = dict[str, dict[str, str]]  # scenario → tick (as text, JSON keys) → state hash


def cards_for(name: str) -> list[Perturbation]:
    """The cards of `record_hashes.CARDS` whose every target is a citizen of scenario `name`."""
    ids = {c.id for c in scenario(name).citizens}
    return [Perturbation(tick=t, card=c, targets=targets) for t, c, targets in CARDS
            if set(targets) <= ids]


def cards_json(name: str) -> str:
    """The cards of `name` as a `--perturb` file for `agent-town run`."""
    return json.dumps([p.model_dump(mode="json") for p in cards_for(name)], indent=1) + "\n"


def hashes(name: str) -> dict[str, str]:
    """The state hash of scenario `name` (default seed, its cards) after each tick in TICKS."""
    timeline = Timeline(name, SEED, keyframe_budget_mb=0.0)
    for p in cards_for(name):
        timeline.add_perturbation(p)
    out: dict[str, str] = {}
    for tick in range(TICKS[-1] + 1):
        if tick:
            timeline.advance()
        if tick in TICKS:
            out[str(tick)] = timeline.flux.state_hash()
    return out


def initial_bonds(name: str) -> str:
    """A digest of the initial bonds of scenario `name`, which the state hash leaves out.

    The state hash covers only the bonds that moved from their initial value ("the initial bonds
    follow from the seed"), so bonds computed with machine-dependent bits would not show at tick
    0, nor ever for pairs that never move; the test compares this digest across settings.
    """
    flux = TownFlux(name, SEED)
    rel0 = initial_relationships(flux.state.personality)  # tick 0: the initial personalities
    return hashlib.blake2b(rel0.tobytes(), digest_size=8).hexdigest()


def record() -> Hashes:
    return {name: hashes(name) for name in SCENARIOS}


def openblas() -> dict[str, Any]:
    """The kernel set ("core") and thread count of the OpenBLAS numpy loaded, asked of it.

    numpy does not say which kernels OpenBLAS chose, so this finds numpy's OpenBLAS among the
    loaded libraries (Linux) and calls its own `get_corename`/`get_num_threads`. Empty when
    there is no OpenBLAS to ask (another BLAS, another system).
    """
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return {}
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        for suffix in ("64_", "", "_64"):
            prefixes = ("scipy_openblas_", "openblas_")
            for prefix in prefixes:
                corename = getattr(lib, f"{prefix}get_corename{suffix}", None)
                threads = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
                if corename is not None and threads is not None:
                    corename.restype = ctypes.c_char_p
                    threads.restype = ctypes.c_int
                    return {"core": corename().decode(), "threads": int(threads())}
    return {}


def numpy_features() -> dict[str, bool]:
    """numpy's view of the CPU after NPY_DISABLE_CPU_FEATURES: which features it may dispatch to."""
    features = importlib.import_module("numpy._core._multiarray_umath").__cpu_features__
    return {str(k): bool(v) for k, v in features.items()}


def arithmetic_probes() -> dict[str, str]:
    """Bits that depend on the arithmetic underneath, never on the town.

    `blas`: a 500×500 matrix product, whose last bits follow OpenBLAS's kernels and thread
    count; `numpy`: `exp` in float64 and float32, whose last bits follow the SIMD targets numpy
    may use (AVX-512 and AVX2 loops vs the platform's libm). The test checks that its settings
    really vary these, so that agreeing hashes mean something.
    """
    rng = np.random.Generator(np.random.PCG64(17))
    a = rng.uniform(-1.0, 1.0, (500, 500))
    x = rng.uniform(-20.0, 20.0, 4096)

    def digest(*arrays: np.ndarray[Any, Any]) -> str:
        h = hashlib.blake2b(digest_size=8)
        for array in arrays:
            h.update(array.tobytes())
        return h.hexdigest()

    return {"blas": digest(a @ a), "numpy": digest(np.exp(x), np.exp(x.astype(np.float32)))}


def report() -> dict[str, Any]:
    """What `--print` prints: this process's hashes and what it can tell of its arithmetic."""
    return {"numpy": np.__version__, "openblas": openblas(), "cpu_features": numpy_features(),
            "probes": arithmetic_probes(),
            "environ": {k: v for k, v in os.environ.items()
                        if k.startswith(("OPENBLAS_", "NPY_", "PYTHONHASHSEED"))},
            "initial_bonds": {name: initial_bonds(name) for name in SCENARIOS},
            "compiled": sim.compiled(), "hashes": record()}


def main(argv: list[str]) -> int:
    if argv == ["--print"]:
        print(json.dumps(report(), sort_keys=True))
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    text = json.dumps(record(), indent=1, sort_keys=True) + "\n"
    if OUT.exists() and OUT.read_text() == text:
        print(f"{OUT}: unchanged")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}: a save-format change — bump game.trace.store.VERSION with it")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
