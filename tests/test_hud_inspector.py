"""Inspectors and overlays end to end: the citizen card's levels of detail and why chain, the
scatter's shared selection, coalition lines, help, hiding the HUD and the first-run hint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
import pytest

from game.sim.cards import Perturbation
from game.trace.timeline import Timeline
from game.userfiles import logs
from game.userfiles.settings import Settings
from game.view.app import App
from game.view.assets import Assets
from game.view.hud import UI_SCALE
from game.view.intents import ChangeDetail, Select
from tests.window import click, key, make_app, post


@pytest.fixture
def app(assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return make_app(assets)





def test_the_dot_under_the_pointer_is_the_nearest_within_reach_the_last_of_equals(
        app: App) -> None:
    app.frame(1 / 60)
    scatter = app.widgets.scatter
    points = [scatter.where(i) for i in range(scatter.placed)]
    rng = np.random.default_rng(3)
    r = scatter.rect
    for x, y in [*points, *zip(rng.integers(r.left, r.right, 200).tolist(),
                                rng.integers(r.top, r.bottom, 200).tolist(), strict=True)]:
        best, best_d = None, (6 * UI_SCALE) ** 2  # one dot after another, as drawn
        for i, (px, py) in enumerate(points):
            d = (px - x) ** 2 + (py - y) ** 2
            if d <= best_d:
                best, best_d = i, d
        assert scatter.point_at((x, y)) == best


def test_clicking_a_scatter_point_selects_the_citizen_and_the_card_follows(app: App) -> None:
    click(app, app.widgets.scatter.where(4))
    assert app.ui.selected == 4
    citizen = app.view_state().citizen
    assert citizen is not None and citizen.index == 4
    assert app.widgets.card.rect.h > 0


def test_the_wheel_and_buttons_change_the_level_of_detail(app: App) -> None:
    app.apply(Select(2))
    app.frame(0.0)
    view = app.view_state()
    assert view.detail == 2
    shown = [text for text, _, _ in app.widgets.card.rows(view)]
    assert any("Life is" in text for text in shown)
    post(pygame.MOUSEMOTION, pos=app.widgets.card.rect.center, rel=(0, 0), buttons=(0, 0, 0))
    post(pygame.MOUSEWHEEL, x=0, y=1, flipped=False)
    post(pygame.MOUSEWHEEL, x=0, y=1, flipped=False)
    app.frame(0.0)
    view = app.view_state()
    assert view.detail == 4
    bars = [value for _, _, value in app.widgets.card.rows(view) if value is not None]
    assert len(bars) == 7 and bars == pytest.approx(list(app.flux.state.personality[2]))
    click(app, app.widgets.card.buttons["more"].center)
    assert app.ui.detail == 5
    opacity = app.flux.citizens[2].worldview.opacity
    shown = app.widgets.card.rows(app.view_state())
    assert any(opacity.split()[0] in text for text, _, _ in shown)
    click(app, app.widgets.card.buttons["more"].center)
    assert app.ui.detail == 5
    for _ in range(7):
        click(app, app.widgets.card.buttons["less"].center)
    assert app.ui.detail == 0
    assert app.view_state().town.tick == 2000  # nothing on the card moves time


def test_the_card_follows_the_scrubbed_tick(app: App) -> None:
    app.apply(Select(0))
    app.apply(ChangeDetail(2))
    now = app.view_state().citizen
    app.timeline.seek(100)
    app.frame(0.0)
    then = app.view_state().citizen
    assert now is not None and then is not None and now != then
    assert then.measures is not None  # detail 4: the measures section
    assert then.measures.surplus == pytest.approx(float(app.flux.state.surplus[0]))


def test_why_shows_the_chain_from_a_perturbation(assets: Assets) -> None:
    timeline = Timeline("town", 7)
    timeline.advance(100)
    timeline.play(Perturbation(tick=101, card="greet", targets=("ada", "bruno")))
    timeline.advance(50)
    app = make_app(assets, timeline)
    app.apply(Select(app.flux.index["ada"]))
    app.frame(0.0)
    click(app, app.widgets.card.buttons["why"].center)
    why = app.view_state().why
    assert app.ui.why and why is not None and why[0].text.startswith("greet at day 1 07:30")
    assert any(text == "why?" for text, _, _ in app.widgets.card.rows(app.view_state()))
    key(app, pygame.K_y)
    assert not app.ui.why and app.view_state().why is None


def test_the_why_chain_follows_the_cursor_the_branch_and_new_cards(assets: Assets) -> None:
    timeline = Timeline("town", 7)
    timeline.advance(150)
    app = make_app(assets, timeline)
    ada = app.flux.index["ada"]
    app.apply(Select(ada))
    key(app, pygame.K_y)
    before = app.view_state().why
    assert before is not None and "greet" not in before[0]
    timeline.seek(120)
    assert app.view_state().why != before  # the cursor moved: asked again at tick 120
    branch = timeline.play(Perturbation(tick=121, card="greet", targets=("ada", "bruno")))
    assert branch != "main"
    timeline.advance(30)
    now = app.view_state().why
    assert now is not None and now[0].text.startswith("greet at day 1 07:48")  # the new card
    timeline.switch("main")
    timeline.seek(150)
    assert app.view_state().why == before  # the branch without the card


def test_coalition_lines_draw_over_the_map(app: App) -> None:
    assert app.flux.state.coalitions
    before = pygame.surfarray.array3d(app.screen).copy()
    key(app, pygame.K_c)
    assert app.ui.shown("coalitions")
    after = pygame.surfarray.array3d(app.screen)
    assert (before != after).any(axis=-1).sum() > 200


def test_help_opens_with_f1_or_question_mark_and_closes_with_any_key(app: App) -> None:
    key(app, pygame.K_F1)
    assert app.ui.top_modal == "help"
    key(app, pygame.K_a)
    assert "help" not in app.ui.modals
    key(app, pygame.K_SLASH, pygame.KMOD_LSHIFT, "?")
    assert app.ui.top_modal == "help"
    assert app.widgets.help.log_path == str(logs.log_file())
    click(app, (10, 10))
    assert "help" not in app.ui.modals


def test_h_hides_the_hud_for_a_clean_picture(app: App) -> None:
    key(app, pygame.K_h)
    assert not app.ui.shown("hud") and not app.settings.hud_visible
    bar = app.widgets.timebar.rect
    shot = pygame.surfarray.array3d(app.screen)[bar.x:bar.right, bar.y:bar.bottom]
    click(app, (bar.centerx, bar.centery))  # no HUD: the click lands on the map
    assert app.timeline.cursor == 2000
    key(app, pygame.K_h)
    assert app.ui.shown("hud")
    shown = pygame.surfarray.array3d(app.screen)[bar.x:bar.right, bar.y:bar.bottom]
    assert not np.array_equal(shot, shown)


def test_the_first_run_hint_fades_after_the_first_action(assets: Assets) -> None:
    settings = Settings()
    app = make_app(assets, settings=settings)
    assert not app.widgets.hint.gone
    post(pygame.MOUSEMOTION, pos=(300, 300), rel=(0, 0), buttons=(0, 0, 0))
    app.frame(0.1)
    assert app.widgets.hint.fading_since is None
    key(app, pygame.K_3)
    assert settings.seen_hint
    app.frame(2.0)
    assert app.widgets.hint.gone
    again = make_app(assets, settings=settings)
    assert again.widgets.hint.gone


def test_a_smaller_window_still_fits_every_widget(assets: Assets) -> None:
    pygame.display.set_mode((960, 600))
    try:
        app = make_app(assets)
        app.apply(Select(1))
        app.apply(ChangeDetail(2))
        app.frame(0.0)
        screen = app.screen.get_rect()
        w = app.widgets
        for widget in (w.top_bar, w.timebar, w.hand, w.card, w.scatter, w.feed):
            assert screen.contains(widget.rect)
        last = app.widgets.hand.card_rect(len(app.widgets.hand.names) - 1)
        assert last.right <= w.card.rect.x or last.top >= w.feed.rect.bottom
    finally:
        pygame.display.set_mode((1280, 720))


def test_full_detail_fits_the_column_of_a_1280_by_720_window(app: App) -> None:
    assert app.screen.get_size() == (1280, 720)
    card = app.widgets.card
    cut = []
    for i in range(app.flux.state.n):
        app.apply(Select(i))
        for _ in range(5):
            app.apply(ChangeDetail(1))
        app.frame(0.0)
        rows = card.rows(app.view_state())
        if card._shown < len(rows):
            cut.append((app.flux.name(i), len(rows) - card._shown))
    assert cut == []  # nobody's card at 5/5 ends in "+n lines"


def test_a_memory_told_twice_in_a_row_is_one_line() -> None:
    from game.view.inspector import _runs
    assert _runs(["a", "a", "b", "a"]) == [("a", 2), ("b", 1), ("a", 1)]
