"""Test helpers that drive the app as a person would: posted mouse and key events, one frame."""

from __future__ import annotations

import pygame

from game.trace.timeline import Timeline
from game.userfiles.settings import Settings
from game.view.app import App
from game.view.assets import Assets


def post(kind: int, **attrs: object) -> None:
    pygame.event.post(pygame.event.Event(kind, attrs))


def click(app: App, pos: tuple[int, int], button: int = 1) -> None:
    post(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    post(pygame.MOUSEBUTTONDOWN, pos=pos, button=button)
    post(pygame.MOUSEBUTTONUP, pos=pos, button=button)
    app.frame(0.0)


def key(app: App, k: int, mod: int = 0, unicode: str = "") -> None:
    post(pygame.KEYDOWN, key=k, mod=mod, unicode=unicode)
    app.frame(0.0)


def make_app(assets: Assets, timeline: Timeline | None = None,
             settings: Settings | None = None, *, ticks: int = 2000, speed: int = 0) -> App:
    """A counted-frame window on `town` seed 7 run `ticks` ticks (or on `timeline`), at
    `speed`, after its first frame."""
    pygame.event.clear()
    if timeline is None:
        timeline = Timeline("town", 7)
        timeline.advance(ticks)
    app = App(timeline, speed=speed, reproducible=True, assets=assets, settings=settings)
    app.frame(0.0)
    return app
