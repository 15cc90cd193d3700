"""Helpers for reducer tests: a fresh UI state, and a run of intents with every effect kept."""

from __future__ import annotations

from game.view.effects import Effect
from game.view.intents import Intent
from game.view.reduce import reduce
from game.view.uistate import UiState


def fresh(speed: int = 1) -> UiState:
    return UiState.start(speed)


def run(state: UiState, *intents: Intent, now: float = 0.0) -> tuple[UiState, list[Effect]]:
    """Reduce the intents in order at app time `now`; the last state and all the effects."""
    done: list[Effect] = []
    for intent in intents:
        state, effects = reduce(state, intent, now)
        done += effects
    return state, done
