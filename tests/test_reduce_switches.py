"""Kill switches in the window: with cards switched off no card can be armed; with trace replay
switched off nothing goes back in time. Each refusal is said, and nothing else changes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pygame
import pytest

from game.switches import Switches
from game.trace.timeline import Timeline
from game.view import effects as fx
from game.view.app import App
from game.view.assets import Assets
from game.view.intents import (
    ArmCard,
    Intent,
    JumpLive,
    JumpTo,
    Scrub,
    StepEvent,
    SwitchBranch,
)
from game.view.palette import NIGHT
from game.view.reduce import reduce
from game.view.uistate import UiState
from tests.window import click


def test_with_cards_switched_off_the_window_has_no_hand(assets: Assets) -> None:
    pygame.event.clear()
    app = App(Timeline("town", 7), reproducible=True, assets=assets)
    app.ui = replace(app.ui, features=Switches(perturbation=False))
    assert app.widgets.hand not in app.widgets.taking_mouse(app.ui)
    app.frame(1 / 60)
    off = pygame.surfarray.array3d(app.screen.subsurface(app.widgets.hand.rect)).copy()
    app.ui = replace(app.ui, features=Switches())
    assert app.widgets.hand in app.widgets.taking_mouse(app.ui)
    app.frame(1 / 60)
    on = pygame.surfarray.array3d(app.screen.subsurface(app.widgets.hand.rect))
    assert (on != off).mean() > 0.3  # the cards were not drawn before


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


def test_with_the_map_switched_off_the_window_draws_the_town_as_a_scatter(
        assets: Assets) -> None:
    """AGENT_TOWN_ISOMETRIC_ENABLED=0: no map, the personality scatter in its place, and its
    dots select citizens."""
    pygame.event.clear()
    app = App(Timeline("town", 7), reproducible=True, assets=assets)
    app.ui = replace(app.ui, features=Switches(isometric=False))
    app.frame(1 / 60)
    flat = app.widgets.flat
    assert flat.placed == 25 and flat.rect.w > 600
    plot = pygame.surfarray.array3d(app.screen.subsurface(flat.plot))
    night = (plot == np.array(NIGHT[:3])).all(axis=2).mean()
    assert night > 0.8  # the plot's dark ground, not grass, roads and roofs
    x, y = flat.where(3)
    click(app, (x, y))
    assert app.ui.selected == 3
    shown = pygame.surfarray.array3d(app.screen)
    on = App(Timeline("town", 7), reproducible=True, assets=assets)
    on.frame(1 / 60)
    assert (pygame.surfarray.array3d(on.screen) != shown).any()
