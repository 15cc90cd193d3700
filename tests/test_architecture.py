"""The arrows between the parts of `game/`: every import, read from the source with `ast`.

`ALLOWED` is the one table of allowed arrows. Every module of `game/` belongs to the longest layer
name that prefixes it; a layer may import only the layers its row names. Imports count wherever
they are written (module top, inside a function, under `TYPE_CHECKING`), and so do
`importlib.import_module("...")` and `__import__("...")` with a literal name. Third-party
packages other than pygame are free; pygame is a layer of its own, so a pure layer that reaches
for it fails here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GAME = ROOT / "game"

# The version, the tuned numbers, the limits of what a person may ask for and the words they
# read (counts in good grammar): leaves for all.
_BASE = frozenset({"game", "game.config", "game.limits", "game.words"})
_PURE = _BASE | {"game.sim", "game.trace", "game.userfiles", "game.demos", "game.speed",
                 "game.clock", "game.switches"}

# layer → the layers it may import (itself included where it has modules that import each other).
# The design: faces (view, cli) → trace → sim; sim and trace never import pygame, the view or the
# command line, and sim never imports trace; nothing but `game/__main__.py` imports the command
# line; the person's files and the demo scripts stay pure too. A new package gets its own row.
ALLOWED: Mapping[str, frozenset[str]] = {
    "game": frozenset(),
    "game.config": frozenset(),
    "game.limits": frozenset({"game", "game.config"}),  # the limits and their checks: pure
    "game.words": frozenset({"game"}),  # plurals, event messages as shown: pure
    "game.speed": _BASE,  # the speeds a person may choose: window, demos, video, command line
    "game.clock": _BASE,  # the fixed-timestep clock: the window's and a headless owner's
    "game.switches": _BASE,  # kill switches, read once from the environment
    "game.sim": _BASE | {"game.sim"},
    "game.userfiles": _BASE | {"game.userfiles"},
    "game.trace": _BASE | {"game.trace", "game.sim", "game.userfiles"},
    "game.demos": _PURE,
    # What any face shows, as functions of the town's state: pure like the trace it reads.
    "game.projections": _BASE | {"game.projections", "game.sim", "game.trace"},
    # Experiments: sweeps of many runs on Dask, their table and report; never draw a window.
    "game.experiments": _BASE | {"game.experiments", "game.sim", "game.trace",
                                 "game.userfiles"},
    # Servers, buses and clients: they feed on the timeline and never draw.
    "game.wire": _PURE | {"game.projections", "game.wire"},
    "game.tui": _PURE | {"game.projections", "game.tui", "game.wire"},
    # The marimo dashboard: a notebook over the projections, a saved history or a served town.
    "game.dashboard": _PURE | {"game.projections", "game.dashboard", "game.wire",
                               "game.experiments"},
    "game.view": _PURE | {"game.projections", "game.view", "game.wire", "pygame"},
    "game.cli": _PURE | {"game.projections", "game.view", "game.tui", "game.wire",
                         "game.experiments", "game.dashboard", "game.cli", "pygame"},
    "game.__main__": _BASE | {"game.cli"},
}
EXTERNAL_LAYERS = frozenset({"pygame"})  # third-party packages the table speaks about


@dataclass(frozen=True)
class Arrow:
    """One import: the target module as written (resolved if relative), and its line."""

    target: str
    line: int


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def arrows(source: str, module: str, is_package: bool = False) -> Iterator[Arrow]:
    """Every module `source` imports, anywhere in it. `from a import b` yields `a` and `a.b`
    (b may be a submodule); the caller keeps the names that are real modules."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Arrow(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield Arrow(base, node.lineno)
            for alias in node.names:
                if alias.name != "*":
                    yield Arrow(f"{base}.{alias.name}", node.lineno)
        elif (isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args
              and isinstance(node.args[0], ast.Constant)):
            name = node.args[0].value
            if isinstance(name, str) and not name.startswith("."):
                yield Arrow(name, node.lineno)


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def layer_of(module: str) -> str | None:
    """The row of `ALLOWED` (or the external layer) a module belongs to: the longest row name
    that prefixes it. None for third-party packages the table says nothing about, and for a
    module of `game/` no row covers."""
    parts = module.split(".")
    if parts[0] in EXTERNAL_LAYERS:
        return parts[0]
    if module == "game":
        return module
    for n in range(len(parts), 1, -1):
        if ".".join(parts[:n]) in ALLOWED:
            return ".".join(parts[:n])
    return None


def violations(source: str, module: str, shown_as: str, known: frozenset[str],
               is_package: bool = False) -> list[str]:
    """Each forbidden import in `source` (the module `module`), as `file:line: message`.

    `known` is the set of modules under `game/`: `from game import x` is an arrow to `game.x`
    only when that module exists, and an arrow to a `game.*` module no row covers is reported.
    """
    source_layer = layer_of(module)
    if source_layer is None or source_layer in EXTERNAL_LAYERS:
        return [f"{shown_as}:1: module {module} is in no layer of ALLOWED: give its package a row"]
    found: list[str] = []
    seen: set[tuple[int, str | None]] = set()  # one report per line and layer reached
    for arrow in sorted(arrows(source, module, is_package), key=lambda a: (a.line, -len(a.target))):
        ours = arrow.target.split(".")[0] == "game"
        if ours and arrow.target not in known:
            continue  # `from game.x import name`: the name is not a module of its own
        target_layer = layer_of(arrow.target)
        if target_layer is None and not ours:
            continue
        if target_layer not in ALLOWED[source_layer] and (arrow.line, target_layer) not in seen:
            seen.add((arrow.line, target_layer))
            found.append(f"{shown_as}:{arrow.line}: {source_layer} must not import "
                         f"{arrow.target} ({target_layer or 'in no layer'}); allowed: "
                         f"{', '.join(sorted(ALLOWED[source_layer])) or 'nothing'}")
    return found


def game_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(GAME.rglob("*.py"))}


def check_tree() -> list[str]:
    modules = game_modules()
    known = frozenset(modules)
    found: list[str] = []
    for module, path in modules.items():
        found += violations(path.read_text(encoding="utf-8"), module,
                            str(path.relative_to(ROOT)), known, path.name == "__init__.py")
    return found


# --- the tree ------------------------------------------------------------------------------------


def test_no_module_under_game_imports_across_a_forbidden_arrow() -> None:
    found = check_tree()
    assert not found, "forbidden imports:\n" + "\n".join(found)


def test_every_package_under_game_has_a_row_in_the_table() -> None:
    packages = {module_name(path.parent) for path in GAME.rglob("__init__.py")}
    modules = {module_name(path) for path in GAME.glob("*.py")}
    assert packages | modules <= set(ALLOWED), (
        sorted((packages | modules) - set(ALLOWED)))


def test_the_walk_sees_the_imports_inside_functions() -> None:
    # The command line opens the window lazily: the walk must see that arrow, or it sees too little.
    source = (GAME / "cli.py").read_text(encoding="utf-8")
    targets = {arrow.target for arrow in arrows(source, "game.cli")}
    assert {"game.view.window", "pygame"} <= targets


# --- the checker fails when it should -----------------------------------------------------------

KNOWN = frozenset({"game", "game.config", "game.cli", "game.sim", "game.sim.flux",
                   "game.trace", "game.trace.store", "game.view", "game.view.app",
                   "game.userfiles", "game.demos", "game.demos.script"})


@pytest.mark.parametrize(("module", "source", "line", "target"), [
    ("game.sim.flux", "import numpy\n\ndef draw():\n    import pygame\n", 4, "pygame"),
    ("game.sim.flux", "from game.trace import store\n", 1, "game.trace.store"),
    ("game.sim.flux", "from ..trace.store import load\n", 1, "game.trace.store"),
    ("game.sim.flux", "import importlib\nm = importlib.import_module('game.view.app')\n", 2,
     "game.view.app"),
    ("game.trace.store", "import pygame.freetype\n", 1, "pygame.freetype"),
    ("game.trace.store", "x = __import__('game.view')\n", 1, "game.view"),
    ("game.view.app", "from game import cli\n", 1, "game.cli"),
    ("game.demos.script", "from game.view.app import App\n", 1, "game.view.app"),
    ("game.userfiles", "if True:\n    import pygame\n", 2, "pygame"),
])
def test_a_forbidden_import_is_reported_with_its_file_and_line(
        module: str, source: str, line: int, target: str) -> None:
    shown_as = module.replace(".", "/") + ".py"
    found = violations(source, module, shown_as, KNOWN, is_package=module == "game.userfiles")
    assert len(found) == 1, found
    assert found[0].startswith(f"{shown_as}:{line}: ") and f" must not import {target} " in found[0]


def test_allowed_imports_are_not_reported() -> None:
    source = ("import numpy\nfrom game import config, __version__\nfrom game.sim.flux import "
              "TownFlux\nfrom . import store\n")
    assert violations(source, "game.trace.timeline", "t.py", KNOWN) == []
    assert violations("from game.cli import main\n", "game.__main__", "m.py", KNOWN) == []
    assert violations("def f():\n    import pygame\n", "game.cli", "c.py", KNOWN) == []


def test_a_module_outside_the_table_is_reported() -> None:
    found = violations("import numpy\n", "game.nowhere.scatter", "s.py", KNOWN)
    assert found and "no layer" in found[0]
