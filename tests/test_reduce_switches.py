"""Kill switches in the window: with cards switched off no card can be armed; with trace replay
switched off nothing goes back in time. Each refusal is said, and nothing else changes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from game.switches import Switches
from game.view import effects as fx
from game.view.intents import (
    ArmCard,
    Intent,
    JumpLive,
    JumpTo,
    Scrub,
    StepEvent,
    SwitchBranch,
)
from game.view.reduce import reduce
from game.view.uistate import UiState


def test_with_cards_switched_off_no_card_is_armed() -> None:
    state = UiState.start(1, features=Switches(perturbation=False))
    after, effects = reduce(state, ArmCard("greet"), 0.0)
    assert after == state and after.armed is None
    assert effects == (fx.Say("cards are switched off for this town", error=True),)
    on, _ = reduce(UiState.start(1), ArmCard("greet"), 0.0)
    assert on.armed == "greet"


@pytest.mark.parametrize("intent", [Scrub(100, done=True), JumpTo(5), StepEvent(-1),
                                    SwitchBranch("b1")])
def test_with_trace_replay_switched_off_nothing_goes_back(intent: Intent) -> None:
    state = UiState.start(1, features=Switches(trace_replay=False))
    after, effects = reduce(state, intent, 0.0)
    assert after == state
    assert effects == (fx.Say("going back in time is switched off for this town", error=True),)
    assert reduce(replace(state, features=Switches()), intent, 0.0)[1] != effects


@pytest.mark.parametrize("intent", [StepEvent(1), JumpLive()])
def test_forward_moves_stay_with_trace_replay_off(intent: Intent) -> None:
    state = UiState.start(1, features=Switches(trace_replay=False))
    assert not any(isinstance(e, fx.Say) for e in reduce(state, intent, 0.0)[1])
