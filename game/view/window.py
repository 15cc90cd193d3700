"""The window as a process: open it (titled, with its icon), run one app in it frame by frame
(`run_frames`, the one loop for the window and demo playback) until it is closed or has shown
its frames, and when something unexpected breaks, keep the history, show the error screen and
exit cleanly. `run_app` is the entry point the command line calls.

Never imports the reducer or the widgets: the app is the one thing it runs.
"""

from __future__ import annotations

import contextlib
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygame

from game import config, limits
from game import speed as speeds
from game.clock import MAX_SPEED, Collector
from game.trace import store
from game.trace.timeline import Timeline
from game.userfiles import paths
from game.userfiles import settings as user_settings
from game.userfiles.settings import Settings
from game.userfiles.storage import clean_stale
from game.view import crash, files
from game.view.app import App
from game.view.assets import Assets, resource_path
from game.view.effects import Say
from game.view.intents import Open
from game.view.link import Joined, Link, Sharing
from game.view.opening import Loading, Reporter, first_opening
from game.view.preferences import set_fullscreen
from game.view.sound import Sound

TITLE = "Agent Town"
FPS_CAP = config.FRAME_RATE
FIXED_DT = 1 / config.FRAME_RATE  # a frame of a counted run (reproducible shots)
CRASH_SCREEN_FRAMES = 2  # how long a counted (scripted) run shows the error screen

FrameHook = Callable[[App, int], None]  # called before each frame with the frame's number
FrameSink = Callable[[int, pygame.Surface], None]  # given each frame once it is drawn


class AppCrashed(Exception):
    """The loop stopped on an unexpected error; the history was saved (to `autosave`: a
    crash-….town in the saves folder, or in a temp folder for a counted run)."""

    def __init__(self, summary: str, autosave: Path | None) -> None:
        super().__init__(summary)
        self.autosave = autosave


def run_frames(app: App, frames: int | None = None, *, fixed_dt: float | None = None,
               pace: int | None = FPS_CAP, show: bool = True, before: FrameHook | None = None,
               on_frame: FrameSink | None = None) -> int:
    """The one frame loop, for the window and for demo playback: run `app` until it stops (or
    `frames` were shown); returns the frames shown.

    `fixed_dt` makes every frame that long (reproducible runs) instead of real time;
    `pace` caps the frame rate (None: as fast as they draw); `show` flips each frame onto
    the window. `before` plays a script's steps into the app ahead of each frame;
    `on_frame` receives each drawn frame (the video writer).
    """
    cap = pygame.time.Clock()
    last = time.perf_counter()
    collector = Collector(last)
    shown = 0
    while frames is None or shown < frames:
        if before is not None:
            before(app, shown)
        now = time.perf_counter()
        dt, last = (fixed_dt if fixed_dt is not None else now - last), now
        app.frame(dt)
        if not app.running:
            break
        if on_frame is not None:
            on_frame(shown, app.screen)
        if show:
            pygame.display.flip()
        if pace is not None:
            cap.tick(pace)
        collector.after_turn(app.still, now, cycles=app.link is not None)
        shown += 1
    return shown


def open_window(size: tuple[int, int], resizable: bool = True) -> pygame.Surface:
    """The window, titled and with its icon (call pygame.display.init first)."""
    # Every pixel is drawn in software; SDL's default GL-backed window surface only adds an
    # upload (6 ms a flip under Mesa) and ~100 MB of driver. A person can still override it.
    os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    pygame.display.set_caption(TITLE)
    pygame.display.set_icon(pygame.image.load(str(resource_path("assets", "app_icon.png"))))
    screen = pygame.display.set_mode(size, pygame.RESIZABLE if resizable else 0)
    with warnings.catch_warnings():  # pygame-ce 2.5 warns about drawing through it; we do not
        warnings.simplefilter("ignore", DeprecationWarning)
        pygame.Window.from_display_module().minimum_size = limits.MIN_WINDOW  # the HUD's floor
    return screen


@dataclass(frozen=True)
class Network:
    """The window on the network: serve its town (`serve`), or join the town at `join`."""

    serve: bool = False
    join: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    nats: str | None = None  # serving: publish to NATS JetStream too ("auto" or a URL)


def run_app(scenario: str = config.DEFAULT_SCENARIO, seed: int = config.DEFAULT_SEED,
            frames: int | None = None, screenshot: str | None = None, speed: int | None = None,
            start_tick: int = 0, load: str | None = None, network: Network = Network(),
            asked: bool = False, progress: Reporter | None = None) -> int:
    """Open the window on a town and run it until it is closed (or for `frames` frames).

    `start_tick` opens the town at that tick (e.g. 1300 shows the first night); `load` opens a
    .town file instead (at `start_tick` of its current branch, if not 0). Either opens the way
    Ctrl+O does: the window shows at once, with a progress bar over the town standing in (the
    scenario's, at its start) until the town asked for is reached, then checks the rest
    behind it; a file that fails is reported in the window and the town standing in plays on.
    `asked` (the scenario or seed named) opens that town with no offer to continue the last
    session. `speed` None means the last speed used (1× on a first run).
    With `frames` (a counted run), the opening runs to its end before the first frame (telling
    `progress(done, total)`), each frame advances a fixed 1/60 s and the person's files
    (settings, autosaves, the crash note) are neither read nor written, so the same arguments
    give the same picture; `screenshot` then saves the last frame as a PNG. Otherwise the
    history is autosaved every few minutes and on quit, and the settings are saved on quit.
    Returns the exit status (0).
    Raises ValueError for an unknown scenario or speed, AssetError for a missing asset,
    store.SaveError for a counted run's file that cannot be opened or checked, OSError (naming
    the file) for a screenshot that could not be written, AppCrashed after an unexpected error
    (the history kept, the error screen shown).
    """
    counted = frames is not None
    prefs, settings_problem = (Settings(), None) if counted else user_settings.load()
    speed = config.SPEEDS[prefs.speed_index] if speed is None else speeds.check(speed)
    joined = Joined.connect(network.join, network.token) if network.join else None
    link: Link | None = joined
    pygame.display.init()
    try:
        refused = _open(prefs)
        assets = Assets.load()
        timeline, first = ((joined.timeline, None) if joined is not None else _first_town(
            scenario, seed, start_tick, load, assets, progress if counted else None))
        app = App(timeline, speed=MAX_SPEED if joined else speed, reproducible=counted,
                  assets=assets, settings=prefs,
                  autosave_seconds=None if counted else files.AUTOSAVE_SECONDS,
                  sound=None if counted else Sound.start(prefs))
        app.loading = first
        if refused is not None:
            app.say(Say(refused, error=True))
        link = app.link = joined or _share(app, network)
        if not counted:
            _greet(app, settings_problem,
                   offer_continue=load is None and joined is None and not asked)
        _run(app, frames, screenshot)
        if not counted:
            _closed(app)
        if screenshot is not None:  # an OSError (a full disk) is the caller's to report
            files.write_png(app.screen, screenshot)
    finally:
        if link is not None:
            link.close()
        pygame.quit()
    return 0


def _first_town(scenario: str, seed: int, start_tick: int, load: str | None, assets: Assets,
                counted: Reporter | None) -> tuple[Timeline, Loading | None]:
    """The town a window shows at once, and the opening to run behind it (`first_opening`: the
    file or tick asked for, as Ctrl+O opens one); its town at its start stands in (the file's
    scenario and seed, or the ones asked for). A counted run (`counted` hears its progress)
    opens it here instead, to its end, so that each of its frames shows the town asked for;
    nobody reads its window, so a file that fails raises SaveError. Raises ValueError for an
    unknown scenario."""
    first = first_opening(scenario, seed, start_tick, load, assets)
    if first is not None and first.work is not None:  # behind the bar, the file's own town
        scenario, seed = first.work.record.scenario, first.work.record.seed
    stand_in = Timeline(scenario, seed)
    if first is None or counted is None:
        return stand_in, first
    opened = [stand_in]
    failed = first.finish(lambda timeline, _: opened.append(timeline), lambda _: None, counted)
    if failed is not None:
        raise store.SaveError(failed)
    return opened[-1], None


def _run(app: App, frames: int | None, screenshot: str | None) -> None:
    """The frames; after anything unexpected, the person's history kept, the error screen
    shown (and shot), and AppCrashed raised."""
    counted = frames is not None
    try:
        run_frames(app, frames, fixed_dt=FIXED_DT if counted else None)
    except Exception as error:
        # Anything unexpected: keep the person's history, say what happened, exit cleanly.
        kept = crash.keep(error, app.timeline, own_files=not counted,
                          reopening=app.trial.note)
        crash.show(app.screen, app.assets, crash.screen_lines(error, kept),
                   frames=CRASH_SCREEN_FRAMES if counted else None)
        if screenshot is not None:
            with contextlib.suppress(OSError):  # the crash is what the person is told
                files.write_png(app.screen, screenshot)
        raise AppCrashed(crash.summary(error), kept.history) from error


def _open(prefs: Settings) -> str | None:
    """The window as the settings remember it: its size, fullscreen; why not fullscreen (a
    display that has none), said once and forgotten."""
    open_window(prefs.window_size)
    refused = set_fullscreen(True) if prefs.fullscreen else None
    if refused is not None:
        prefs.fullscreen = False
    return refused


def _share(app: App, network: Network) -> Sharing | None:
    if not network.serve:
        return None
    sharing = Sharing.start(app.timeline, host=network.host, port=network.port,
                            token=network.token, speed=app.ui.speed, nats=network.nats)
    on_nats = f", on NATS at {sharing.nats.url}" if sharing.nats is not None else ""
    app.say(Say(f"serving this town at {sharing.served.url}{on_nats}"))
    return sharing


def _closed(app: App) -> None:
    """A person's window closed normally: the history it reopened is fine; its history is
    autosaved (unless the offer to continue the last one was never answered) and the settings
    saved. A failure is logged: the window is gone."""
    app.trial.settle(app.now, done=True)
    if app.keeps_autosaves:
        files.autosave(app.timeline)
    user_settings.save(app.settings)


def _greet(app: App, settings_problem: str | None, offer_continue: bool = True) -> None:
    """A person's window (not a counted run): clear what killed writes left in our folders,
    say once what could not be used (set aside), and offer to reopen a crashed history — or,
    on a window not opened on a file, to continue the last session's autosave."""
    clean_stale(paths.own_folders())
    if settings_problem is not None:
        app.say(Say(settings_problem, error=True))
    for said in files.keep_broken_autosaves():
        app.say(said)
    if (note := crash.pending()) is not None:
        app.offer_reopen(note)
    elif offer_continue and (last := files.last_session()) is not None:
        app.widgets.resume.offer(last)
        app.widgets.resume.layout(app.screen.get_rect())
        app.apply(Open("continue"))
