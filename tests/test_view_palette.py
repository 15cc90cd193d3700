"""The window draws in the art's palette: every colour role is one of ENDESGA 32, the committed
art was written with the same 32 colours in the same order, and the palette needs no pygame."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from game.view import palette

ASSETS = Path(__file__).resolve().parent.parent / "game" / "assets"


def test_every_colour_role_is_an_endesga_32_colour() -> None:
    inks = set(palette.INKS.values())
    roles = [value for name, value in vars(palette).items()
             if name.isupper() and isinstance(value, tuple) and len(value) == 3
             and all(isinstance(v, int) for v in value)]
    roles += list(palette.OP_COLOURS.values()) + list(palette.COALITION_COLOURS)
    roles += list(palette.PHASE_BANDS)
    assert len(roles) > 40
    assert [c for c in roles if c not in inks] == []


def test_the_committed_art_uses_the_palette_in_its_order() -> None:
    manifest = json.loads((ASSETS / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["palette"] == [f"#{code}" for _, code in palette.ENDESGA_32]
    assert len(set(palette.INKS.values())) == 32


def test_coalition_slots_past_the_table_wrap_round() -> None:
    n = len(palette.COALITION_COLOURS)
    assert palette.coalition_colour(n + 2) == palette.coalition_colour(2)


def test_the_palette_imports_no_pygame() -> None:
    code = "import sys, game.view.palette; sys.exit('pygame' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
