"""Demos and offline rendering: a script's steps become the intents a person would give, and
the window's own frame loop runs the app at a fixed delta of 1/fps per frame with no time
budget, so the same script and seed give the same frames on any machine, in a window or
offscreen.

`ScriptPlayer` applies the steps due at each frame; `play_script` plays a whole script and
`play_span` a stretch of a saved history, each handing every frame to an optional sink (the
video writer). Neither reads nor writes the person's settings or autosave, and neither makes
a sound unless asked (`sound=True`: `--sound`).
"""

from __future__ import annotations

import pygame

from game import config
from game.demos.script import (
    BranchStep,
    CaptionStep,
    CardStep,
    DemoError,
    DemoScript,
    OverlayStep,
    ScrubStep,
    SelectStep,
    SpeedStep,
    ViewStep,
    WaitStep,
)
from game.trace.timeline import Timeline
from game.userfiles.settings import Settings
from game.view.app import App
from game.view.intents import (
    ArmCard,
    ChangeDetail,
    Choose,
    Confirm,
    Narrate,
    Recentre,
    Scrub,
    Select,
    SetSpeed,
    SwitchBranch,
    Toggle,
    ZoomAt,
)
from game.view.sound import Sound
from game.view.window import FrameHook, FrameSink, open_window, run_frames

__all__ = ["FrameSink", "ScriptPlayer", "frames_for", "play_script", "play_span"]

SCRUB_SECONDS = 1.5  # a scripted scrub drags the knob this long, as a hand would


class ScriptPlayer:
    """Plays a script's steps into an app, frame by frame, as the intents a person would give.

    A card with targets is armed, then its targets are chosen one by one (the same path as
    clicking the card and then the citizens), so it reaches the flux through `Timeline.play`.
    """

    def __init__(self, script: DemoScript, where: str) -> None:
        self.script = script
        self.where = where
        self._steps = [(script.frame_of(step), n) for n, step in enumerate(script.steps)]
        self._next = 0
        self._drag: list[Scrub] = []

    def play(self, app: App, frame: int) -> None:
        """Apply the steps due at `frame`, and the next stretch of a scrub under way."""
        if self._drag:
            app.apply(self._drag.pop(0))
        while self._next < len(self._steps) and self._steps[self._next][0] <= frame:
            n = self._steps[self._next][1]
            self._next += 1
            self._step(app, n)

    def _step(self, app: App, n: int) -> None:
        step = self.script.steps[n]
        match step:
            case CardStep(card=card, targets=targets):
                app.apply(ArmCard(card))
                if app.ui.armed == card:
                    for target in targets:
                        app.apply(Choose(app.flux.index[target]))
                    if app.ui.armed == card:
                        app.apply(Confirm())  # fewer targets than it takes: the flux picks
            case SpeedStep(speed=speed):
                app.apply(SetSpeed(config.SPEEDS.index(speed)))
            case SelectStep(citizen=citizen, lod=lod):
                app.apply(Select(None if citizen is None else app.flux.index[citizen]))
                if lod is not None and lod != app.ui.detail:
                    app.apply(ChangeDetail(lod - app.ui.detail))
            case ScrubStep(tick=tick):
                start = app.timeline.cursor
                frames = max(1, round(SCRUB_SECONDS * self.script.fps))
                self._drag = [Scrub(start + round((tick - start) * k / frames), done=k == frames)
                              for k in range(1, frames + 1)]
                app.apply(self._drag.pop(0))
            case BranchStep(name=name):
                branches = app.timeline.branches
                if name not in branches:
                    raise DemoError(f"{self.where}: step {n} (branch): no branch {name!r} at "
                                    f"{step.at} s (branches then: {', '.join(branches)})")
                app.apply(SwitchBranch(name))
            case OverlayStep(name=name, on=on):
                if app.ui.shown(name) != on:
                    app.apply(Toggle(name))
            case ViewStep(zoom=zoom):
                app.apply(Recentre())
                if zoom != app.camera.zoom:
                    app.apply(ZoomAt(zoom - app.camera.zoom, None))
            case CaptionStep(text=text, seconds=seconds):
                app.apply(Narrate(text, seconds))
            case WaitStep():
                pass


def play_script(script: DemoScript, where: str, *, window: bool,
                on_frame: FrameSink | None = None, sound: bool = False) -> int:
    """Play a script from its town's first tick; returns the frames shown.

    In a window the frames are paced at the script's fps and closing the window ends the demo;
    offscreen (the dummy video driver) they run as fast as they are drawn. A step that cannot
    be played (a branch that does not exist yet) raises DemoError naming the step.
    """
    timeline = Timeline(script.scenario, script.seed)
    player = ScriptPlayer(script, where)
    return _play(timeline, 1, script.frames, script.fps, window, player.play, on_frame, sound)


def play_span(timeline: Timeline, start: int, end: int, speed: int, *, hud: bool = False,
              fps: int = config.FRAME_RATE, on_frame: FrameSink | None = None,
              sound: bool = False) -> int:
    """Play the timeline's current branch from tick `start` to `end` at `speed`, offscreen, in
    presentation mode (or with the full HUD); returns the frames shown."""
    if speed <= 0:
        raise ValueError("a rendered span needs a speed of 1 or more")
    timeline.seek(start)
    frames = frames_for(end - start, speed, fps)

    def present(app: App, frame: int) -> None:
        if frame == 0 and not hud:
            app.apply(Toggle("presentation"))

    return _play(timeline, speed, frames, fps, False, present, on_frame, sound)


def frames_for(ticks: int, speed: int, fps: int = config.FRAME_RATE) -> int:
    """Frames that show `ticks` ticks at `speed` (20 ticks a second at 1×), rounded up."""
    return -(-ticks * fps // (config.TICKS_PER_SECOND * speed))


def _play(timeline: Timeline, speed: int, frames: int, fps: int, window: bool,
          before: FrameHook, on_frame: FrameSink | None, sound: bool = False) -> int:
    """The app's own frame loop at a fixed 1/fps: paced and shown in a window, else as fast as
    frames are drawn."""
    pygame.display.init()
    try:
        open_window(config.WINDOW_SIZE, resizable=window)
        settings = Settings(seen_hint=True)
        app = App(timeline, speed=speed, reproducible=True, settings=settings,
                  sound=Sound.start(settings) if sound else None)
        return run_frames(app, frames, fixed_dt=1 / fps, pace=fps if window else None,
                          show=window, before=before, on_frame=on_frame)
    finally:
        pygame.quit()
