"""The app: one window on one timeline. It owns time — whole ticks from a fixed-timestep
clock played through `Timeline.advance` (`game.view.pace`), frames drawn interpolated between
them — routes
each input event (`game.view.routing`: the window on top of the modal stack, else the HUD
widget under the mouse, else the map), and draws the world, speech bubbles, map marks and the
widgets.

What the person has set or opened lives in one `UiState`; every intent goes through
`reduce`, and the app only performs the effects that come back: on the timeline (a card becomes
`Timeline.play`, scrubbing `Timeline.seek`), the camera, files (`game.view.files`) and the
settings. It never changes town state itself. Never imports the frame loop that drives it
(`game.view.window`) or demo playback (`game.view.playback`).
"""

from __future__ import annotations

import gc
from dataclasses import replace

import pygame

from game import config, limits, switches
from game.sim import laws
from game.sim.events import Record
from game.sim.flux import TownFlux
from game.sim.townmap import SIZE
from game.trace.timeline import Timeline
from game.userfiles import logs, paths
from game.userfiles.settings import Settings
from game.view import crash, explain, files, iso
from game.view import effects as fx
from game.view.assets import Assets
from game.view.camera import Camera
from game.view.daylight import light_at
from game.view.feedwords import card_failures
from game.view.input import window_intent
from game.view.intents import (
    CardRefused,
    Choose,
    Intent,
    Open,
    Resize,
    SetSpeed,
    ShowFocus,
    TownOpened,
)
from game.view.link import Link
from game.view.marks import draw_marks
from game.view.minimap import Minimap
from game.view.opening import FRAME_SECONDS, Loading, standing_in
from game.view.pace import Pace
from game.view.preferences import Preferences
from game.view.reduce import reduce
from game.view.routing import Router
from game.view.sound import Sound
from game.view.speech import Speech
from game.view.sprites import SpriteBank
from game.view.steering import Steering
from game.view.uistate import UiState
from game.view.viewstate import Readout, ViewState, view_state
from game.view.when import when
from game.view.widgets import Widgets
from game.view.world import World, least_text_scale

# Home looks a little north of the map's centre: the northern buildings rise above the ground
# diamond and the top bar covers the top of the window.
HOME_LIFT = 48
CURSOR_IDLE_SECONDS = 2.0  # presentation mode hides a mouse that rests this long


class App:
    """One window on one timeline. Call `frame(dt)` once per frame (`game.view.window.run_frames`
    does); `running` turns False to quit."""

    def __init__(self, timeline: Timeline, *, speed: int = 1, reproducible: bool = False,
                 assets: Assets | None = None, settings: Settings | None = None,
                 autosave_seconds: float | None = None, sound: Sound | None = None) -> None:
        screen = pygame.display.get_surface()
        if screen is None:
            raise RuntimeError("App needs the window: call pygame.display.set_mode first")
        self.screen = screen
        self.settings = settings if settings is not None else Settings()
        self.assets = assets if assets is not None else Assets.load()
        self.bank = SpriteBank(self.assets)
        x0, y0, x1, y1 = iso.map_bounds(SIZE)
        hx, hy = iso.to_screen(SIZE / 2, SIZE / 2)
        self.camera = Camera(screen.get_size(), (x0, y0, x1, y1), (hx, hy - HOME_LIFT))
        self.pace = Pace(reproducible)
        self.ui = UiState.start(speed, hud=self.settings.hud_visible,  # checks the speed
                                features=switches.current())
        self.widgets = Widgets(self.assets, str(logs.log_file()), self.settings.seen_hint,
                               hud_hidden=not self.ui.hud_shown, settings=self.settings)
        self.preferences = Preferences(self.settings, keep=not reproducible)
        for problem in self.preferences.start():  # the palette and keys remembered
            self.say(fx.Say(problem, error=True))
        self.minimap = Minimap()
        self.router = Router(self.widgets, self.minimap)
        self.steering = Steering()
        self.sound = sound if sound is not None else Sound.silent(self.settings)
        self.running = True
        self.now = 0.0  # seconds of app time (sum of frame deltas)
        self._moved_at = 0.0  # app time of the last mouse motion
        self.still = False  # paused, and the last frame heard no input: a hitch goes unseen
        self._cursor_shown = True
        self._shot_due = False
        self._pending_seek: int | None = None
        self.autosaves = files.AutosaveClock(autosave_seconds)
        self.trial = crash.Trial()  # a crashed history being reopened, until it has run a while
        self.link: Link | None = None  # sharing this town, or joined to one served elsewhere
        self.loading: Loading | None = None  # a history opening between frames (Ctrl+O)
        self._open(timeline)
        self.widgets.layout(screen.get_rect(), self.ui.overlays["inspector"])
        self.world.lay_out(self.at, self.now, self.camera)

    def _open(self, timeline: Timeline) -> None:
        """Show a (new) timeline: the world, speech and readout follow its flux."""
        self.timeline = timeline
        self.readout = Readout(timeline)
        self.world = World(timeline.flux, self.assets, self.bank)
        self.speech = Speech(self.assets)
        self.names = {c.id: c.name for c in timeline.flux.citizens}
        self.steering.reset()
        self.pace.clock.fell_behind()
        # What stays for the town's life leaves the collector's sight: a full collection
        # walking it would stall a frame (the owner of a served town does the same).
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    @property
    def flux(self) -> TownFlux:
        return self.timeline.flux

    @property
    def at(self) -> float:
        """The fractional tick being shown."""
        return self.timeline.cursor + self.pace.clock.alpha

    # --- one frame ----------------------------------------------------------------------------

    def frame(self, dt: float) -> None:
        """Handle input, seek or run the ticks due, draw."""
        self.now += dt
        events = pygame.event.get()
        self.still = self.ui.speed == 0 and not events
        for event in events:
            self.handle(event)
            if not self.running:
                return
        if self._pending_seek is not None:
            self._seek(self._pending_seek)  # at most one seek a frame, however fast the drag
            self._pending_seek = None
        if self.loading is not None and self.loading.run(
                self._shown, self.say, None if self.pace.budget is None else FRAME_SECONDS):
            self.loading = None
        if self.ui.blocking is None:
            self.steering.scroll(self.camera, self.router.input, dt)
        if self.link is not None:  # a tick boundary: the network's cards and news come in
            self.link.before_frame(self.timeline, self.ui.speed, self.say)
        self.advance(dt)
        self.sound.follow(self.at)
        self.steering.direct(dt, self.ui, self.flux, self.timeline.cursor, self.names,
                             (self.world, self.camera, self.at, self.widgets.map_area(self.ui)))
        if self.autosaves.due(self.now) and self.keeps_autosaves and (
                failed := files.autosave(self.timeline)):
            self.say(failed)
        self.draw()
        if self.link is not None:  # after drawing: viewers are served while the window waits
            self.link.after_ticks()
        self.trial.settle(self.now)
        if self._shot_due:
            self._shot_due = False
            self.say(files.screenshot(self.screen, self.timeline))
        self._show_cursor(not self.ui.presenting
                          or self.now - self._moved_at < CURSOR_IDLE_SECONDS)

    # --- input ---------------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEMOTION:
            self._moved_at = self.now
        intent = window_intent(event) or self.router.route(event, self.ui, self.world.citizen_at,
                                                           self.now)
        if intent is None:
            return
        if not isinstance(intent, Resize) and not self.widgets.hint.gone:
            self.widgets.hint.dismiss(self.now)  # the person's first action
            self.settings.seen_hint = True
        self.apply(self._judged(intent))

    def _judged(self, intent: Intent) -> Intent:
        """A citizen clicked as the armed card's target carries what the laws say against it:
        the map rings only those `laws.eligible` names, and a click elsewhere says why."""
        armed = self.ui.armed
        if not isinstance(intent, Choose) or intent.citizen is None or armed is None:
            return intent
        refusal = laws.target_refusal(self.flux, armed, self.ui.targets, intent.citizen)
        return replace(intent, refusal=refusal)

    def apply(self, intent: Intent) -> None:
        """Reduce the intent into the UI state and perform what it asks, in order."""
        self.ui, effects = reduce(self.ui, intent, self.now)
        for effect in effects:
            answer = self.perform(effect)
            if answer is not None:
                self.apply(answer)

    def perform(self, effect: fx.Effect) -> Intent | None:
        """Carry out one effect; a few answer with an intent for the reducer."""
        match effect:
            case fx.PlayCard():
                return self._play(effect)
            case fx.Seek(tick=tick, coalesce=True):
                self._pending_seek = tick
            case fx.Seek(tick=tick):
                self._seek(tick)
            case fx.SeekLive():
                self._seek(self.timeline.branch.head)
            case fx.StepEvent(direction=direction):
                self.timeline.step_event(direction)
                self._after_seek()
            case fx.SwitchBranch(name=name):
                self._switch(name)
            case fx.TraceFocus(event_id=event_id, tick=tick):
                return ShowFocus(explain.focus(self.timeline, event_id, tick))
            case fx.SaveTown():
                self.say(files.save(self.timeline))
            case fx.OpenFile(path=path):
                self.loading = Loading.file(path, self.assets)
            case fx.ReopenCrash(way=way):
                return self._reopen(way)
            case fx.ListSaves():
                self.widgets.picker.open(paths.saves_dir())
                self.widgets.picker.layout(self.widgets.screen)
            case fx.ForgetCrash():
                crash.forget()
            case fx.Screenshot():
                self._shot_due = True  # after this frame is drawn: the picture, not the past
            case fx.CameraMove() | fx.Follow() | fx.LookAtCitizen() | fx.LookAtEvent() \
                    | fx.CentreOn():
                if said := self.steering.take(effect, self.camera, self.timeline, self.world):
                    self.say(said)
            case fx.Quit():
                self.running = False
            case fx.Say():
                self.say(effect)
            case fx.Relayout(resized=resized):
                self._relayout(resized)
            case fx.ReleaseMouse():
                self.router.captured = None
            case fx.RememberSpeed() | fx.RememberHud():
                self.preferences.remember(effect)
            case fx.ToggleSound():
                self.say(fx.Say("sound off" if self.sound.toggle_mute() else "sound on"))
                self.preferences.save()  # a setting: saved as it changes
            case fx.ChangeSetting() | fx.BindKey():
                if (problem := self.preferences.apply(effect)) is not None:
                    self.say(fx.Say(problem, error=True))
                self._relayout(resized=True)  # a new scale, or fullscreen's new size
        return None

    @property
    def keeps_autosaves(self) -> bool:
        """Not while the offer to continue the last session waits for an answer, nor while the
        town shown is `standing_in`: that town is not the person's yet, and saving it would
        push the offered file (or the one opening) down the ring."""
        return "continue" not in self.ui.modals and not standing_in(self.loading)

    def say(self, said: fx.Say) -> None:
        self.widgets.toasts.say(said.text, self.now, error=said.error)

    def offer_reopen(self, note: crash.CrashNote) -> None:
        """After a crash: ask how to reopen the history the last session left, or, when every
        way back in stopped on an error too, say where it stays (once)."""
        if not note.ways:
            self.say(fx.Say(crash.given_up(note), error=True))
            crash.forget()
            return
        self.widgets.reopen.offer(note)
        self.widgets.reopen.layout(self.widgets.screen)
        self.apply(Open("reopen"))

    # --- effects on the timeline, the camera and the window ------------------------------------

    def _play(self, play: fx.PlayCard) -> Intent | None:
        """The card becomes a perturbation at the next tick, through the timeline."""
        before, tick = self.timeline.current, self.timeline.cursor
        ids = [self.flux.citizens[i].id for i in play.targets]
        if self.link is not None and self.link.deal(play.card, ids):
            return None  # the remote owner plays it: its input log brings it back here
        try:
            branch = self.timeline.play(play.card, ids)
        except ValueError as err:
            self.say(fx.Say(str(err), error=True))
            return CardRefused(play.card)
        if branch != before:
            self.say(fx.Say(f"forked {branch} at {when(tick)}"))
        if play.step:
            try:
                self._heard(self.timeline.advance_records(1))
            except limits.LimitError as err:
                self.say(fx.Say(str(err), error=True))
        return None

    def _seek(self, tick: int) -> None:
        self.timeline.seek(max(0, min(tick, self.timeline.branch.head)))
        self._after_seek()

    def _after_seek(self) -> None:
        """The town jumped: bubbles and the director's drama from another moment would lie,
        and no ticks are owed."""
        self.speech.lines.clear()
        self.steering.reset()
        self.pace.clock.fell_behind()

    def _switch(self, name: str) -> None:
        if name != self.timeline.current:
            self.timeline.switch(name)
            self._after_seek()
            self.say(fx.Say(f"on {name} at {when(self.timeline.cursor)}"))

    def _reopen(self, way: str) -> Intent | None:
        """Reopen the crashed history `way`; the note marks the way tried until it has run
        `crash.TRIAL_SECONDS` (an error meanwhile makes the next start offer a safer way)."""
        note = self.widgets.reopen.note
        if note is None:
            return None
        timeline, said = self.trial.reopen(note, way, self.now)
        self.say(said)
        if timeline is None:  # the toast says why
            return None
        self.loading = None  # else an opening under way would replace it
        self._open(timeline)
        return TownOpened()

    def _shown(self, timeline: Timeline, said: fx.Say) -> None:
        self._open(timeline)
        self.say(said)
        self.apply(TownOpened())

    def _relayout(self, resized: bool) -> None:
        if resized:
            self.screen = pygame.display.get_surface() or self.screen
            self.camera.resize(self.screen.get_size())
            self.preferences.resized(self.screen.get_size())
        self.widgets.layout(self.screen.get_rect(), self.ui.overlays["inspector"])

    def _show_cursor(self, shown: bool) -> None:
        if shown != self._cursor_shown:
            self._cursor_shown = shown
            pygame.mouse.set_visible(shown)

    # --- time ----------------------------------------------------------------------------------

    def advance(self, dt: float) -> list[Record]:
        """Run the ticks due for `dt` at the current speed, within the frame's time budget;
        their records."""
        if self.ui.scrubbing or standing_in(self.loading):
            return []
        limit = self.link.horizon(self.timeline) if self.link is not None else None
        records, full = self.pace.run(self.timeline, dt, self.ui.speed, limit)
        if full is not None:  # the history is full: stop there and say why
            self.apply(SetSpeed(config.SPEEDS.index(0)))
            self.say(fx.Say(str(full), error=True))
        self._heard(records)
        return records

    def _heard(self, records: list[Record]) -> None:
        """The ticks just run, heard: a card's refusal, speech, sound, the director."""
        for failure in card_failures(records):  # the feed says it too, but a card wants one
            self.say(fx.Say(failure, error=True))
        self.speech.hear(records, self.now)
        self.sound.hear(records, self.now)
        self.steering.director.observe(records, self.flux.ids)

    # --- drawing -------------------------------------------------------------------------------

    def view_state(self) -> ViewState:
        return view_state(self.readout, self.ui, self.steering.caption, self.now)

    def draw(self) -> None:
        view = self.view_state() if Widgets.need_view(self.ui, self.now) else None
        if self.ui.features.isometric:  # else the widgets draw the flat scatter in its place
            self.world.least_text = least_text_scale(self.widgets.hud.percent)
            layout = self.world.lay_out(self.at, self.now, self.camera)
            area = self.widgets.map_area(self.ui)
            self.world.draw(self.screen, self.camera, light_at(self.at), self.now,
                            self.ui.selected, self.router.hover, area.top,
                            self.widgets.town_shows(view, self.ui))
            coalitions = self.readout.coalitions()
            draw_marks(self.screen, self.world, self.flux.state, self.ui, self.widgets.labels,
                       coalitions, self.router.input.mouse, area)
            self.speech.draw(self.screen, layout, self.now, area, self.ui.selected,
                             self.world.sign_rects)
            if self.ui.overlays["minimap"] and self.ui.hud_shown:
                self.minimap.draw(self.screen, area, self.camera, self.world, coalitions)
        self.widgets.draw(self.screen, view, self.ui, self.now)
        if self.loading is not None:
            self.loading.draw(self.screen)
