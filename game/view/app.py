"""The app: opens the window on a timeline and owns time — whole ticks from a fixed-timestep
accumulator played through `Timeline.advance`, frames drawn interpolated between them — routes
input to the HUD widgets or the map, applies every intent in one place, and draws the world,
speech bubbles, map overlays and the HUD.

It never changes town state itself: a card becomes `Timeline.play` (the flux runs it at the next
tick), scrubbing becomes `Timeline.seek`, files go through `game.trace.store`. `run_app` is the
entry point the command line calls.

Presentation mode (P) trades the HUD for a caption line: the director picks the drama of the
last few seconds, the camera glides toward its citizens and the line names what happened; the
cursor hides when the mouse rests. F12 saves the frame into the screenshots folder.
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pygame

from game import config
from game.sim.cards import CARDS
from game.sim.events import Event
from game.sim.flux import TownFlux
from game.sim.model import Activity
from game.sim.townmap import SIZE
from game.trace import store
from game.trace.monoid import TraceIndex
from game.trace.story import caption
from game.trace.timeline import Timeline
from game.userfiles import logs, paths
from game.userfiles import settings as user_settings
from game.userfiles.settings import Settings
from game.view import crash, iso
from game.view.assets import Assets, resource_path
from game.view.camera import Camera
from game.view.clock import MAX_SPEED, TickBudget, TickClock
from game.view.daylight import light_at
from game.view.director import Director
from game.view.hand import ARMED_RISE, CardHand
from game.view.hud import (
    BRIGHT,
    COALITION_COLOURS,
    PAD,
    Hint,
    QuitPrompt,
    Texts,
    Toasts,
    TopBar,
    Widget,
)
from game.view.input import (
    AltTap,
    ArmCard,
    AskWhy,
    Cancel,
    ChangeDetail,
    Choose,
    Confirm,
    CycleSpeed,
    Dismiss,
    Hover,
    Intent,
    JumpLive,
    JumpTo,
    JumpToEvent,
    Narrate,
    OpenPicker,
    OpenSave,
    PanBy,
    Pick,
    Quit,
    Recentre,
    Resize,
    SaveTown,
    Screenshot,
    Scrub,
    Select,
    SetSpeed,
    StepEvent,
    SwitchBranch,
    Tap,
    ToggleBranches,
    ToggleCoalitions,
    ToggleHelp,
    ToggleHud,
    ToggleInspector,
    TogglePause,
    TogglePresentation,
    TownInput,
    ZoomAt,
    window_intent,
)
from game.view.inspector import MAX_DETAIL, CitizenCard, EventFeed, Scatter
from game.view.overlays import FilePicker, HelpOverlay, draw_coalitions, draw_labels, draw_rings
from game.view.presentation import CaptionLine, Narration
from game.view.speech import Speech
from game.view.sprites import SpriteBank
from game.view.timebar import BranchList, TimelineBar
from game.view.viewstate import HandState, Readout, ViewState, coalition_slot
from game.view.world import World

log = logging.getLogger(__name__)

TITLE = "Agent Town"
FPS_CAP = 60
FIXED_DT = 1 / 60  # seconds per frame when a run is counted in frames (reproducible shots)
PAN_PX_PER_SECOND = 720
# Home looks a little north of the map's centre: the northern buildings rise above the ground
# diamond and the top bar covers the top of the window.
HOME_LIFT = 48
CARD_COOLDOWN = 1.5  # seconds a played card rests before it can be played again
AUTOSAVE_SECONDS = 180.0
CRASH_SCREEN_FRAMES = 2  # how long a counted (scripted) run shows the error screen
DEFAULT_DETAIL = 2
INSPECTOR_W = 160 * 2
INSPECTOR_MIN_W = 130 * 2
SCATTER_H = 80 * 2
FEED_MIN_H = 60 * 2
FOCUS_WINDOW = config.PHASE_TICKS  # ticks either side searched for a clicked event's causes
FOCUS_CHAIN = 24  # causes and consequences shown, each way
CANDIDATE: tuple[int, int, int] = (192, 203, 220)
CURSOR_IDLE_SECONDS = 2.0  # presentation mode hides a mouse that rests this long
# The director looks back this many seconds of the screen (so more ticks at higher speeds) and
# keeps a subject at least this long before a newer one, at least as dramatic, takes over.
DIRECTOR_WINDOW_SECONDS = 6.0
DIRECTOR_HOLD_SECONDS = 2.5
FOLLOW_SECONDS = 0.6  # time constant of the camera's glide toward the followed citizens
FOLLOW_LIFT = 10  # native px: aim at the citizens' bodies, not their feet
PASSIVE = (Hover, Resize)  # intents that are not a person's first action


class AppCrashed(Exception):
    """The loop stopped on an unexpected error; the history was saved (to `autosave`)."""

    def __init__(self, summary: str, autosave: Path | None) -> None:
        super().__init__(summary)
        self.autosave = autosave


def speed_label(speed: int) -> str:
    if speed == 0:
        return "paused"
    return "max" if speed == MAX_SPEED else f"{speed}×"


@dataclass(frozen=True)
class Focus:
    """A clicked event: its id, its causal chain (ids and ticks) and its participants."""

    event_id: str
    ids: frozenset[str]
    ticks: frozenset[int]
    participants: tuple[int, ...]


class App:
    """One window on one timeline. Call `frame(dt)` once per frame; `running` turns False to quit.
    """

    def __init__(self, timeline: Timeline, *, speed: int = 1, reproducible: bool = False,
                 assets: Assets | None = None, settings: Settings | None = None,
                 autosave_seconds: float | None = None) -> None:
        screen = pygame.display.get_surface()
        if screen is None:
            raise RuntimeError("App needs the window: call pygame.display.set_mode first")
        if speed not in config.SPEEDS:
            raise ValueError(f"speed must be one of {', '.join(map(str, config.SPEEDS))} "
                             "(0 = pause, -1 = max)")
        self.screen = screen
        self.settings = settings if settings is not None else Settings()
        self.assets = assets if assets is not None else Assets.load()
        self.bank = SpriteBank(self.assets)
        x0, y0, x1, y1 = iso.map_bounds(SIZE)
        hx, hy = iso.to_screen(SIZE / 2, SIZE / 2)
        self.camera = Camera(screen.get_size(), (x0, y0, x1, y1), (hx, hy - HOME_LIFT))
        self.clock = TickClock()
        # Counted-frame runs skip the time budget: what a frame shows must not depend on the CPU.
        self.budget: TickBudget | None = None if reproducible else TickBudget()
        self.speed_index = config.SPEEDS.index(speed)
        self._resume_index = self.speed_index if speed != 0 else config.SPEEDS.index(1)
        self.input = TownInput()
        self.texts = Texts(self.assets)
        self.top_bar = TopBar(self.assets)
        self.prompt = QuitPrompt(self.assets)
        self.toasts = Toasts(self.assets)
        self.hint = Hint(self.assets, seen=self.settings.seen_hint)
        self.hand = CardHand(self.assets)
        self.timebar = TimelineBar(self.assets)
        self.branch_list = BranchList(self.assets)
        self.card = CitizenCard(self.assets)
        self.scatter = Scatter(self.assets)
        self.feed = EventFeed(self.assets)
        self.help = HelpOverlay(self.assets, str(logs.log_file()))
        self.picker = FilePicker(self.assets)
        self.reopen = crash.ReopenPrompt(self.assets)
        self.caption_line = CaptionLine(self.assets)
        self.narration = Narration(self.assets)
        self.director = Director()
        self.presenting = False
        self.narration_text = ""
        self._narration_until = 0.0
        self._moved_at = 0.0  # app time of the last mouse motion
        self._cursor_shown = True
        self._shot_due = False
        self.reopen_open = False
        self.running = True
        self.now = 0.0  # seconds of app time (sum of frame deltas)
        self.hover: int | None = None
        self.prompt_open = False
        self.help_open = False
        self.picker_open = False
        self.branches_open = False
        self.hud_visible = self.settings.hud_visible
        self.inspector_open = True
        self.coalitions_shown = False
        self.detail = DEFAULT_DETAIL
        self.armed: str | None = None
        self.targets: list[int] = []
        self.cooldowns: dict[str, float] = {}
        self.scrubbing = False
        self.pending_seek: int | None = None
        self.mouse: tuple[int, int] | None = None
        self.captured: Widget | None = None
        self.autosave_seconds = autosave_seconds
        self._autosave_due = (self.now + autosave_seconds) if autosave_seconds else None
        self._open(timeline)
        self._layout_widgets()
        self.world.lay_out(self.at, self.now, self.camera)

    def _open(self, timeline: Timeline) -> None:
        """Show a (new) timeline: the world, speech and readout follow its flux."""
        self.timeline = timeline
        self.readout = Readout(timeline)
        self.world = World(timeline.flux, self.assets, self.bank)
        self.speech = Speech(self.assets, timeline.flux.index)
        self.names = {c.id: c.name for c in timeline.flux.citizens}
        self.director.reset()
        self.caption = ""
        self.selected: int | None = None
        self.why: tuple[str, ...] | None = None
        self.focus: Focus | None = None
        self.armed, self.targets = None, []
        self.clock.fell_behind()

    @property
    def flux(self) -> TownFlux:
        return self.timeline.flux

    @property
    def speed(self) -> int:
        return config.SPEEDS[self.speed_index]

    @property
    def at(self) -> float:
        """The fractional tick being shown."""
        return self.timeline.cursor + self.clock.alpha

    # --- one frame -----------------------------------------------------------------------------

    def frame(self, dt: float) -> list[Event]:
        """Handle input, seek or run the ticks due, draw. Returns the events of the ticks run."""
        self.now += dt
        for event in pygame.event.get():
            self.handle(event)
            if not self.running:
                return []
        if self.pending_seek is not None:
            self._seek(self.pending_seek)  # at most one seek a frame, however fast the drag
            self.pending_seek = None
        self._scroll(dt)
        events = self.advance(dt)
        self._direct(dt)
        if self._autosave_due is not None and self.now >= self._autosave_due:
            self.autosave()
        self.draw()
        if self._shot_due:
            self._shot_due = False
            self.screenshot()
        self._show_cursor(not self.presenting or self.now - self._moved_at < CURSOR_IDLE_SECONDS)
        return events

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEMOTION:
            self._moved_at = self.now
        intent = window_intent(event)
        if intent is None:
            intent = self._route(event)
        if intent is not None:
            if not isinstance(intent, PASSIVE) and not self.hint.gone:
                self.hint.dismiss(self.now)
                self.settings.seen_hint = True
            self.apply(intent)

    def _route(self, event: pygame.event.Event) -> Intent | None:
        """Modal boxes first, then the HUD widget under the mouse, then the map."""
        for is_open, modal in ((self.reopen_open, self.reopen), (self.prompt_open, self.prompt),
                               (self.picker_open, self.picker), (self.help_open, self.help)):
            if is_open:
                return modal.handle(event)
        if event.type not in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP,
                              pygame.MOUSEWHEEL):
            return self.input.handle(event)
        if hasattr(event, "pos"):
            self.mouse = (int(event.pos[0]), int(event.pos[1]))
        if self.captured is not None:
            widget = self.captured
            if event.type == pygame.MOUSEBUTTONUP:
                self.captured = None
            return widget.handle(event)
        widgets = self._widgets()
        if event.type == pygame.MOUSEMOTION:
            for widget in widgets:
                widget.handle(event)  # hover only: nothing is captured, nothing is dragged
        pos = self.mouse
        top = next((w for w in widgets if pos is not None and w.hit(pos)), None)
        if top is None:
            return self.input.handle(event)
        self.input.mouse = None  # over the HUD: no edge panning, no hover on the map
        self.hover = None
        if event.type == pygame.MOUSEMOTION:
            return None
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.captured = top
        return top.handle(event)

    def _widgets(self) -> list[Widget]:
        """The HUD widgets that take the mouse, topmost first."""
        if not self.hud_shown:
            return []
        widgets: list[Widget] = [self.branch_list] if self.branches_open else []
        widgets += [self.hand, self.timebar, self.top_bar]
        if self.inspector_open:
            if self.selected is not None:
                widgets.append(self.card)
            widgets += [self.scatter, self.feed]
        return widgets

    def apply(self, intent: Intent) -> None:
        match intent:
            case SetSpeed(index=index):
                self.speed_index = index
                if self.speed != 0:
                    self._resume_index = index
                    self.settings.speed_index = index
            case TogglePause():
                self._toggle_pause()
            case CycleSpeed():
                index = self.speed_index + 1 if self.speed_index + 1 < len(config.SPEEDS) else 1
                self.apply(SetSpeed(max(index, 1)))
            case Cancel():
                self._cancel()
            case Dismiss():
                self.prompt_open = self.picker_open = False
                self._answer_reopen()
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
                self._pick(self.world.citizen_at(at))
            case Choose(citizen=citizen):
                self._pick(citizen)
            case Tap(at=at):
                if self.armed is None and self.world.citizen_at(at) is None:
                    self._select(None)
            case AltTap() | Confirm():
                if self.armed is not None:
                    self._play()
            case Hover(at=at):
                self.hover = self.world.citizen_at(at)
            case Resize():
                self.screen = pygame.display.get_surface() or self.screen
                self.camera.resize(self.screen.get_size())
                self.settings.window_size = self.screen.get_size()
                self._layout_widgets()
            case ArmCard(card=card):
                self._arm(card)
            case Scrub(tick=tick, done=done):
                self.scrubbing = not done
                self.pending_seek = tick
            case JumpTo(tick=tick):
                self._seek(tick)
            case StepEvent(direction=direction):
                self._pause()
                self.timeline.step_event(direction)
                self._after_seek()
            case JumpLive():
                self._seek(self.timeline.branch.head)
            case SwitchBranch(name=name):
                self.branches_open = False
                if name != self.timeline.current:
                    self.timeline.switch(name)
                    self._after_seek()
                    self.toasts.say(f"on {name} at tick {self.timeline.cursor}", self.now)
            case ToggleBranches():
                self.branches_open = not self.branches_open
            case Select(citizen=citizen):
                self._select(citizen)
            case ChangeDetail(delta=delta):
                self.detail = max(0, min(MAX_DETAIL, self.detail + delta))
            case AskWhy():
                self._why()
            case JumpToEvent(event_id=event_id, tick=tick):
                self._seek(tick)
                self.focus = self._focus(event_id, tick)
            case ToggleCoalitions():
                self.coalitions_shown = not self.coalitions_shown
            case ToggleInspector():
                self.inspector_open = not self.inspector_open
                self._layout_widgets()
            case ToggleHelp():
                self.help_open = not self.help_open
            case ToggleHud():
                self.hud_visible = self.settings.hud_visible = not self.hud_visible
                self.captured = None
            case TogglePresentation():
                self.presenting = not self.presenting
                self.captured = None
                self.caption = ""
            case Narrate(text=text, seconds=seconds):
                self.narration_text, self._narration_until = text, self.now + seconds
            case Screenshot():
                self._shot_due = True  # after this frame is drawn: the picture, not the past
            case SaveTown():
                self.save()
            case OpenPicker():
                self.picker.open(paths.saves_dir())
                self.picker.layout(self.screen.get_rect())
                self.picker_open = True
            case OpenSave(path=path):
                self.picker_open = False
                self._answer_reopen()
                self.load(path)

    # --- time ----------------------------------------------------------------------------------

    def advance(self, dt: float) -> list[Event]:
        """Run the ticks due for `dt` at the current speed, within the frame's time budget."""
        if self.scrubbing:
            return []
        due = self.clock.due(dt, self.speed)
        if self.budget is not None:
            self.budget.start()
        events: list[Event] = []
        ran = 0
        while ran < due and (ran == 0 or self.budget is None or self.budget.left()):
            events += self.timeline.advance(1)
            ran += 1
        if ran < due:
            self.clock.fell_behind()
        self.speech.hear(events, self.now)
        self.director.observe(events)
        return events

    def _direct(self, dt: float) -> None:
        """The director picks what to follow; presenting, the camera glides toward it and the
        caption line names it."""
        if self.speed != 0:
            ticks_per_second = config.TICKS_PER_SECOND * (
                self.speed if self.speed != MAX_SPEED else config.SPEEDS[-2])
            self.director.window = round(DIRECTOR_WINDOW_SECONDS * ticks_per_second)
            self.director.hold = round(DIRECTOR_HOLD_SECONDS * ticks_per_second)
        focus = self.director.update(self.timeline.cursor)
        if not self.presenting:
            return
        if focus is None:
            self.caption = ""
            return
        self.caption = caption(focus, self.names)
        who = [self.flux.index[c] for c in focus.participants if c in self.flux.index]
        if who:
            x, y = self.world.centre_of(who, self.at)
            self.camera.ease_toward((x, y - FOLLOW_LIFT), 1 - math.exp(-dt / FOLLOW_SECONDS))

    def _show_cursor(self, shown: bool) -> None:
        if shown != self._cursor_shown:
            self._cursor_shown = shown
            pygame.mouse.set_visible(shown)

    def _seek(self, tick: int) -> None:
        self.timeline.seek(max(0, min(tick, self.timeline.branch.head)))
        self._after_seek()

    def _after_seek(self) -> None:
        """The town jumped: bubbles and the director's drama from another moment would lie,
        and no ticks are owed."""
        self.speech.lines.clear()
        self.director.reset()
        self.caption = ""
        self.clock.fell_behind()

    def _toggle_pause(self) -> None:
        if self.speed == 0:
            self.speed_index = self._resume_index
        else:
            self._pause()

    def _pause(self) -> None:
        if self.speed != 0:
            self._resume_index, self.speed_index = self.speed_index, 0

    # --- cards and selection -------------------------------------------------------------------

    def _arm(self, card: str) -> None:
        if self.cooldowns.get(card, 0.0) > self.now:
            self.toasts.say(f"{CARDS[card].title} is resting for a moment", self.now)
            return
        if self.armed == card:
            self.armed, self.targets = None, []
            return
        self.armed, self.targets = card, []
        if CARDS[card].max_targets == 0:
            self._play()

    def _pick(self, picked: int | None) -> None:
        if self.armed is None:
            if picked is not None:
                self._select(picked)
            return
        if picked is None or picked in self.targets:
            return
        self.targets.append(picked)
        if len(self.targets) >= CARDS[self.armed].max_targets:
            self._play()

    def _play(self) -> None:
        """The armed card becomes a perturbation at the next tick, through the timeline."""
        card, targets = self.armed, [self.flux.citizens[i].id for i in self.targets]
        assert card is not None
        self.armed, self.targets = None, []
        before, tick = self.timeline.current, self.timeline.cursor
        try:
            branch = self.timeline.play(card, targets)
        except ValueError as err:
            self.toasts.say(str(err), self.now, error=True)
            return
        self.cooldowns[card] = self.now + CARD_COOLDOWN
        if branch != before:
            self.toasts.say(f"forked {branch} at tick {tick}", self.now)
        if self.speed == 0:
            # Paused: run the one tick the card waits for, so its event shows at once.
            events = self.timeline.advance(1)
            self.speech.hear(events, self.now)
            self.director.observe(events)

    def _select(self, citizen: int | None) -> None:
        if citizen != self.selected:
            self.why = None
        self.selected = citizen

    def _cancel(self) -> None:
        """Esc closes the innermost thing: a card, the branch list, why, focus, selection."""
        if self.armed is not None:
            self.armed, self.targets = None, []
        elif self.branches_open:
            self.branches_open = False
        elif self.focus is not None:
            self.focus = None
        elif self.selected is not None:
            self._select(None)
        else:
            self.prompt_open = True

    def _why(self) -> None:
        if self.why is not None:
            self.why = None
            return
        if self.selected is None:
            self.toasts.say("select a citizen first, then ask why", self.now)
            return
        tl = self.timeline
        citizen = self.flux.citizens[self.selected].id
        names = {c.id: c.name for c in self.flux.citizens}
        chain = TraceIndex(tl.events(end=tl.cursor)).why(citizen, tl.cursor, names)
        self.why = (chain.reason, *chain.lines(names)) if chain.events else (chain.reason,)

    def _focus(self, event_id: str, tick: int) -> Focus | None:
        tl = self.timeline
        events = tl.events(start=max(0, tick - FOCUS_WINDOW), end=min(tl.branch.head,
                                                                      tick + FOCUS_WINDOW))
        index = TraceIndex(events)
        try:
            past = index.causal_past(event_id)[-FOCUS_CHAIN:]
        except KeyError:
            return None
        chain = [*past, *index.causal_future(event_id)[:FOCUS_CHAIN]]
        event = events[index.position(event_id)]
        return Focus(event_id, frozenset({event_id, *(e.id for e in chain)}),
                     frozenset({tick, *(e.tick for e in chain)}),
                     tuple(self.flux.index[c] for c in event.participants))

    # --- files ---------------------------------------------------------------------------------

    def save(self) -> Path | None:
        """Ctrl+S: the whole history into the saves folder, named by town and time."""
        tl = self.timeline
        path = _free_path(paths.saves_dir(), f"{tl.scenario}-seed{tl.seed}", ".town")
        try:
            store.save(tl, path, title=f"{tl.scenario} seed {tl.seed}")
        except OSError as err:
            log.exception("saving %s failed", path)
            self.toasts.say(f"cannot save {path.name}: {err.strerror}", self.now, error=True)
            return None
        self.toasts.say(f"saved {path.name}", self.now)
        return path

    def screenshot(self) -> Path | None:
        """F12: the frame as a PNG in the screenshots folder, named by town and time."""
        tl = self.timeline
        path = _free_path(paths.screenshots_dir(), f"{tl.scenario}-seed{tl.seed}", ".png")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            pygame.image.save(self.screen, str(path))
        except (OSError, pygame.error) as err:
            log.exception("screenshot %s failed", path)
            self.toasts.say(f"cannot save {path.name}: {err}", self.now, error=True)
            return None
        self.toasts.say(f"screenshot saved: {path.name}", self.now)
        return path

    def autosave(self) -> None:
        """Write the history to the autosave file (atomically); errors go to the log."""
        if self.autosave_seconds:
            self._autosave_due = self.now + self.autosave_seconds
        try:
            store.save(self.timeline, paths.autosave_path(), title="autosave")
        except OSError:
            log.exception("autosave failed")

    def offer_reopen(self, note: crash.CrashNote) -> None:
        """After a crash: ask whether to reopen the autosave the last session left."""
        self.reopen.offer(note)
        self.reopen.layout(self.screen.get_rect())
        self.reopen_open = True

    def _answer_reopen(self) -> None:
        if self.reopen_open:
            self.reopen_open = False
            crash.forget()

    def load(self, path: str) -> bool:
        """Open a .town file; a file that fails leaves the current town and says why."""
        try:
            timeline, _, _ = store.load(path)
        except store.SaveError as err:
            log.warning("%s", err)
            self.toasts.say(str(err), self.now, error=True)
            return False
        self._open(timeline)
        self.toasts.say(f"opened {Path(path).name} · {timeline.current} at tick "
                        f"{timeline.cursor}", self.now)
        return True

    # --- drawing -------------------------------------------------------------------------------

    def view_state(self) -> ViewState:
        readout = self.readout
        at = readout.at_tick()
        focus = self.focus
        return ViewState(
            town=at.town, hash=readout.state_hash(running=self.speed != 0 and not self.scrubbing),
            speed=speed_label(self.speed),
            resume=speed_label(config.SPEEDS[self._resume_index if self.speed == 0
                                             else self.speed_index]),
            paused=self.speed == 0, scrubbing=self.scrubbing,
            track=readout.track(focus.ticks if focus else frozenset()),
            branches=readout.branches(), citizen=readout.citizen(self.selected),
            detail=self.detail, why=self.why, scatter=at.scatter, feed=at.feed,
            focus=focus.ids if focus else frozenset(),
            hand=HandState(self.armed, tuple(self.flux.name(i) for i in self.targets),
                           {card: (until - self.now) / CARD_COOLDOWN
                            for card, until in self.cooldowns.items() if until > self.now}),
            caption=self.caption,
            narration=self.narration_text if self._narration_until > self.now else "")

    @property
    def hud_shown(self) -> bool:
        return self.hud_visible and not self.presenting

    def draw(self) -> None:
        at = self.at
        layout = self.world.lay_out(at, self.now, self.camera)
        self.world.draw(self.screen, self.camera, light_at(at), self.now, self.selected,
                        self.hover)
        s = self.flux.state
        if self.coalitions_shown:
            draw_coalitions(self.screen, layout, [
                (COALITION_COLOURS[coalition_slot(c.id) % len(COALITION_COLOURS)],
                 sorted(c.members)) for c in s.coalitions])
        if self.armed is not None and CARDS[self.armed].max_targets:
            wake = CARDS[self.armed].op == "wake"
            resting = s.activity == Activity.RESTING
            candidates = [i for i in range(s.n) if bool(resting[i]) == wake
                          and i not in self.targets]
            draw_rings(self.screen, layout, candidates, CANDIDATE)
            draw_rings(self.screen, layout, self.targets, BRIGHT)
            roles = CARDS[self.armed].target_roles
            draw_labels(self.screen, layout, self.texts,
                        [(i, roles[k]) for k, i in enumerate(self.targets)])
        if self.focus is not None:
            draw_rings(self.screen, layout, self.focus.participants, BRIGHT)
        self.speech.draw(self.screen, layout, self.now)
        narrating = self._narration_until > self.now
        view = self.view_state() if self.hud_shown or self.presenting or narrating \
            or self.help_open or self.picker_open or self.prompt_open or self.reopen_open \
            else None
        if view is not None and self.hud_shown:
            self._draw_hud(view)
        if view is not None and self.presenting:
            self.caption_line.draw(self.screen, view)
        toasts = self.town_rect
        if view is not None and narrating:
            self._draw_narration(view)
            if self.narration.at_top:
                toasts = toasts.move(0, self.narration.rect.bottom + PAD // 2 - toasts.y)
        self.toasts.layout(toasts)
        if view is not None:
            for is_open, modal in ((self.help_open, self.help), (self.picker_open, self.picker),
                                   (self.prompt_open, self.prompt),
                                   (self.reopen_open, self.reopen)):
                if is_open:
                    modal.draw(self.screen, view)
        self.toasts.draw(self.screen, self.now)

    def _draw_hud(self, view: ViewState) -> None:
        self.top_bar.draw(self.screen, view)
        self.hint.draw(self.screen, self.now)  # under the hand's tooltips
        self.hand.draw(self.screen, view)
        if self.inspector_open:
            self._layout_inspector(view)
            if view.citizen is not None and self.card.rect.h > 0:
                self.card.draw(self.screen, view)
            if self.scatter.rect.h > 0:
                self.scatter.draw(self.screen, view)
            if self.feed.rect.h > 0:
                self.feed.draw(self.screen, view)
        # After the hand and the inspector: the bar's labels (scrub tick, story) rise over them.
        self.timebar.draw(self.screen, view)
        if self.branches_open:
            self.branch_list.draw(self.screen, view)

    def _draw_narration(self, view: ViewState) -> None:
        """A script's caption: above the caption line when presenting; under the top bar with
        the HUD (the town's middle and the card hand stay clear), the toasts below it."""
        screen = self.screen.get_rect()
        if self.hud_shown:
            self.narration.layout(self.town_rect, at_top=True)
        else:
            bottom = self.caption_line.rect.y if self.presenting else screen.bottom
            self.narration.layout(pygame.Rect(0, 0, screen.w, bottom))
        self.narration.draw(self.screen, view)

    # --- helpers -------------------------------------------------------------------------------

    def _scroll(self, dt: float) -> None:
        if self.prompt_open or self.picker_open or self.help_open or self.reopen_open:
            return
        dx, dy = self.input.held_pan(pygame.key.get_pressed(), self.camera.viewport)
        if dx or dy:
            step = PAN_PX_PER_SECOND * min(dt, 0.1)
            self.camera.pan(-dx * step, -dy * step)

    def _column(self) -> pygame.Rect:
        """The inspector column: right of the town, between the top bar and the timeline."""
        w, _ = self.screen.get_size()
        width = INSPECTOR_W if w >= 1100 else INSPECTOR_MIN_W
        top = self.top_bar.rect.bottom
        return pygame.Rect(w - width, top, width, self.timebar.rect.y - top)

    def _layout_widgets(self) -> None:
        rect = self.screen.get_rect()
        self.top_bar.layout(rect)
        self.timebar.layout(rect)
        self.branch_list.layout(self.timebar.branch_anchor())
        self.prompt.layout(rect)
        self.help.layout(rect)
        self.picker.layout(rect)
        self.reopen.layout(rect)
        self.caption_line.layout(rect)
        right = self._column().x if self.inspector_open else rect.right
        hand_h = CardHand.HEIGHT
        self.hand.layout(pygame.Rect(PAD, self.timebar.rect.y - hand_h, right - 2 * PAD, hand_h))
        self.town_rect = pygame.Rect(0, self.top_bar.rect.bottom + PAD, right, rect.h)
        self.toasts.layout(self.town_rect)
        self.hint.layout(pygame.Rect(0, 0, right, self.hand.rect.y + ARMED_RISE - PAD))

    def _layout_inspector(self, view: ViewState) -> None:
        """Stack the card (as tall as its detail needs), the scatter and the feed."""
        col = self._column()
        card_h = 0
        if view.citizen is not None:
            card_h = min(self.card.wanted_height(view), col.h)
        left = col.h - card_h
        scatter_h = SCATTER_H if left >= SCATTER_H else 0
        feed_h = left - scatter_h if left - scatter_h >= FEED_MIN_H // 2 else 0
        self.card.layout(pygame.Rect(col.x, col.y, col.w, card_h))
        self.scatter.layout(pygame.Rect(col.x, col.y + card_h, col.w, scatter_h))
        self.feed.layout(pygame.Rect(col.x, col.y + card_h + scatter_h, col.w, feed_h))


def _free_path(folder: Path, name: str, suffix: str) -> Path:
    """A new file in `folder` named by `name` and the time (never an existing one)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stem}-{stamp}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{stamp}-{n}{suffix}"
        n += 1
    return path


def _timeline(scenario: str, seed: int, start_tick: int, load: str | None
              ) -> tuple[Timeline, str | None]:
    """The town to open, and a message if a file to load could not be used."""
    if load is not None:
        try:
            return store.load(load)[0], None
        except store.SaveError as err:
            log.warning("%s", err)
            problem = str(err)
    else:
        problem = None
    timeline = Timeline(scenario, seed)
    timeline.advance(start_tick)
    return timeline, problem


def open_window(size: tuple[int, int], resizable: bool = True) -> pygame.Surface:
    """The window, titled and with its icon (call pygame.display.init first)."""
    # Every pixel is drawn in software; SDL's default GL-backed window surface only adds an
    # upload (6 ms a flip under Mesa) and ~100 MB of driver. A person can still override it.
    os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    pygame.display.set_caption(TITLE)
    pygame.display.set_icon(pygame.image.load(str(resource_path("assets", "app_icon.png"))))
    return pygame.display.set_mode(size, pygame.RESIZABLE if resizable else 0)


def run_app(scenario: str = "town", seed: int = 7, frames: int | None = None,
            screenshot: str | None = None, speed: int | None = None, start_tick: int = 0,
            load: str | None = None) -> int:
    """Open the window on a town and run it until it is closed (or for `frames` frames).

    `start_tick` runs the town headless that far first (e.g. 1300 shows the first night);
    `load` opens a .town file instead (a file that fails to load is reported in the window and
    the default town opens). `speed` None means the last speed used (1× on a first run).
    With `frames`, each frame advances a fixed 1/60 s and the user's settings are neither read
    nor written, so the same arguments give the same picture; `screenshot` then saves the last
    frame as a PNG. Otherwise the history is autosaved every few minutes and on quit, and the
    settings are saved on quit. Returns the exit status (0).
    Raises ValueError for an unknown scenario or speed, AssetError for a missing asset.
    """
    counted = frames is not None
    prefs = Settings() if counted else user_settings.load()
    speed = config.SPEEDS[prefs.speed_index] if speed is None else speed
    if speed not in config.SPEEDS:
        raise ValueError(f"speed must be one of {', '.join(map(str, config.SPEEDS))} "
                         "(0 = pause, -1 = max)")
    timeline, problem = _timeline(scenario, seed, start_tick, load)
    pygame.display.init()
    try:
        open_window(prefs.window_size)
        app = App(timeline, speed=speed, reproducible=counted, settings=prefs,
                  autosave_seconds=None if counted else AUTOSAVE_SECONDS)
        if problem is not None:
            app.toasts.say(problem, app.now, error=True)
        if not counted and (note := crash.pending()) is not None:
            app.offer_reopen(note)
        cap = pygame.time.Clock()
        last = time.perf_counter()
        count = 0
        try:
            while app.running and (frames is None or count < frames):
                now = time.perf_counter()
                dt, last = (FIXED_DT if frames is not None else now - last), now
                app.frame(dt)
                if app.running:
                    pygame.display.flip()
                cap.tick(FPS_CAP)
                count += 1
        except Exception as error:
            # Anything unexpected: keep the person's history, say what happened, exit cleanly.
            autosave = crash.save_history(app.timeline)
            crash.record(error, autosave)
            crash.show(app.screen, app.assets, crash.screen_lines(error, autosave),
                       frames=CRASH_SCREEN_FRAMES if counted else None)
            if screenshot is not None:
                pygame.image.save(app.screen, screenshot)
            raise AppCrashed(crash.summary(error), autosave) from error
        if screenshot is not None:
            pygame.image.save(app.screen, screenshot)
        if not counted:
            app.autosave()
            user_settings.save(app.settings)
    finally:
        pygame.quit()
    return 0
