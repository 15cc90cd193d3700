"""Fuzz: thousands of random clicks, drags, wheels and keys on the running app raise nothing, and
the history it made still saves and verifies. Seeded and bounded, so it runs the same each time."""

from __future__ import annotations

import random
from pathlib import Path

import pygame
import pytest

from game.trace import store
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.assets import Assets
from game.view.keys import BINDINGS, Mod

EVENTS = 3000
MODS = {Mod.NONE: 0, Mod.CTRL: pygame.KMOD_LCTRL, Mod.SHIFT: pygame.KMOD_LSHIFT,
        Mod.ALT: pygame.KMOD_LALT}
# Every key of the key table with its modifier (and the character a shifted key types): the
# fuzz presses whatever a person can, cards and pan keys included.
KEYS = [(b.key, MODS[b.mod], b.name if b.mod is Mod.SHIFT else "") for b in BINDINGS]


def random_pos(rng: random.Random, app: App) -> tuple[int, int]:
    """Anywhere, but mostly where the HUD is: the timeline, the hand, the inspector column."""
    w, h = app.screen.get_size()
    where = rng.random()
    if where < 0.3:
        r = app.widgets.timebar.rect
    elif where < 0.5:
        r = app.widgets.hand.rect
    elif where < 0.7:
        r = pygame.Rect(w - 320, 40, 320, h - 116)
    else:
        r = app.screen.get_rect()
    return rng.randrange(r.x, r.right), rng.randrange(r.y, max(r.y + 1, r.bottom))


def post_random(rng: random.Random, app: App) -> None:
    kind = rng.random()
    if kind < 0.3:
        pos = random_pos(rng, app)
        button = rng.choice((1, 1, 1, 3))
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0),
                                             buttons=(0, 0, 0)))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
    elif kind < 0.45:
        pos = random_pos(rng, app)
        button = rng.choice((1, 3))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
        for _ in range(rng.randrange(1, 5)):
            pos = (pos[0] + rng.randrange(-200, 200), pos[1] + rng.randrange(-40, 40))
            pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0),
                                                 buttons=(1, 0, 0)))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
    elif kind < 0.55:
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=random_pos(rng, app),
                                             rel=(0, 0), buttons=(0, 0, 0)))
        pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=rng.choice((-1, 1)),
                                             flipped=False))
    else:
        key, mod, typed = rng.choice(KEYS)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=typed))


@pytest.mark.slow
def test_random_input_raises_nothing_and_the_trace_still_verifies(
        assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    pygame.event.clear()
    rng = random.Random(20240605)
    timeline = Timeline("town", 7)
    timeline.advance(1600)
    app = App(timeline, speed=4, reproducible=True, assets=assets)
    for n in range(EVENTS):
        post_random(rng, app)
        if n % 4 == 3:
            app.frame(rng.choice((0.0, 1 / 60, 0.05, 0.1)))
            app.running = True  # a double Esc may have quit: keep fuzzing
    app.frame(1 / 60)
    tl = app.timeline
    assert tl.cursor <= tl.branch.head
    path = tmp_path / "fuzzed.town"
    store.save(tl, path)
    loaded, _, finals = store.load(path)
    assert set(loaded.branches) == set(tl.branches)
    for name, branch in tl.branches.items():
        assert finals[name] == tl.hash_at(branch.head, name)
