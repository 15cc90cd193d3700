"""Cards without a window: arming, choosing targets in order, playing, resting, refusals."""

from __future__ import annotations

from game.view import effects as fx
from game.view.intents import (
    ArmCard,
    Cancel,
    CardRefused,
    Choose,
    Confirm,
    Select,
    SetSpeed,
    TapGround,
)
from game.view.uistate import CARD_COOLDOWN
from tests.reducing import fresh, run


def test_arming_a_card_that_takes_targets_waits_for_them() -> None:
    state, effects = run(fresh(), ArmCard("greet"))
    assert state.armed == "greet" and state.targets == () and effects == []


def test_choosing_targets_in_order_plays_the_card_once_it_has_them_all() -> None:
    state, effects = run(fresh(), ArmCard("greet"), Choose(4))
    assert state.targets == (4,) and effects == []
    state, effects = run(state, Choose(9))
    assert effects == [fx.PlayCard("greet", (4, 9), step=False)]
    assert state.armed is None and state.targets == ()


def test_the_same_citizen_or_bare_ground_is_no_new_target() -> None:
    state, effects = run(fresh(), ArmCard("rumor"), Choose(2), Choose(2), Choose(None))
    assert state.armed == "rumor" and state.targets == (2,) and effects == []


def test_a_card_without_targets_plays_at_once() -> None:
    state, effects = run(fresh(), ArmCard("festival"))
    assert effects == [fx.PlayCard("festival", (), step=False)]
    assert state.armed is None


def test_arming_the_armed_card_again_puts_it_down() -> None:
    state, effects = run(fresh(), ArmCard("gossip"), Choose(1), ArmCard("gossip"))
    assert state.armed is None and state.targets == () and effects == []


def test_arming_another_card_starts_its_targets_afresh() -> None:
    state, _ = run(fresh(), ArmCard("gossip"), Choose(1), ArmCard("teach"))
    assert state.armed == "teach" and state.targets == ()


def test_confirm_plays_with_the_targets_so_far_and_the_flux_picks_the_rest() -> None:
    state, effects = run(fresh(), ArmCard("gossip"), Choose(5), Confirm())
    assert effects == [fx.PlayCard("gossip", (5,), step=False)]
    assert state.armed is None


def test_confirm_with_nothing_armed_does_nothing() -> None:
    state = fresh()
    assert run(state, Confirm()) == (state, [])


def test_a_card_played_while_paused_runs_its_tick_at_once() -> None:
    _, effects = run(fresh(speed=0), ArmCard("storm"))
    assert effects == [fx.PlayCard("storm", (), step=True)]


def test_a_played_card_rests_then_plays_again() -> None:
    state, _ = run(fresh(), ArmCard("storm"), now=10.0)
    assert state.cooling(10.0) == {"storm": 1.0}
    state, effects = run(state, ArmCard("storm"), now=10.0 + CARD_COOLDOWN / 2)
    assert effects == [fx.Say("Storm is resting for a moment")] and state.armed is None
    assert state.cooling(10.0 + CARD_COOLDOWN / 2) == {"storm": 0.5}
    state, effects = run(state, ArmCard("storm"), now=10.0 + CARD_COOLDOWN)
    assert effects == [fx.PlayCard("storm", (), step=False)]


def test_resting_is_per_card() -> None:
    state, _ = run(fresh(), ArmCard("storm"), now=1.0)
    _, effects = run(state, ArmCard("festival"), now=1.0)
    assert effects == [fx.PlayCard("festival", (), step=False)]


def test_a_card_the_timeline_refuses_does_not_rest() -> None:
    state, _ = run(fresh(), ArmCard("storm"), now=3.0)
    state, _ = run(state, CardRefused("storm"), now=3.0)
    assert state.cooling(3.0) == {}
    _, effects = run(state, ArmCard("storm"), now=3.1)
    assert effects == [fx.PlayCard("storm", (), step=False)]


def test_without_a_card_a_press_selects_and_a_tap_on_ground_clears() -> None:
    state, _ = run(fresh(), Choose(7))
    assert state.selected == 7
    state, _ = run(state, Choose(None))
    assert state.selected == 7  # a press on bare ground waits for the release
    state, _ = run(state, TapGround())
    assert state.selected is None


def test_while_a_card_is_armed_choosing_never_changes_the_selection() -> None:
    state, _ = run(fresh(), Select(3), ArmCard("greet"), Choose(8), TapGround())
    assert state.selected == 3 and state.targets == (8,)


def test_escape_and_the_hands_right_click_put_the_card_down() -> None:
    state, effects = run(fresh(), ArmCard("trade"), Choose(1), Cancel())
    assert state.armed is None and state.targets == () and effects == []
    assert state.modals == ()  # nothing else was closed, no quit prompt


def test_pausing_while_armed_makes_the_card_run_its_tick_at_once() -> None:
    _, effects = run(fresh(), ArmCard("solo"), SetSpeed(0), Choose(2))
    assert effects == [fx.PlayCard("solo", (2,), step=True)]


def test_a_target_the_laws_refuse_is_not_taken_and_the_toast_says_why() -> None:
    state, effects = run(fresh(), ArmCard("greet"), Choose(4),
                         Choose(6, refusal="rest: Greta is resting"))
    assert state.armed == "greet" and state.targets == (4,)
    assert effects == [fx.Say("Greet: rest: Greta is resting", error=True)]
    state, effects = run(state, Choose(7))
    assert state.armed is None and effects[0] == fx.PlayCard("greet", (4, 7), step=False)
