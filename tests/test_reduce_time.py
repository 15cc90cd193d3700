"""Speed, time and the inspector without a window: pause and resume, the speed button,
scrubbing, stepping, branches, another town, selection, detail, why and narration."""

from __future__ import annotations

import pytest

from game import config
from game.view import effects as fx
from game.view.intents import (
    ArmCard,
    AskWhy,
    ChangeDetail,
    Choose,
    CycleSpeed,
    JumpLive,
    JumpTo,
    JumpToEvent,
    Narrate,
    PanBy,
    Quit,
    Recentre,
    Scrub,
    Select,
    SetSpeed,
    ShowFocus,
    StepEvent,
    SwitchBranch,
    Toggle,
    TogglePause,
    TownOpened,
    ZoomAt,
)
from game.view.uistate import DEFAULT_DETAIL, MAX_DETAIL, Focus, UiState
from tests.reducing import fresh, run


def test_space_pauses_and_resumes_at_the_speed_before() -> None:
    state, _ = run(fresh(), SetSpeed(5))
    state, effects = run(state, TogglePause())
    assert state.speed == 0 and effects == []
    state, effects = run(state, TogglePause())
    assert state.speed == 16 and effects == []


def test_a_chosen_speed_is_remembered_and_pause_is_not() -> None:
    _, effects = run(fresh(), SetSpeed(3), SetSpeed(0))
    assert effects == [fx.RememberSpeed(3)]


def test_a_window_opened_paused_resumes_at_1x() -> None:
    state = UiState.start(0)
    assert state.speed == 0
    state, _ = run(state, TogglePause())
    assert state.speed == 1


def test_pausing_with_a_key_keeps_the_speed_to_resume_at() -> None:
    state, _ = run(fresh(), SetSpeed(4), SetSpeed(0), TogglePause())
    assert state.speed == 8


def test_the_speed_button_goes_up_and_wraps_past_pause() -> None:
    state = fresh()
    seen = []
    for _ in range(7):
        state, _ = run(state, CycleSpeed())
        seen.append(state.speed)
    assert seen == [2, 4, 8, 16, -1, 1, 2]
    # Paused, the button shows the speed play resumes at: one up, and still paused.
    state, effects = run(fresh(speed=0), CycleSpeed())
    assert (state.speed, config.SPEEDS[state.resume_index]) == (0, 2)
    assert list(effects) == [fx.RememberSpeed(2)]
    state, _ = run(state, TogglePause())
    assert state.speed == 2


def test_a_right_click_on_the_speed_button_goes_down_and_stops_at_1x() -> None:
    state = fresh(speed=4)
    seen = []
    for _ in range(4):
        state, _ = run(state, CycleSpeed(-1))
        seen.append(state.speed)
    assert seen == [2, 1, 1, 1]  # never round to max: slower never makes the town race
    state, _ = run(fresh(speed=0), CycleSpeed(-1))
    assert (state.speed, config.SPEEDS[state.resume_index]) == (0, 1)  # paused at 1×: stays so


def test_dragging_the_knob_holds_play_and_seeks_once_a_frame() -> None:
    state, effects = run(fresh(), Scrub(400), Scrub(380))
    assert state.scrubbing
    assert effects == [fx.Seek(400, coalesce=True), fx.Seek(380, coalesce=True)]
    state, effects = run(state, Scrub(350, done=True))
    assert not state.scrubbing and effects == [fx.Seek(350, coalesce=True)]


def test_markers_and_live_seek_at_once() -> None:
    _, effects = run(fresh(), JumpTo(120), JumpLive())
    assert effects == [fx.Seek(120), fx.SeekLive()]


def test_stepping_to_an_event_pauses_first() -> None:
    state, effects = run(fresh(), SetSpeed(3), StepEvent(-1))
    assert state.speed == 0 and effects[-1:] == [fx.StepEvent(-1)]
    state, _ = run(state, TogglePause())
    assert state.speed == 4


def test_switching_branch_closes_the_list() -> None:
    state, effects = run(fresh(), Toggle("branches"), SwitchBranch("b1"))
    assert state.modals == () and effects == [fx.SwitchBranch("b1")]


def test_clicking_an_event_seeks_to_it_then_lights_its_chain_and_looks_there() -> None:
    state, effects = run(fresh(), JumpToEvent("e9", 77))
    assert effects == [fx.Seek(77), fx.TraceFocus("e9", 77), fx.LookAtEvent(77, "e9")]
    focus = Focus("e9", frozenset({"e9"}), frozenset({77}), (3,))
    state, _ = run(state, ShowFocus(focus))
    assert state.focus == focus


def test_another_town_drops_what_pointed_into_the_old_one() -> None:
    state, _ = run(fresh(), Select(2), AskWhy(), ArmCard("greet"), Choose(4),
                   Toggle("coalitions"), SetSpeed(4))
    state, _ = run(state, TownOpened())
    assert (state.selected, state.why, state.armed, state.targets) == (None, False, None, ())
    assert state.shown("coalitions") and state.speed == 8  # the person's settings stay


def test_a_new_selection_drops_the_why_chain_and_the_same_one_keeps_it() -> None:
    state, _ = run(fresh(), Select(2), AskWhy(), Select(2))
    assert state.why
    state, _ = run(state, Select(5))
    assert state.selected == 5 and not state.why


def test_detail_stays_between_none_and_all() -> None:
    state = fresh()
    assert state.detail == DEFAULT_DETAIL
    state, _ = run(state, *[ChangeDetail(1)] * 9)
    assert state.detail == MAX_DETAIL
    state, _ = run(state, *[ChangeDetail(-1)] * 9)
    assert state.detail == 0


def test_why_opens_for_the_selected_citizen_and_a_second_press_closes_it() -> None:
    state, effects = run(fresh(), AskWhy())
    assert effects == [fx.Say("select a citizen first, then ask why")] and not state.why
    state, effects = run(state, Select(6), AskWhy())
    assert state.why and effects == []
    state, effects = run(state, AskWhy())
    assert not state.why and effects == []


def test_a_scripts_narration_lasts_its_seconds() -> None:
    state, _ = run(fresh(), Narrate("hello", 2.0), now=5.0)
    assert state.narration == "hello"
    assert state.narrating(6.9) and not state.narrating(7.0)


def test_camera_and_quit_go_straight_to_the_app() -> None:
    state = fresh()
    after, effects = run(state, Recentre(), ZoomAt(-1, None), ZoomAt(1, (5, 6)), PanBy(3, -2),
                         Quit())
    assert after == state
    assert effects == [fx.CameraMove(recentre=True), fx.CameraMove(zoom=-1),
                       fx.CameraMove(zoom=1, at=(5, 6)), fx.CameraMove(dx=3, dy=-2), fx.Quit()]


def test_a_window_refuses_a_speed_that_is_not_one_of_the_choices() -> None:
    with pytest.raises(ValueError, match="speed must be one of 0, 1, 2, 4, 8, 16, -1"):
        UiState.start(3)
