"""The reducer: `reduce(state, intent, now) -> (state, effects)`, every rule of the window's
behaviour in one pure function — speed and pause, the stack of windows and the order Esc
closes things in, overlays, cards (arming, targets, cooldowns), scrubbing, selection, detail
and why.

It decides; it never acts. What must happen outside the `UiState` (a card reaching the
timeline, a seek, a file, a toast) comes back as effects for the app to perform. `now` is the
app's clock in seconds (cooldowns and narration run on it). Pure: never imports pygame, the
timeline or the flux.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from game import config
from game.sim import laws
from game.sim.cards import CARDS
from game.view import effects as fx
from game.view.intents import (
    Adjust,
    ArmCard,
    AskWhy,
    Cancel,
    CardRefused,
    CentreOn,
    ChangeDetail,
    Choose,
    Confirm,
    CycleSpeed,
    Dismiss,
    FilterFeed,
    Follow,
    Intent,
    JumpLive,
    JumpTo,
    JumpToEvent,
    Narrate,
    Open,
    OpenSave,
    PanBy,
    Quit,
    Rebind,
    Recentre,
    Reopen,
    ResetKeys,
    Resize,
    SaveTown,
    Screenshot,
    ScrollFeed,
    Scrub,
    SearchFeed,
    Select,
    SetSpeed,
    ShowFocus,
    StepEvent,
    SwitchBranch,
    TapGround,
    Toggle,
    ToggleFullscreen,
    TogglePause,
    ToggleSound,
    TownOpened,
    ZoomAt,
)
from game.view.uistate import CARD_COOLDOWN, MAX_DETAIL, WINDOWS, UiState

Step = tuple[UiState, tuple[fx.Effect, ...]]


def reduce(state: UiState, intent: Intent, now: float) -> Step:
    """The state after `intent` at app time `now`, and what the app must do about it."""
    refused = _switched_off(state, intent)
    if refused is not None:
        return state, (fx.Say(refused, error=True),)
    match intent:
        case SetSpeed() | TogglePause() | CycleSpeed():
            return _speed(state, intent)
        case FilterFeed() | SearchFeed() | ScrollFeed() | Open(name="search"):
            return _feed(state, intent)
        case Toggle() | Open() | Dismiss() | Cancel() | OpenSave() | Reopen():
            return _windows(state, intent)
        case ArmCard() | Choose() | TapGround() | Confirm() | CardRefused():
            return _cards(state, intent, now)
        case Scrub() | JumpTo() | StepEvent() | JumpLive() | SwitchBranch() | JumpToEvent() \
                | TownOpened():
            return _time(state, intent)
        case Select() | ChangeDetail() | AskWhy() | ShowFocus():
            return _inspect(state, intent)
        case Follow(citizen=citizen):
            return _follow(state, citizen)
        case Narrate(text=text, seconds=seconds):
            return replace(state, narration=text, narration_until=now + seconds), ()
        case _:
            return state, (_pass_on(intent),)


def _switched_off(state: UiState, intent: Intent) -> str | None:
    """Why the intent is refused by a kill switch, if it is: cards, or going back in time."""
    if not state.features.perturbation and isinstance(intent, ArmCard):
        return "cards are switched off for this town"
    if state.features.trace_replay:
        return None
    backwards = (isinstance(intent, Scrub | JumpTo | SwitchBranch | JumpToEvent)
                 or (isinstance(intent, StepEvent) and intent.direction < 0))
    return "going back in time is switched off for this town" if backwards else None


def _pass_on(intent: Quit | Recentre | ZoomAt | PanBy | Resize | Screenshot | SaveTown
             | ToggleSound | CentreOn | Adjust | Rebind | ResetKeys | ToggleFullscreen
             ) -> fx.Effect:
    """Intents the UI state does not hold: straight to the app."""
    match intent:
        case Quit():
            return fx.Quit()
        case Recentre():
            return fx.CameraMove(recentre=True)
        case ZoomAt(steps=steps, at=at):
            return fx.CameraMove(zoom=steps, at=at)
        case PanBy(dx=dx, dy=dy):
            return fx.CameraMove(dx=dx, dy=dy)
        case Resize():
            return fx.Relayout(resized=True)
        case Screenshot():
            return fx.Screenshot()
        case SaveTown():
            return fx.SaveTown()
        case ToggleSound():
            return fx.ToggleSound()
        case CentreOn(x=x, y=y):
            return fx.CentreOn((x, y))
        case Adjust(option=option, step=step):
            return fx.ChangeSetting(option, step)
        case ToggleFullscreen():
            return fx.ChangeSetting("fullscreen", 1)
        case Rebind(action=action, label=label):
            return fx.BindKey(action, label)
        case ResetKeys():
            return fx.BindKey("", None)


# --- speed -------------------------------------------------------------------------------------

def _speed(state: UiState, intent: SetSpeed | TogglePause | CycleSpeed) -> Step:
    match intent:
        case SetSpeed(index=index):
            if config.SPEEDS[index] == 0:
                return replace(state, speed_index=index), ()
            return (replace(state, speed_index=index, resume_index=index),
                    (fx.RememberSpeed(index),))
        case TogglePause():
            if state.speed == 0:
                return replace(state, speed_index=state.resume_index), ()
            return _pause(state), ()
        case CycleSpeed(step=step):
            # Up wraps from max round to 1×; down stops at 1× (a click for slower never makes
            # the town race). Paused, the button sets the speed play resumes at, and stays
            # paused (Space plays).
            running = len(config.SPEEDS) - 1
            index = (state.speed_index or state.resume_index) - 1
            index = (index + 1) % running if step > 0 else max(index - 1, 0)
            if state.speed_index == 0:
                return replace(state, resume_index=index + 1), (fx.RememberSpeed(index + 1),)
            return _speed(state, SetSpeed(index + 1))


def _pause(state: UiState) -> UiState:
    if state.speed == 0:
        return state
    return replace(state, resume_index=state.speed_index, speed_index=0)


# --- windows and overlays ----------------------------------------------------------------------

def _windows(state: UiState, intent: Toggle | Open | Dismiss | Cancel | OpenSave | Reopen
             ) -> Step:
    match intent:
        case Toggle(name=name) if name in WINDOWS:
            if name in state.modals:
                return _close(state, name), ()
            return replace(state, modals=(*state.modals, name)), ()
        case Toggle(name=name):
            return _toggle_overlay(state, name)
        case Open(name=name):
            opened = state if name in state.modals else replace(
                state, modals=(*state.modals, name))
            return opened, ((fx.ListSaves(),) if name == "picker" else ())
        case Dismiss():
            top = state.top_modal
            if top is None:
                return state, ()
            return _close(state, top), ((fx.ForgetCrash(),) if top == "reopen" else ())
        case Cancel():
            return _cancel(state)
        case OpenSave(path=path):
            answered = (fx.ForgetCrash(),) if "reopen" in state.modals else ()
            closed = _close(_close(_close(state, "picker"), "reopen"), "continue")
            return closed, (*answered, fx.OpenFile(path))
        case Reopen(way=way):
            closed = _close(state, "reopen")
            return (_pause(closed) if way == "start" else closed), (fx.ReopenCrash(way),)


def _close(state: UiState, name: str) -> UiState:
    return replace(state, modals=tuple(m for m in state.modals if m != name))


def _toggle_overlay(state: UiState, name: str) -> Step:
    shown = not state.overlays[name]
    state = replace(state, overlays=MappingProxyType({**state.overlays, name: shown}))
    effects: dict[str, tuple[fx.Effect, ...]] = {
        "hud": (fx.RememberHud(shown), fx.ReleaseMouse()),
        "presentation": (fx.ReleaseMouse(),),
        "inspector": (fx.Relayout(),),
    }
    return state, effects.get(name, ())


def _cancel(state: UiState) -> Step:
    """Esc closes the innermost thing: a card, a window, the focus, the selection; with
    nothing left, it asks whether to quit."""
    if state.armed is not None:
        return replace(state, armed=None, targets=()), ()
    if state.top_modal is not None:
        return _windows(state, Dismiss())
    if state.focus is not None:
        return replace(state, focus=None), ()
    if state.selected is not None:
        return _select(state, None), ()
    return replace(state, modals=(*state.modals, "quit")), ()


# --- cards -------------------------------------------------------------------------------------

def _cards(state: UiState, intent: ArmCard | Choose | TapGround | Confirm | CardRefused,
           now: float) -> Step:
    match intent:
        case ArmCard(card=card):
            return _arm(state, card, now)
        case Choose(refusal=str() as refusal) if state.armed is not None:
            return state, (fx.Say(laws.said(state.armed, refusal), error=True),)
        case Choose(citizen=citizen):
            return _choose(state, citizen, now)
        case TapGround():
            return (_select(state, None) if state.armed is None else state), ()
        case Confirm():
            return _play(state, now) if state.armed is not None else (state, ())
        case CardRefused(card=card):
            rest = {k: v for k, v in state.cooldowns.items() if k != card}
            return replace(state, cooldowns=MappingProxyType(rest)), ()


def _arm(state: UiState, card: str, now: float) -> Step:
    if state.cooldowns.get(card, 0.0) > now:
        return state, (fx.Say(f"{CARDS[card].title} is resting for a moment"),)
    if state.armed == card:
        return replace(state, armed=None, targets=()), ()
    state = replace(state, armed=card, targets=())
    return _play(state, now) if CARDS[card].max_targets == 0 else (state, ())


def _choose(state: UiState, citizen: int | None, now: float) -> Step:
    """A citizen pressed: a target for the armed card (played once it has them all), or else
    the selection."""
    if state.armed is None:
        return (_select(state, citizen) if citizen is not None else state), ()
    if citizen is None or citizen in state.targets:
        return state, ()
    card = state.armed
    state = replace(state, targets=(*state.targets, citizen))
    if len(state.targets) >= CARDS[card].max_targets:
        return _play(state, now)
    return state, ()


def _play(state: UiState, now: float) -> Step:
    """The armed card goes to the timeline and rests; if the timeline refuses it, the app
    answers `CardRefused` and the rest is lifted."""
    card = state.armed
    assert card is not None
    play = fx.PlayCard(card, state.targets, step=state.speed == 0)
    cooldowns = MappingProxyType({**state.cooldowns, card: now + CARD_COOLDOWN})
    return replace(state, armed=None, targets=(), cooldowns=cooldowns), (play,)


# --- time --------------------------------------------------------------------------------------

def _time(state: UiState, intent: Scrub | JumpTo | StepEvent | JumpLive | SwitchBranch
          | JumpToEvent | TownOpened) -> Step:
    match intent:
        case Scrub(tick=tick, done=done):
            return replace(state, scrubbing=not done), (fx.Seek(tick, coalesce=True),)
        case JumpTo(tick=tick, event_id=None, card=None):
            return state, (fx.Seek(tick),)
        case JumpTo(tick=tick, event_id=event_id, card=card):
            return state, (fx.Seek(tick), fx.LookAtEvent(tick, event_id, card))
        case StepEvent(direction=direction):
            return _pause(state), (fx.StepEvent(direction),)
        case JumpLive():
            return state, (fx.SeekLive(),)
        case SwitchBranch(name=name):
            return _close(state, "branches"), (fx.SwitchBranch(name),)
        case JumpToEvent(event_id=event_id, tick=tick):
            return state, (fx.Seek(tick), fx.TraceFocus(event_id, tick),
                           fx.LookAtEvent(tick, event_id))
        case TownOpened():
            return replace(state, selected=None, why=False, focus=None, armed=None,
                           targets=()), ()


# --- the inspector -----------------------------------------------------------------------------

def _inspect(state: UiState, intent: Select | ChangeDetail | AskWhy | ShowFocus
             ) -> Step:
    match intent:
        case Select(citizen=int() as citizen, centre=True):
            return _select(state, citizen), (fx.LookAtCitizen(citizen),)
        case Select(citizen=citizen):
            return _select(state, citizen), ()
        case ChangeDetail(delta=delta):
            return replace(state, detail=max(0, min(MAX_DETAIL, state.detail + delta))), ()
        case AskWhy():
            if state.why:
                return replace(state, why=False), ()
            if state.selected is None:
                return state, (fx.Say("select a citizen first, then ask why"),)
            return replace(state, why=True), ()
        case ShowFocus(focus=focus):
            return replace(state, focus=focus), ()


def _follow(state: UiState, citizen: int | None) -> Step:
    """Follow a citizen double-clicked (who becomes the selection), or the selected one."""
    if citizen is None:
        if state.selected is None:
            return state, (fx.Say("select a citizen first, then follow them"),)
        return state, (fx.Follow(state.selected, toggle=True),)
    return _select(state, citizen), (fx.Follow(citizen),)


def _select(state: UiState, citizen: int | None) -> UiState:
    """A new selection drops the old one's why chain."""
    return replace(state, selected=citizen, why=state.why and citizen == state.selected)


# --- the feed ----------------------------------------------------------------------------------

def _feed(state: UiState, intent: FilterFeed | SearchFeed | ScrollFeed | Open) -> Step:
    """Filter the feed by kind, type into its search field (a new filter shows its newest
    rows), scroll it; typing shows the feed first."""
    wanted = state.feed_filter
    match intent:
        case FilterFeed(kind=kind):
            kind = "all" if kind == wanted.kind else kind
            return replace(state, feed_filter=replace(wanted, kind=kind), feed_back=False), ()
        case SearchFeed(query=query, typing=typing):
            state = replace(state, feed_filter=replace(wanted, query=query), feed_back=False)
            return (state if typing else _close(state, "search")), ()
        case ScrollFeed(back=back):
            return replace(state, feed_back=back), ()
    if "search" in state.modals:
        return state, ()
    state = replace(state, modals=(*state.modals, "search"))
    if state.overlays["hud"] and state.overlays["inspector"]:
        return state, ()
    shown = MappingProxyType({**state.overlays, "hud": True, "inspector": True})
    return replace(state, overlays=shown), (fx.RememberHud(True), fx.Relayout())
