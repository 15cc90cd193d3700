"""Steering the camera without dragging it: the held pan keys, following a citizen, going to
where something happened (a citizen chosen in the scatter, a feed event, a story marker, a
card's flag), jumping to a point of the minimap, and presentation mode's glide toward what
the director follows (whose caption line names it).

The app calls `scroll` and `direct` once a frame, `take` for the camera's effects and `reset`
when the town jumps. A pan by the player (drag, keys, the window's edge) or Home ends a
follow or a glide under way. Reads the flux's positions and the timeline's events through
the world; never changes the town.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pygame

from game import config
from game.clock import MAX_SPEED
from game.sim.flux import TownFlux
from game.trace.story import caption
from game.trace.timeline import Timeline
from game.view import effects as fx
from game.view.camera import Camera
from game.view.director import Director
from game.view.input import TownInput
from game.view.uistate import UiState
from game.view.world import World

PAN_PX_PER_SECOND = 720
FOLLOW_SECONDS = 0.6  # time constant of presentation's glide toward the director's pick
TRACK_SECONDS = 0.15  # …of the camera keeping up with a followed citizen
GOTO_SECONDS = 0.12  # …of the glide to where something happened
ARRIVED_PX = 0.5  # native px: a glide this close to its point has arrived
FOLLOW_LIFT = 10  # native px: aim at the citizens' bodies, not their feet

CameraEffect = fx.CameraMove | fx.Follow | fx.LookAtCitizen | fx.LookAtEvent | fx.CentreOn


def aim(world: World, citizens: Sequence[int], at: float) -> tuple[float, float]:
    """The world point the camera centres on to show citizens at fractional tick `at`: their
    middle, lifted from their feet to their bodies."""
    x, y = world.centre_of(citizens, at)
    return x, y - FOLLOW_LIFT


class Steering:
    """The director and its caption, the followed citizen, and the camera moves no drag
    asked for."""

    def __init__(self) -> None:
        self.director = Director()
        self.caption = ""  # presentation mode's line: what the director last followed
        self.following: int | None = None  # the citizen the camera tracks
        self.goal: tuple[float, float] | None = None  # a world point the camera glides to

    def reset(self) -> None:
        """The town jumped: the director's drama from another moment would lie. A followed
        citizen is still followed, wherever the jump put them."""
        self.director.reset()
        self.caption = ""

    def stop(self) -> None:
        """The player took the camera: no follow, no glide."""
        self.following = None
        self.goal = None

    def scroll(self, camera: Camera, keys: TownInput, dt: float) -> None:
        """Pan while an arrow (or WASD) key is held, or the mouse rests on the window's edge."""
        dx, dy = keys.held_pan(pygame.key.get_pressed(), camera.viewport,
                               pygame.key.get_mods())
        if dx or dy:
            self.stop()
            step = PAN_PX_PER_SECOND * min(dt, 0.1)
            camera.pan(-dx * step, -dy * step)

    def take(self, effect: CameraEffect, camera: Camera, timeline: Timeline, world: World
             ) -> fx.Say | None:
        """Carry out a camera effect; following says so (and how it ends) in a toast."""
        match effect:
            case fx.CameraMove():
                if effect.dx or effect.dy or effect.recentre:
                    self.stop()
                camera.move(effect.dx, effect.dy, effect.zoom, effect.at, effect.recentre)
            case fx.Follow(citizen=citizen, toggle=True) if citizen == self.following:
                self.following = None
                return fx.Say("stopped following")
            case fx.Follow(citizen=citizen):
                self.following, self.goal = citizen, None
                return fx.Say(f"following {timeline.flux.name(citizen)}: drag or pan to stop")
            case fx.LookAtCitizen(citizen=citizen):
                self._go_to(world, (citizen,), timeline.cursor)
            case fx.LookAtEvent(tick=tick, event_id=event_id, card=card):
                self._go_to(world, _participants(timeline, tick, event_id, card), tick)
            case fx.CentreOn(point=(x, y)):
                self.stop()
                camera.centre_on(x, y)
        return None

    def _go_to(self, world: World, citizens: Sequence[int], at: float) -> None:
        """Glide to where citizens stand at tick `at` (a follow of someone else ends)."""
        if not citizens:
            return
        if self.following not in citizens:
            self.following = None
        self.goal = aim(world, citizens, at)

    def direct(self, dt: float, ui: UiState, flux: TownFlux, cursor: int,
               names: Mapping[str, str], glide: tuple[World, Camera, float, pygame.Rect]
               ) -> None:
        """Move the camera a frame's worth: toward a followed citizen (until the selection
        moves off them), toward where something happened, or, presenting, toward what the
        director picks (its caption line names it). `glide` is the world, the camera, the
        fractional tick shown and the part of the window the map shows in, whose middle the
        camera brings them to."""
        world, camera, at, area = glide
        if self.following is not None and ui.selected != self.following:
            self.following = None
        self._direct_presentation(ui, flux, cursor, names)
        if self.following is not None:
            point = _middle(camera, area, aim(world, (self.following,), at))
            camera.ease_toward(point, 1 - math.exp(-dt / TRACK_SECONDS))
        elif self.goal is not None:
            goal = camera.clamped(*_middle(camera, area, self.goal))  # as near as the edge allows
            camera.ease_toward(goal, 1 - math.exp(-dt / GOTO_SECONDS))
            if math.dist(goal, (camera.cx, camera.cy)) < ARRIVED_PX:
                camera.centre_on(*goal)
                self.goal = None
        elif ui.presenting and (focus := self.director.focus) is not None:
            who = [flux.index[c] for c in focus.participants if c in flux.index]
            if who:
                camera.ease_toward(_middle(camera, area, aim(world, who, at)),
                                   1 - math.exp(-dt / FOLLOW_SECONDS))

    def _direct_presentation(self, ui: UiState, flux: TownFlux, cursor: int,
                             names: Mapping[str, str]) -> None:
        """The director picks what to follow; presenting, the caption line names it."""
        speed = ui.speed
        if speed != 0:
            ticks_per_second = config.TICKS_PER_SECOND * (
                speed if speed != MAX_SPEED else config.SPEEDS[-2])
            self.director.keep_pace(ticks_per_second)
        focus = self.director.update(cursor)
        if ui.presenting:
            self.caption = "" if focus is None else caption(focus, names)


def _middle(camera: Camera, area: pygame.Rect, point: tuple[float, float]
            ) -> tuple[float, float]:
    """The camera centre that shows world `point` in the middle of `area` (the map's part of
    the window, beside the HUD) rather than of the whole window."""
    w, h = camera.viewport
    return (point[0] + (w / 2 - area.centerx) / camera.zoom,
            point[1] + (h / 2 - area.centery) / camera.zoom)


def _participants(timeline: Timeline, tick: int, event_id: str | None, card: str | None
                  ) -> tuple[int, ...]:
    """Who took part in the event `event_id` at `tick`, or in the first event card `card`
    made there; nobody if there is none."""
    for event in timeline.events(start=tick, end=tick):
        if event.id == event_id or (card is not None and event.card == card):
            index = timeline.flux.index
            return tuple(index[c] for c in event.participants if c in index)
    return ()
