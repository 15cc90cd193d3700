"""The simulation: the town's state, map and citizens, the laws, operations, decisions, card
runners and phase ends, and `TownFlux`, which ticks them (docs/ARCHITECTURE.md has the rooms).

Pure: imports numpy, pydantic and `game.config`, never the trace, the view, pygame or the CLI.

The modules of COMPILED may run compiled: `python tools/compile_sim.py` turns them into C
extensions with mypyc (the same code, the same arithmetic: every hash is the same bit for bit,
`tests/test_compiled.py`) and puts them in `_built/` with a digest of the sources they were made
from. They are imported from there only while that digest matches the sources here, so an
edited module is never shadowed by a stale build; `AGENT_TOWN_INTERPRETED=1` runs the sources.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from hashlib import blake2b
from pathlib import Path

# The rest (`cards`, `events`: pydantic models; `digest`: a list subclass) stay interpreted.
COMPILED = ("bonds", "decide", "dialogue", "draws", "flux", "laws", "model", "ops", "perform",
            "perturb", "phases", "roster", "scenarios", "social", "townmap")
HERE = Path(__file__).resolve().parent
BUILT = HERE / "_built"
STAMP = "SOURCES"  # the file in BUILT holding `sources_digest` of what was compiled


def sources_digest(folder: Path = HERE) -> str:
    """A digest of the compiled modules' sources in `folder` and of this Python's ABI."""
    h = blake2b(sys.implementation.cache_tag.encode(), digest_size=16)
    for name in COMPILED:
        h.update(name.encode())
        h.update((folder / f"{name}.py").read_bytes())
    return h.hexdigest()


def use_built(folder: Path, environ: Mapping[str, str], frozen: bool) -> bool:
    """Whether the build in `folder / "_built"` is there, wanted and made from these sources.

    A frozen executable carries no sources to compare: its build was checked when it was
    packed (build.spec)."""
    stamp = folder / "_built" / STAMP
    if environ.get("AGENT_TOWN_INTERPRETED") or not stamp.is_file():
        return False
    return frozen or stamp.read_text(encoding="ascii").strip() == sources_digest(folder)


if use_built(HERE, os.environ, bool(getattr(sys, "frozen", False))):
    __path__.insert(0, str(BUILT))


def compiled() -> bool:
    """Whether the modules of COMPILED run compiled here (their build was imported)."""
    from importlib import import_module
    from importlib.machinery import EXTENSION_SUFFIXES

    return str(import_module("game.sim.flux").__file__).endswith(tuple(EXTENSION_SUFFIXES))
