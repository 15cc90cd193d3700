"""Windows and overlays without a window: the modal stack, the order Esc closes things in,
overlays switched by one Toggle, the quit prompt, the file picker and the reopen prompt."""

from __future__ import annotations

import pytest

from game.view import effects as fx
from game.view.intents import (
    ArmCard,
    Cancel,
    Choose,
    Dismiss,
    Open,
    OpenSave,
    Reopen,
    Select,
    ShowFocus,
    Toggle,
)
from game.view.uistate import OVERLAYS, WINDOWS, Focus
from tests.reducing import fresh, run

FOCUS = Focus("e1", frozenset({"e1"}), frozenset({5}), (1, 2))


def test_esc_closes_the_card_then_the_branch_list_then_the_focus_then_the_selection() -> None:
    state, _ = run(fresh(), Select(3), ShowFocus(FOCUS), Toggle("branches"), ArmCard("greet"),
                   Choose(1))
    steps = []
    for _ in range(5):
        state, _ = run(state, Cancel())
        steps.append((state.armed, state.modals, state.focus, state.selected))
    assert steps == [
        (None, ("branches",), FOCUS, 3),
        (None, (), FOCUS, 3),
        (None, (), None, 3),
        (None, (), None, None),
        (None, ("quit",), None, None),  # nothing left: ask whether to quit
    ]


def test_the_quit_prompt_dismissed_leaves_everything_as_it_was() -> None:
    state, _ = run(fresh(), Cancel())
    assert state.top_modal == "quit" and state.blocking == "quit"
    state, effects = run(state, Dismiss())
    assert state == fresh() and effects == []


def test_toggle_opens_a_window_on_top_and_closes_it_wherever_it_is() -> None:
    state, _ = run(fresh(), Toggle("branches"), Toggle("help"))
    assert state.modals == ("branches", "help") and state.top_modal == "help"
    state, _ = run(state, Toggle("branches"))
    assert state.modals == ("help",)
    state, _ = run(state, Toggle("help"))
    assert state.modals == ()


def test_the_branch_list_lets_input_through_but_help_takes_it_all() -> None:
    state, _ = run(fresh(), Toggle("branches"))
    assert state.top_modal == "branches" and state.blocking is None
    state, _ = run(state, Toggle("help"))
    assert state.blocking == "help"
    state, _ = run(fresh(), Toggle("help"), Toggle("branches"))  # a script may open it over help
    assert state.top_modal == "branches" and state.blocking == "help"


def test_ctrl_o_opens_the_picker_once_and_fills_it() -> None:
    state, effects = run(fresh(), Open("picker"), Open("picker"))
    assert state.modals == ("picker",)
    assert effects == [fx.ListSaves(), fx.ListSaves()]


def test_choosing_a_file_closes_the_picker_and_opens_it() -> None:
    state, effects = run(fresh(), Open("picker"), OpenSave("a.town"))
    assert state.modals == () and effects[-1:] == [fx.OpenFile("a.town")]
    assert fx.ForgetCrash() not in effects


def test_declining_the_reopen_prompt_forgets_the_crash() -> None:
    state, effects = run(fresh(), Open("reopen"), Dismiss())
    assert state.modals == () and effects == [fx.ForgetCrash()]


def test_reopening_where_it_stopped_keeps_the_speed_and_at_its_start_pauses() -> None:
    state, effects = run(fresh(), Open("reopen"), Reopen("end"))
    assert state.modals == () and effects == [fx.ReopenCrash("end")] and state.speed != 0
    state, effects = run(fresh(), Open("reopen"), Reopen("start"))
    assert state.modals == () and effects == [fx.ReopenCrash("start")] and state.speed == 0
    assert fx.ForgetCrash() not in effects  # the note stays until the reopened town runs


@pytest.mark.parametrize("name", OVERLAYS)
def test_each_overlay_toggles_alone_and_back(name: str) -> None:
    before = fresh()
    state, _ = run(before, Toggle(name))
    assert state.shown(name) != before.shown(name)
    assert all(state.shown(o) == before.shown(o) for o in OVERLAYS if o != name)
    state, _ = run(state, Toggle(name))
    assert state == before


def test_hiding_the_hud_is_remembered_and_lets_go_of_the_mouse() -> None:
    state, effects = run(fresh(), Toggle("hud"))
    assert not state.hud_shown
    assert effects == [fx.RememberHud(False), fx.ReleaseMouse()]


def test_presenting_hides_the_hud_but_keeps_its_setting() -> None:
    state, effects = run(fresh(), Toggle("presentation"))
    assert state.presenting and state.shown("hud") and not state.hud_shown
    assert effects == [fx.ReleaseMouse()]


def test_the_inspector_column_relays_the_widgets_out() -> None:
    _, effects = run(fresh(), Toggle("inspector"))
    assert effects == [fx.Relayout()]


def test_shown_answers_for_every_name_a_demo_script_uses() -> None:
    state, _ = run(fresh(), Toggle("help"), Toggle("coalitions"))
    assert {n: state.shown(n) for n in (*WINDOWS, *OVERLAYS)} == {
        "reopen": False, "quit": False, "picker": False, "help": True, "branches": False,
        "continue": False, "search": False, "settings": False, "hud": True, "inspector": True,
        "coalitions": True, "presentation": False, "minimap": False}
