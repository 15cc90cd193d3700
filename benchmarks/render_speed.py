"""Render speed: time of one app frame without the display flip, at 1280×720, dummy driver.

A frame is what the window does every 1/60 s at 1× speed: input, the ticks due, drawing the
world, speech bubbles and HUD. Prints the median and 95th percentile over 200 frames for `town`
(25 citizens) and `city:2500`, at the default zoom (×2) and zoomed out (×1, every citizen on
screen). Goals: ≤ 4 ms town, ≤ 12 ms city:2500 (median, default zoom).

Then drawing alone, the town paused (no ticks, no input, so the simulation's share of a frame
and other programs on the machine count for little): the HUD with a citizen at detail 4, a
card's tooltip and coalition lines, then with the help overlay over it. This is the figure the
view's caches and widgets move.

Then the full HUD while scrubbing: a 10-day `town` trace, a citizen selected at detail 4,
coalition lines on, and the knob dragged across the whole bar — one posted mouse motion and so
one seek per frame, to a tick that moves every frame. Goal: p95 under 16.7 ms (60 fps).

Then 1,200 frames at 16× (about 5 ticks a frame), which cross sixteen phase ends, the
metrics samples and keyframes, in three rounds from the same start: the median frame, each
round's p99 and their median, and the worst frame, for `town` and `city:2500`.
A phase end inside a frame is a hitch a person sees (the window runs a phase end's eve and the
phase end in different frames, and a big town's scatter five times a second, as it does
on screen). Goals: p99 ≤ 16.7 ms town, ≤ 33 ms
city:2500.

The floor: a bare pygame loop that fills the window and blits, in one `fblits`, the very
terrain and sprites the town frame drew (recorded from the world's draw), measured in turns
with the town's frames (ten turns of 20 frames each). Goal: the `town` frame (without flip)
≤ 2× the floor. The town frame draws the town only where the HUD's opaque panels leave it to
be seen (`Widgets.town_shows`); the same floor clipped there is printed too (`… floor where
the town shows`), with the town frame's ratio to it.

Last, offline rendering: the whole built-in demo (a minute at 60 fps, 1280×720) played offscreen
with every frame read out as RGB bytes, as `agent-town render` does before the encoder. Prints
frames per second of wall time (above 60 renders faster than real time).
"""

from __future__ import annotations

import itertools
import os
import statistics
import time
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # after the driver is chosen above

from game import config
from game.demos import script as demo
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.assets import Assets
from game.view.daylight import light_at
from game.view.intents import ChangeDetail, Select, Toggle
from game.view.playback import play_script
from game.view.window import FIXED_DT, run_frames

FRAMES = 200
WARMUP = 20
START_TICK = 200  # past the first decisions, with citizens walking
SCRUB_DAYS = 10
SCRUB_FRAMES = 600
FAST_FRAMES = 1200
FAST_ROUNDS = 3  # the machines are shared: a round's p99 wanders with their load


def frame_times(scenario: str, zoom: int, assets: Assets, speed: int = 1,
                frames: int = FRAMES) -> list[float]:
    """Frames of the window's own loop (`run_frames`, its garbage collector policy included),
    without the display flip: from the start of one frame to the start of the next."""
    timeline = Timeline(scenario, seed=7)
    timeline.advance(START_TICK)
    app = App(timeline, speed=speed, reproducible=True, assets=assets)
    w, h = app.camera.viewport
    app.camera.zoom_at(zoom - app.camera.zoom, (w // 2, h // 2))
    starts: list[float] = []
    run_frames(app, WARMUP + frames + 1, fixed_dt=FIXED_DT, pace=None, show=False,
               before=lambda _app, _shown: starts.append(time.perf_counter()))
    return [(b - a) * 1000 for a, b in itertools.pairwise(starts[WARMUP:])]


class _Recorder(pygame.Surface):
    """A window-sized surface that keeps what is blitted onto it, to blit the same again."""

    def __init__(self, size: tuple[int, int]) -> None:
        super().__init__(size)
        self.recorded: list[tuple[pygame.Surface, tuple[int, int]]] = []

    def blit(self, source: pygame.Surface, dest: Any, area: Any = None,  # type: ignore[override]
             special_flags: int = 0) -> pygame.Rect:
        if area is None and not special_flags:
            self.recorded.append((source, (int(dest[0]), int(dest[1]))))
        return super().blit(source, dest, area, special_flags)

    def fblits(self, blit_sequence: Any, special_flags: int = 0) -> None:
        pairs = [(s, (int(p[0]), int(p[1]))) for s, p in blit_sequence]
        self.recorded += pairs
        super().fblits(pairs, special_flags)


def town_and_floor(assets: Assets, rounds: int = 10
                   ) -> tuple[list[float], list[float], list[float]]:
    """The `town` frame, the bare pygame floor and the floor clipped where the town shows, in
    turns of FRAMES / rounds frames each (the machine's load changes by the second: a ratio of
    two runs far apart wanders).

    The floor: fill, then the `town` frame's terrain and sprites in one fblits."""
    timeline = Timeline("town", seed=7)
    timeline.advance(START_TICK)
    app = App(timeline, speed=1, reproducible=True, assets=assets)
    w, h = app.camera.viewport
    app.camera.zoom_at(2 - app.camera.zoom, (w // 2, h // 2))
    app.frame(FIXED_DT)
    screen = app.screen
    recorder = _Recorder(screen.get_size())
    app.world.lay_out(app.at, app.now, app.camera)
    app.world.draw(recorder, app.camera, light_at(app.at), app.now, None, None)
    blits = recorder.recorded
    shows = app.widgets.town_shows(app.view_state(), app.ui)
    run_frames(app, WARMUP, fixed_dt=FIXED_DT, pace=None, show=False)
    town: list[float] = []
    floor: list[float] = []
    clipped: list[float] = []
    turn = FRAMES // rounds
    starts: list[float] = []
    for _ in range(rounds):
        starts.clear()
        run_frames(app, turn + 1, fixed_dt=FIXED_DT, pace=None, show=False,
                   before=lambda _app, _shown: starts.append(time.perf_counter()))
        town += [(b - a) * 1000 for a, b in itertools.pairwise(starts)]
        for clip, times in ((None, floor), (shows, clipped)):
            screen.set_clip(clip)
            for _ in range(turn):
                start = time.perf_counter()
                pygame.event.get()
                screen.fill((0, 0, 0))
                screen.fblits(blits)
                times.append((time.perf_counter() - start) * 1000)
            screen.set_clip(None)
    return town, floor, clipped


def draw_times(assets: Assets, help_open: bool) -> list[float]:
    timeline = Timeline("town", seed=7)
    timeline.advance(START_TICK * 6)
    app = App(timeline, speed=0, reproducible=True, assets=assets)
    for intent in (Select(3), ChangeDetail(2), Toggle("coalitions")):
        app.apply(intent)
    card = app.widgets.hand.card_rect(3).center
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=card, rel=(0, 0),
                                         buttons=(0, 0, 0)))
    app.frame(FIXED_DT)
    if help_open:
        app.apply(Toggle("help"))
    assert ("help" in app.ui.modals) == help_open
    times = []
    for k in range(WARMUP + FRAMES):
        start = time.perf_counter()
        app.draw()
        if k >= WARMUP:
            times.append((time.perf_counter() - start) * 1000)
    return times


def scrub_times(assets: Assets) -> list[float]:
    timeline = Timeline("town", seed=7)
    timeline.advance(SCRUB_DAYS * config.DAY_TICKS)
    app = App(timeline, speed=1, reproducible=True, assets=assets)
    for intent in (Select(3), ChangeDetail(2), Toggle("coalitions")):
        app.apply(intent)
    app.frame(FIXED_DT)
    track = app.widgets.timebar.track_rect
    y = track.centery
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(track.right - 1, y),
                                         button=1))
    times = []
    for k in range(WARMUP + SCRUB_FRAMES):
        # Back and forth across the bar, three pixels a frame: every frame lands on a new tick.
        sweep = 3 * k % (2 * track.w)
        x = track.right - 1 - (sweep if sweep < track.w else 2 * track.w - sweep)
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(x, y), rel=(0, 0),
                                             buttons=(1, 0, 0)))
        start = time.perf_counter()
        app.frame(FIXED_DT)
        if k >= WARMUP:
            times.append((time.perf_counter() - start) * 1000)
    assert app.ui.scrubbing
    return times


def demo_fps() -> float:
    def read_out(frame: int, surface: pygame.Surface) -> None:
        pygame.image.tobytes(surface, "RGB")

    start = time.perf_counter()
    frames = play_script(demo.default_script(), "built-in demo", window=False, on_frame=read_out)
    return frames / (time.perf_counter() - start)


def report(name: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"{name} median: {statistics.median(times):.2f} ms")
    print(f"{name} p95: {p95:.2f} ms")


def report_hitches(name: str, rounds: list[list[float]]) -> None:
    """The median and worst frame over all rounds, each round's p99 and their median."""
    times = [t for frames in rounds for t in frames]
    p99s = [statistics.quantiles(frames, n=100)[-1] for frames in rounds]
    print(f"{name} median: {statistics.median(times):.2f} ms")
    print(f"{name} p99: {statistics.median(p99s):.2f} ms (median of "
          f"{', '.join(f'{p:.2f}' for p in p99s)})")
    print(f"{name} worst: {max(times):.2f} ms")


def main() -> None:
    pygame.display.init()
    pygame.display.set_mode(config.WINDOW_SIZE)
    assets = Assets.load()
    town, floor, clipped = town_and_floor(assets)
    report("town frame", town)
    report("bare pygame floor", floor)
    report("bare pygame floor where the town shows", clipped)
    print(f"town frame / floor: {statistics.median(town) / statistics.median(floor):.2f} x")
    print(f"town frame / floor where the town shows: "
          f"{statistics.median(town) / statistics.median(clipped):.2f} x")
    report("city:2500 frame", frame_times("city:2500", 2, assets))
    report("town frame zoom 1", frame_times("town", 1, assets))
    report("city:2500 frame zoom 1", frame_times("city:2500", 1, assets))
    report("hud draw", draw_times(assets, help_open=False))
    report("hud draw with help", draw_times(assets, help_open=True))
    report("hud scrub frame", scrub_times(assets))
    for scenario in ("town", "city:2500"):
        report_hitches(f"{scenario} 16x", [frame_times(scenario, 2, assets, speed=16,
                                                      frames=FAST_FRAMES)
                                          for _ in range(FAST_ROUNDS)])
    pygame.quit()
    print(f"demo offline render: {demo_fps():.1f} frames/s")


if __name__ == "__main__":
    main()
