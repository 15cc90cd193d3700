"""Laws of the reducer on random runs of intents: the UI state always stays one a person could
reach, and every card played is one the hand could play."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from game import config
from game.sim.cards import CARDS
from game.view import effects as fx
from game.view.intents import (
    ArmCard,
    AskWhy,
    Cancel,
    CardRefused,
    ChangeDetail,
    Choose,
    Confirm,
    CycleSpeed,
    Dismiss,
    Intent,
    JumpToEvent,
    Open,
    OpenSave,
    Reopen,
    Scrub,
    Select,
    SetSpeed,
    StepEvent,
    SwitchBranch,
    TapGround,
    Toggle,
    TogglePause,
    TownOpened,
)
from game.view.reduce import reduce
from game.view.uistate import MAX_DETAIL, OVERLAYS, WINDOWS, UiState

citizen = st.integers(0, 5)
INTENTS: st.SearchStrategy[Intent] = st.one_of(
    st.builds(SetSpeed, st.integers(0, len(config.SPEEDS) - 1)),
    st.just(TogglePause()), st.just(CycleSpeed()), st.just(Cancel()), st.just(Dismiss()),
    st.builds(Toggle, st.sampled_from([*OVERLAYS, "help", "branches"])),
    st.builds(Open, st.sampled_from(["picker", "reopen"])),
    st.builds(OpenSave, st.just("x.town")), st.builds(Reopen, st.sampled_from(["end", "start"])),
    st.builds(ArmCard, st.sampled_from(list(CARDS))),
    st.builds(Choose, st.none() | citizen), st.just(TapGround()), st.just(Confirm()),
    st.builds(CardRefused, st.sampled_from(list(CARDS))),
    st.builds(Scrub, st.integers(0, 99), st.booleans()),
    st.builds(StepEvent, st.sampled_from([-1, 1])), st.builds(SwitchBranch, st.just("b1")),
    st.builds(JumpToEvent, st.just("e1"), st.integers(0, 99)), st.just(TownOpened()),
    st.builds(Select, st.none() | citizen), st.builds(ChangeDetail, st.sampled_from([-1, 1])),
    st.just(AskWhy()),
)


def reachable(state: UiState) -> None:
    assert 0 <= state.speed_index < len(config.SPEEDS)
    assert state.resume_index != config.SPEEDS.index(0)  # Space never resumes into a pause
    assert len(set(state.modals)) == len(state.modals) and set(state.modals) <= set(WINDOWS)
    assert set(state.overlays) == set(OVERLAYS)
    assert 0 <= state.detail <= MAX_DETAIL
    if state.armed is None:
        assert state.targets == ()
    else:  # a card with all its targets has been played
        assert len(set(state.targets)) == len(state.targets) < CARDS[state.armed].max_targets


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(INTENTS, st.floats(0, 0.5)), max_size=60))
def test_any_run_of_intents_keeps_a_reachable_state(run: list[tuple[Intent, float]]) -> None:
    state, now = UiState.start(1), 0.0
    for intent, dt in run:
        now += dt
        resting = dict(state.cooldowns)
        state, effects = reduce(state, intent, now)
        reachable(state)
        for effect in effects:
            if isinstance(effect, fx.PlayCard):
                assert len(effect.targets) <= CARDS[effect.card].max_targets
                assert resting.get(effect.card, 0.0) <= now  # never while it rests
                assert effect.step == (state.speed == 0)
