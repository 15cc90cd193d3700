"""Steering the camera without a click: the held pan keys, and presentation mode's glide toward
what the director follows (whose caption line names it).

The app calls `scroll` and `direct` once a frame and `reset` when the town jumps. Reads the
flux's positions through the world; never changes the town.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pygame

from game import config
from game.clock import MAX_SPEED
from game.sim.flux import TownFlux
from game.trace.story import caption
from game.view.camera import Camera
from game.view.director import Director
from game.view.input import TownInput
from game.view.uistate import UiState
from game.view.world import World

PAN_PX_PER_SECOND = 720
FOLLOW_SECONDS = 0.6  # time constant of the camera's glide toward the followed citizens
FOLLOW_LIFT = 10  # native px: aim at the citizens' bodies, not their feet


class Steering:
    """The director and its caption, and the camera moves no click asked for."""

    def __init__(self) -> None:
        self.director = Director()
        self.caption = ""  # presentation mode's line: what the director last followed

    def reset(self) -> None:
        """The town jumped: the director's drama from another moment would lie."""
        self.director.reset()
        self.caption = ""

    def scroll(self, camera: Camera, keys: TownInput, dt: float) -> None:
        """Pan while an arrow (or WASD) key is held."""
        dx, dy = keys.held_pan(pygame.key.get_pressed(), camera.viewport,
                               pygame.key.get_mods())
        if dx or dy:
            step = PAN_PX_PER_SECOND * min(dt, 0.1)
            camera.pan(-dx * step, -dy * step)

    def direct(self, dt: float, ui: UiState, flux: TownFlux, cursor: int,
               names: Mapping[str, str], glide: tuple[World, Camera, float]) -> None:
        """The director picks what to follow; presenting, the camera glides toward it and the
        caption line names it. `glide` is the world, the camera and the fractional tick shown."""
        speed = ui.speed
        if speed != 0:
            ticks_per_second = config.TICKS_PER_SECOND * (
                speed if speed != MAX_SPEED else config.SPEEDS[-2])
            self.director.keep_pace(ticks_per_second)
        focus = self.director.update(cursor)
        if not ui.presenting:
            return
        if focus is None:
            self.caption = ""
            return
        self.caption = caption(focus, names)
        who: Sequence[int] = [flux.index[c] for c in focus.participants if c in flux.index]
        if who:
            world, camera, at = glide
            x, y = world.centre_of(who, at)
            camera.ease_toward((x, y - FOLLOW_LIFT), 1 - math.exp(-dt / FOLLOW_SECONDS))
