"""The key table: the README's key table and the help overlay agree with it, no key means two
things, Ctrl+S saves without panning, and the UI state and reducer load without pygame."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from game.sim.cards import CARDS
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.assets import Assets
from game.view.input import TownInput, key_intent
from game.view.intents import ArmCard, Open, SaveTown, Toggle
from game.view.keys import BINDINGS, KEY_ROWS, PRESSED, Binding, Pan
from game.view.overlays import HelpOverlay
from tests.window import post

README = Path(__file__).resolve().parents[1] / "README.md"
# README words that stand for several keys.
SPELLED = {"arrows": ["←", "↑", "→", "↓"], "WASD": ["W", "A", "S", "D"],
           "1–6": [str(k) for k in range(1, 7)]}


class Held:
    """What pygame.key.get_pressed() gives, for a chosen set of keys."""

    def __init__(self, *keys: int) -> None:
        self.keys = set(keys)

    def __getitem__(self, key: int) -> bool:
        return key in self.keys


def readme_groups() -> list[tuple[list[str], str]]:
    """The README's key table as (keys, what they do) groups: a row "A · B | x · y" is two."""
    text = README.read_text(encoding="utf-8")
    table = text.split("| keys | |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    groups = []
    for line in table.splitlines():
        keys, does = (cell.strip() for cell in line.strip("|").split("|"))
        key_parts, does_parts = keys.split(" · "), does.split(" · ")
        assert len(key_parts) == len(does_parts), line
        for part, what in zip(key_parts, does_parts, strict=True):
            words = re.sub(r"\bor\b", " ", part).split()
            groups.append(([k for w in words for k in SPELLED.get(w, [w])], what))
    return groups


def documented() -> dict[str, Binding]:
    return {b.label: b for b in BINDINGS if not b.alias}


def kind(binding: Binding) -> str:
    """What a binding does, coarsely: the intent's type (and which window or overlay)."""
    does = binding.does
    name = getattr(does, "name", "")
    return f"{type(does).__name__} {name}".strip() if not isinstance(does, Pan) else "Pan"


def test_the_readme_names_every_key_of_the_table_and_no_other() -> None:
    in_readme = [key for keys, _ in readme_groups() for key in keys]
    assert sorted(in_readme) == sorted(documented())


def test_each_readme_group_of_keys_does_one_kind_of_thing() -> None:
    table = documented()
    for keys, what in readme_groups():
        kinds = {kind(table[k]) for k in keys}
        assert len(kinds) == 1, f"{keys} ({what}) do {kinds}"


def test_no_key_means_two_things() -> None:
    pressed = [(b.mod, b.key) for b in BINDINGS if not isinstance(b.does, Pan)]
    assert len(pressed) == len(set(pressed)) == len(PRESSED)
    held = [b.key for b in BINDINGS if isinstance(b.does, Pan)]
    assert not set(held) & {key for mod, key in PRESSED if mod.value == ""}


def test_every_card_has_its_hotkey_in_the_table() -> None:
    armed = {b.does.card: b.name for b in BINDINGS if isinstance(b.does, ArmCard)}
    assert armed == {name: spec.hotkey for name, spec in CARDS.items()}


def test_the_help_overlay_lists_the_table(assets: Assets) -> None:
    help_overlay = HelpOverlay(assets, "log")
    help_overlay.layout(pygame.Rect(0, 0, 1280, 720))
    columns = {title: rows for title, rows, _, _ in help_overlay._columns}
    assert columns["keys"] == [[(row.keys, row.does)] for row in KEY_ROWS]  # one line each


@pytest.mark.parametrize(("mod", "typed", "intent"), [
    (pygame.KMOD_LCTRL, "", SaveTown()), (0, "", None), (pygame.KMOD_LSHIFT, "S", None)])
def test_s_with_ctrl_saves_and_alone_only_pans(mod: int, typed: str, intent: object) -> None:
    event = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_s, mod=mod, unicode=typed)
    assert key_intent(event) == intent


def test_held_ctrl_turns_the_pan_keys_off() -> None:
    pan, held = TownInput(), Held(pygame.K_s, pygame.K_LEFT)
    assert pan.held_pan(held, (1280, 720)) == (-1, 1)
    assert pan.held_pan(held, (1280, 720), pygame.KMOD_LCTRL) == (0, 0)


def test_ctrl_s_in_the_window_saves_and_the_view_stays_put(
        assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    pygame.event.clear()
    app = App(Timeline("town", 7), speed=0, reproducible=True, assets=assets)
    monkeypatch.setattr(pygame.key, "get_pressed", lambda: Held(pygame.K_s, pygame.K_LCTRL))
    monkeypatch.setattr(pygame.key, "get_mods", lambda: pygame.KMOD_LCTRL)
    origin = app.camera.origin
    post(pygame.KEYDOWN, key=pygame.K_s, mod=pygame.KMOD_LCTRL, unicode="")
    for _ in range(10):
        app.frame(1 / 60)
    assert app.camera.origin == origin
    assert any(t.startswith("saved ") for t in app.widgets.toasts.texts_shown())
    # Ctrl let go before S (fingers and xdotool do): the S of the shortcut still does not pan.
    monkeypatch.setattr(pygame.key, "get_mods", lambda: 0)
    app.frame(1 / 60)
    assert app.camera.origin == origin
    post(pygame.KEYUP, key=pygame.K_s, mod=0)  # S pressed again on its own: now it pans
    post(pygame.KEYDOWN, key=pygame.K_s, mod=0, unicode="s")
    app.frame(1 / 60)
    assert app.camera.origin != origin


def test_ctrl_o_and_f1_open_windows_through_the_table() -> None:
    ctrl_o = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_o, mod=pygame.KMOD_LCTRL)
    question = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SLASH, mod=0, unicode="?")
    assert key_intent(ctrl_o) == Open("picker")
    assert key_intent(question) == Toggle("help")


def test_the_ui_state_and_the_reducer_never_load_pygame() -> None:
    pure = ("game.view.uistate", "game.view.intents", "game.view.effects", "game.view.reduce",
            "game.view.explain", "game.view.viewstate")
    code = (f"import sys; import {', '.join(pure)}; "
            "assert 'pygame' not in sys.modules, 'pygame was imported'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
