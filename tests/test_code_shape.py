"""The shape of the code: no function in `game/` longer than 60 lines, except tables of data.

Long functions are where behaviour piles up unseen; a table of data (a list of demo steps, the
key bindings) may be as long as it needs to be.
"""

from __future__ import annotations

import ast
from pathlib import Path

GAME = Path(__file__).resolve().parent.parent / "game"
LIMIT = 60
DATA_TABLES = {("demos/script.py", "default_script")}  # returns one literal: the built-in demo


def long_functions() -> list[str]:
    found = []
    for path in sorted(GAME.rglob("*.py")):
        where = path.relative_to(GAME).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > LIMIT and (where, node.name) not in DATA_TABLES:
                    found.append(f"game/{where}:{node.lineno} {node.name}: {length} lines")
    return found


def test_no_function_in_game_is_longer_than_60_lines() -> None:
    assert long_functions() == []


def test_the_data_tables_let_through_are_still_there_and_still_long() -> None:
    for where, name in DATA_TABLES:
        tree = ast.parse((GAME / where).read_text(encoding="utf-8"))
        [node] = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name]
        assert (node.end_lineno or 0) - node.lineno + 1 > LIMIT


def test_the_app_and_the_flux_stay_under_400_lines() -> None:
    """They are where features pile up: a new one gets a room of its own instead."""
    for part in ("view/app.py", "sim/flux.py"):
        lines = (GAME / part).read_text(encoding="utf-8").count("\n")
        assert lines < 400, f"game/{part} has {lines} lines"
