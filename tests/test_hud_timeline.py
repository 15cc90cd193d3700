"""The timeline bar and the feed end to end: scrubbing restores the exact past, a card played in
the past forks a branch, markers and feed events jump to their ticks, branches switch in place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
import pytest

from game.sim.flux import TownFlux
from game.view.app import App
from game.view.assets import Assets
from game.view.hud import UI_SCALE
from game.view.intents import SetSpeed
from game.view.palette import OP_COLOURS, TEXT
from game.view.timebar import SHORT_MARKS, column, draw_marks
from game.view.viewstate import Marks
from game.view.when import when
from tests.window import click, make_app, post


@pytest.fixture
def app(assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return make_app(assets, ticks=3000, speed=1)




def drag_knob(app: App, to_x: int, frames: int = 3) -> None:
    bar = app.widgets.timebar
    y = bar.track_rect.centery
    start = (bar._x(app.timeline.cursor), y)
    post(pygame.MOUSEBUTTONDOWN, pos=start, button=1)
    app.frame(1 / 60)
    for k in range(1, frames + 1):
        x = start[0] + (to_x - start[0]) * k // frames
        post(pygame.MOUSEMOTION, pos=(x, y), rel=(0, 0), buttons=(1, 0, 0))
        app.frame(1 / 60)
        assert app.ui.scrubbing
    post(pygame.MOUSEBUTTONUP, pos=(to_x, y), button=1)
    app.frame(0.0)


def test_one_tick_falls_where_the_columns_of_many_put_it(app: App) -> None:
    bar = app.widgets.timebar
    app.frame(1 / 60)
    ticks = [0, 1, 399, 400, 1234, 2999, 3000, 2500.5, 17.25]
    for zoom in (0, 3):
        bar.zoom(zoom, bar.track_rect.centerx)
        assert (bar.window is None) == (zoom == 0)
        assert [bar._x(t) for t in ticks] == bar._xs(np.array(ticks)).tolist()
        assert [bar._x(t) for t in range(3001)] == bar._xs(np.arange(3001)).tolist()


def fresh_hash(tick: int) -> str:
    flux = TownFlux("town", 7)
    flux.run(tick)
    return flux.state_hash()


def test_dragging_the_knob_back_shows_the_town_exactly_as_it_was(app: App) -> None:
    bar = app.widgets.timebar
    target_x = bar.track_rect.x + bar.track_rect.w // 3
    drag_knob(app, target_x)
    tick = bar.tick_at(target_x)
    assert 0 < tick < 3000
    assert app.timeline.cursor == tick and not app.ui.scrubbing
    assert app.flux.state.tick == tick
    assert app.view_state().hash == fresh_hash(tick)
    assert not app.view_state().town.live
    for _ in range(20):  # released: play continues from there, on the same branch (a frame
        app.frame(0.25)  # that makes a part of a phase end's eve ends early; later ones catch up)
    assert app.timeline.cursor == tick + 100 and app.timeline.current == "main"


def test_a_card_played_in_the_past_forks_a_new_branch(app: App) -> None:
    drag_knob(app, app.widgets.timebar.track_rect.x + app.widgets.timebar.track_rect.w // 4)
    tick = app.timeline.cursor
    post(pygame.KEYDOWN, key=pygame.K_f, mod=0)
    app.frame(0.0)
    assert app.timeline.current == "b1"
    assert set(app.timeline.branches) == {"main", "b1"}
    assert app.timeline.branches["main"].head == 3000
    assert f"forked b1 at {when(tick)}" in app.widgets.toasts.texts_shown()
    assert any(e.op == "festival" for e in app.timeline.events(start=tick + 1, end=tick + 1))


def test_a_perturbation_marker_jumps_to_its_tick(app: App) -> None:
    post(pygame.KEYDOWN, key=pygame.K_m, mod=0)
    app.frame(0.0)
    (p,) = app.timeline.perturbations()
    app.frame(5.0)
    assert app.timeline.cursor > p.tick
    (marker, tick, _), = app.widgets.timebar._markers
    click(app, marker.center)
    assert tick == p.tick and app.timeline.cursor == p.tick


def test_clicking_an_event_in_the_feed_lands_on_its_tick_and_lights_its_chain(app: App) -> None:
    app.apply(SetSpeed(0))
    app.frame(0.0)
    row, item = app.widgets.feed.rows[5]
    click(app, row.center)
    assert app.timeline.cursor == item.tick
    assert app.ui.focus is not None and app.ui.focus.event_id == item.event_id
    assert item.event_id in app.view_state().focus
    assert app.view_state().track.chain
    event = next(e for e in app.timeline.events(start=item.tick, end=item.tick)
                 if e.id == item.event_id)
    focused = app.ui.focus.participants
    assert {app.flux.citizens[i].id for i in focused} == set(event.participants)


def test_step_buttons_move_one_event_and_live_returns_to_the_head(app: App) -> None:
    click(app, app.widgets.timebar.buttons["back"].center)
    assert app.ui.speed == 0
    before = app.timeline.cursor
    assert before < 3000
    assert app.timeline.events(start=before, end=before)
    click(app, app.widgets.timebar.buttons["back"].center)
    assert app.timeline.cursor < before
    post(pygame.KEYDOWN, key=pygame.K_PERIOD, mod=0)
    app.frame(0.0)
    assert app.timeline.cursor == before
    click(app, app.widgets.timebar.buttons["live"].center)
    assert app.timeline.cursor == app.timeline.branch.head


def test_the_branch_list_switches_branches_at_the_same_tick(app: App) -> None:
    drag_knob(app, app.widgets.timebar.track_rect.x + app.widgets.timebar.track_rect.w // 2)
    post(pygame.KEYDOWN, key=pygame.K_m, mod=0)
    app.frame(0.0)
    assert app.timeline.current == "b1"
    tick = app.timeline.cursor
    click(app, app.widgets.timebar.buttons["branch"].center)
    assert "branches" in app.ui.modals
    app.frame(0.0)
    row = next(r for r, name in app.widgets.branch_list.rows if name == "main")
    click(app, row.center)
    assert app.timeline.current == "main" and app.timeline.cursor == tick
    assert "branches" not in app.ui.modals


def test_the_mouse_over_the_branch_list_raises_no_card_under_it(app: App) -> None:
    click(app, app.widgets.timebar.buttons["branch"].center)
    app.frame(0.0)
    hand, listed = app.widgets.hand, app.widgets.branch_list.rect
    over = next(((listed.clip(hand.card_rect(k)), k) for k in range(len(hand.names))
                 if listed.colliderect(hand.card_rect(k))), None)
    assert over is not None, "the list stands over the cards here"
    post(pygame.MOUSEMOTION, pos=app.widgets.hud.to_screen(over[0]).center, rel=(0, 0),
         buttons=(0, 0, 0))
    app.frame(0.0)
    assert hand.hover is None
    away = hand.card_rect(over[1]).clip(pygame.Rect(0, 0, 10**6, listed.top))  # above it
    post(pygame.MOUSEMOTION, pos=app.widgets.hud.to_screen(away).center, rel=(0, 0),
         buttons=(0, 0, 0))
    app.frame(0.0)
    assert hand.hover is not None  # out from under the list, the cards hover again


def test_a_day_label_stays_readable_with_the_knob_on_it(app: App) -> None:
    app.apply(SetSpeed(0))
    app.frame(0.0)
    bar = app.widgets.timebar
    box, _ = next(b for b in bar._labels if b[0].x > 20 and b[0].right < bar._x(bar._head))
    surface = app.widgets.hud.canvas(app.screen)
    app.timeline.seek(bar.tick_at(box.x - 20))  # the knob beside the label
    app.frame(0.0)
    beside = surface.subsurface(box).copy()
    app.timeline.seek(bar.tick_at(box.centerx))  # the knob on it
    app.frame(0.0)
    assert box.collidepoint(bar._x(app.timeline.cursor), box.centery)
    on = surface.subsurface(box)
    assert pygame.image.tobytes(on, "RGB") == pygame.image.tobytes(beside, "RGB")


def test_play_pause_and_speed_buttons(app: App) -> None:
    click(app, app.widgets.timebar.buttons["play"].center)
    assert app.ui.speed == 0
    click(app, app.widgets.timebar.buttons["play"].center)
    assert app.ui.speed == 1
    click(app, app.widgets.timebar.buttons["speed"].center)
    assert app.ui.speed == 2


def test_marks_drawn_two_fills_a_column_look_as_if_each_were_drawn_in_turn() -> None:
    rng = np.random.default_rng(4)
    ops = ["greet", "walk", "gossip", "arrive", "trade", "rest", "festival", "dispute"]
    ticks, codes = np.sort(rng.integers(0, 3200, 5000)), rng.integers(0, len(ops), 5000)
    marks = [(int(t), ops[int(o)]) for t, o in zip(ticks, codes, strict=True)]
    columns = Marks()
    span, h = 3200, 20
    fast = pygame.Surface((300, h))
    one_by_one = pygame.Surface((300, h))
    for surface in (fast, one_by_one):
        surface.fill((0, 0, 0))
    columns.extend(ticks[:3000], codes[:3000], ops)  # in two batches, as the bar draws them
    draw_marks(fast, columns, span, h)
    columns.extend(ticks[3000:], codes[3000:], ops)
    draw_marks(fast, columns, span, h, start=3000)
    for tick, op in marks:
        x = column(tick, span, 300)
        height = h // 2 if op in SHORT_MARKS else h
        one_by_one.fill(OP_COLOURS.get(op, TEXT), (x, h - height, UI_SCALE, height))
    assert pygame.image.tobytes(fast, "RGB") == pygame.image.tobytes(one_by_one, "RGB")


def test_the_marks_columns_grow_with_the_history_and_read_as_its_events(app: App) -> None:
    for _ in range(3):
        app.apply(SetSpeed(5))
        for _ in range(20):
            app.frame(1 / 60)
        marks = app.view_state().track.marks
        events = app.timeline.events(app.timeline.current, 1, app.timeline.branch.head)
        assert marks.ticks.tolist() == [e.tick for e in events]
        assert [marks.ops[c] for c in marks.codes] == [e.op for e in events]


def test_marks_grown_past_their_room_keep_what_was_read_of_them() -> None:
    marks = Marks()
    marks.extend(np.arange(1000), np.zeros(1000, dtype=np.int64), ["walk"])
    early = marks.ticks
    marks.extend(np.arange(1000, 3000), np.array([0, 1] * 1000), ["greet", "walk"])
    assert early.tolist() == list(range(1000)) and marks.ticks.tolist() == list(range(3000))
    assert marks.ops == ["walk", "greet"]
    assert [marks.ops[c] for c in marks.codes[998:1002]] == ["walk", "walk", "greet", "walk"]
