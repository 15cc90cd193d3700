"""The app: opens the window and owns time — whole ticks from a fixed-timestep accumulator,
frames drawn interpolated between them — applies intents to the camera, speed and selection,
and draws the world, speech bubbles and HUD.

It reads the flux and runs its ticks; it never changes town state itself (cards will reach the
town through `flux.inject`). `run_app` is the entry point the command line calls.
"""

from __future__ import annotations

import time

import pygame

from game import config
from game.sim.events import Event
from game.sim.flux import TownFlux
from game.sim.model import Activity
from game.sim.townmap import REGION_NAMES, SIZE
from game.view import iso
from game.view.assets import Assets, resource_path
from game.view.camera import Camera
from game.view.clock import MAX_SPEED, TickBudget, TickClock
from game.view.daylight import light_at
from game.view.hud import QuitPrompt, Status, TopBar
from game.view.input import (
    Cancel,
    Dismiss,
    Hover,
    Intent,
    PanBy,
    Pick,
    Quit,
    Recentre,
    Resize,
    SetSpeed,
    Tap,
    TogglePause,
    TownInput,
    ZoomAt,
    window_intent,
)
from game.view.speech import Speech
from game.view.sprites import SpriteBank
from game.view.world import World

TITLE = "Agent Town"
FPS_CAP = 60
FIXED_DT = 1 / 60  # seconds per frame when a run is counted in frames (reproducible shots)
PAN_PX_PER_SECOND = 720
# Home looks a little north of the map's centre: the northern buildings rise above the ground
# diamond and the top bar covers the top of the window.
HOME_LIFT = 48


def speed_label(speed: int) -> str:
    if speed == 0:
        return "paused"
    return "max" if speed == MAX_SPEED else f"{speed}×"


class App:
    """One window on one flux. Call `frame(dt)` once per frame; `running` turns False to quit."""

    def __init__(self, flux: TownFlux, *, speed: int = 1, reproducible: bool = False,
                 assets: Assets | None = None) -> None:
        screen = pygame.display.get_surface()
        if screen is None:
            raise RuntimeError("App needs the window: call pygame.display.set_mode first")
        if speed not in config.SPEEDS:
            raise ValueError(f"speed must be one of {', '.join(map(str, config.SPEEDS))} "
                             "(0 = pause, -1 = max)")
        self.screen = screen
        self.flux = flux
        self.assets = assets if assets is not None else Assets.load()
        self.world = World(flux, self.assets, SpriteBank(self.assets))
        self.speech = Speech(self.assets, flux.index)
        x0, y0, x1, y1 = iso.map_bounds(SIZE)
        hx, hy = iso.to_screen(SIZE / 2, SIZE / 2)
        self.camera = Camera(screen.get_size(), (x0, y0, x1, y1), (hx, hy - HOME_LIFT))
        self.clock = TickClock()
        # Counted-frame runs skip the time budget: what a frame shows must not depend on the CPU.
        self.budget: TickBudget | None = None if reproducible else TickBudget()
        self.speed_index = config.SPEEDS.index(speed)
        self._resume_index = self.speed_index if speed != 0 else config.SPEEDS.index(1)
        self.input = TownInput()
        self.top_bar = TopBar(self.assets)
        self.prompt = QuitPrompt(self.assets)
        self.running = True
        self.now = 0.0  # seconds of app time (sum of frame deltas)
        self.selected: int | None = None
        self.hover: int | None = None
        self.prompt_open = False
        self._layout_widgets()
        self.world.lay_out(self.at, self.now, self.camera)

    @property
    def speed(self) -> int:
        return config.SPEEDS[self.speed_index]

    @property
    def at(self) -> float:
        """The fractional tick being shown."""
        return self.flux.state.tick + self.clock.alpha

    # --- one frame -----------------------------------------------------------------------------

    def frame(self, dt: float) -> list[Event]:
        """Handle input, run the ticks due, draw. Returns the events of the ticks it ran."""
        self.now += dt
        for event in pygame.event.get():
            self.handle(event)
            if not self.running:
                return []
        self._scroll(dt)
        events = self.advance(dt)
        self.draw()
        return events

    def handle(self, event: pygame.event.Event) -> None:
        intent = window_intent(event)
        if intent is None:
            intent = (self.prompt if self.prompt_open else self.input).handle(event)
        if intent is not None:
            self.apply(intent)

    def apply(self, intent: Intent) -> None:
        match intent:
            case SetSpeed(index=index):
                self.speed_index = index
                if self.speed != 0:
                    self._resume_index = index
            case TogglePause():
                if self.speed == 0:
                    self.speed_index = self._resume_index
                else:
                    self._resume_index, self.speed_index = self.speed_index, 0
            case Cancel():
                if self.selected is not None:
                    self.selected = None
                else:
                    self.prompt_open = True
            case Dismiss():
                self.prompt_open = False
            case Quit():
                self.running = False
            case Recentre():
                self.camera.recentre()
            case ZoomAt(steps=steps, at=at):
                w, h = self.camera.viewport
                self.camera.zoom_at(steps, at if at is not None else (w // 2, h // 2))
            case PanBy(dx=dx, dy=dy):
                self.camera.pan(dx, dy)
            case Pick(at=at):
                picked = self.world.citizen_at(at)
                if picked is not None:
                    self.selected = picked
            case Tap(at=at):
                if self.world.citizen_at(at) is None:
                    self.selected = None
            case Hover(at=at):
                self.hover = self.world.citizen_at(at)
            case Resize():
                self.screen = pygame.display.get_surface() or self.screen
                self.camera.resize(self.screen.get_size())
                self._layout_widgets()

    def advance(self, dt: float) -> list[Event]:
        """Run the ticks due for `dt` at the current speed, within the frame's time budget."""
        due = self.clock.due(dt, self.speed)
        if self.budget is not None:
            self.budget.start()
        events: list[Event] = []
        ran = 0
        while ran < due and (ran == 0 or self.budget is None or self.budget.left()):
            events += self.flux.tick()
            ran += 1
        if ran < due:
            self.clock.fell_behind()
        self.speech.hear(events, self.now)
        return events

    def draw(self) -> None:
        at = self.at
        layout = self.world.lay_out(at, self.now, self.camera)
        self.world.draw(self.screen, self.camera, light_at(at), self.now, self.selected,
                        self.hover)
        self.speech.draw(self.screen, layout, self.now)
        status = self.status()
        self.top_bar.draw(self.screen, status)
        if self.prompt_open:
            self.prompt.draw(self.screen, status)

    def status(self) -> Status:
        flux = self.flux
        return Status(day=flux.day, phase=flux.phase, speed=speed_label(self.speed),
                      tick=flux.state.tick, selection=self._describe(self.selected))

    # --- helpers -------------------------------------------------------------------------------

    def _describe(self, i: int | None) -> str:
        if i is None:
            return ""
        s = self.flux.state
        citizen = self.flux.citizens[i]
        region = REGION_NAMES[int(s.region[i])]
        doing = (f"walking to the {region}" if s.walk_origin[i] >= 0
                 else f"{Activity(int(s.activity[i])).name.lower()} in the {region}")
        return f"{citizen.name} · {citizen.archetype} · {doing}"

    def _scroll(self, dt: float) -> None:
        if self.prompt_open:
            return
        dx, dy = self.input.held_pan(pygame.key.get_pressed(), self.camera.viewport)
        if dx or dy:
            step = PAN_PX_PER_SECOND * min(dt, 0.1)
            self.camera.pan(-dx * step, -dy * step)

    def _layout_widgets(self) -> None:
        rect = self.screen.get_rect()
        self.top_bar.layout(rect)
        self.prompt.layout(rect)


def run_app(scenario: str = "town", seed: int = 7, frames: int | None = None,
            screenshot: str | None = None, speed: int = 1, start_tick: int = 0) -> int:
    """Open the window on a town and run it until it is closed (or for `frames` frames).

    `start_tick` runs the town headless that far first (e.g. 1300 shows the first night).
    With `frames`, each frame advances a fixed 1/60 s, so the same arguments give the same
    picture; `screenshot` then saves the last frame as a PNG. Returns the exit status (0).
    Raises ValueError for an unknown scenario or speed, AssetError for a missing asset.
    """
    flux = TownFlux(scenario, seed)
    if speed not in config.SPEEDS:
        raise ValueError(f"speed must be one of {', '.join(map(str, config.SPEEDS))} "
                         "(0 = pause, -1 = max)")
    flux.run(start_tick)
    pygame.display.init()
    try:
        pygame.display.set_caption(TITLE)
        pygame.display.set_icon(pygame.image.load(str(resource_path("assets", "app_icon.png"))))
        pygame.display.set_mode(config.WINDOW_SIZE, pygame.RESIZABLE)
        app = App(flux, speed=speed, reproducible=frames is not None)
        cap = pygame.time.Clock()
        last = time.perf_counter()
        count = 0
        while app.running and (frames is None or count < frames):
            now = time.perf_counter()
            dt, last = (FIXED_DT if frames is not None else now - last), now
            app.frame(dt)
            if app.running:
                pygame.display.flip()
            cap.tick(FPS_CAP)
            count += 1
        if screenshot is not None:
            pygame.image.save(app.screen, screenshot)
    finally:
        pygame.quit()
    return 0
