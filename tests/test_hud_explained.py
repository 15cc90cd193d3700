"""Explanations where a person looks, and the HUD drawn from kept surfaces: the top bar's
tooltips, the scatter's axes and coalition legend, full trait names on the card, what tokens and
drama mean on a card's tooltip, the card saying what the column hid for it; and each kept
widget painted again only when what it reads changes, with the same pixels as painting anew."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pygame
import pytest

from game import config
from game.projections.scatter import axes, scatter_and_axes
from game.sim.social import pca_2d
from game.view import rendered
from game.view.app import App
from game.view.assets import Assets
from game.view.hand import MEANINGS
from game.view.hud import TOP_TIPS, Layer, Painted
from game.view.intents import ArmCard, AskWhy, ChangeDetail, Select, Toggle
from game.view.marks import draw_marks
from game.view.overlays import coalition_near
from tests.window import make_app, post


@pytest.fixture
def app(assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return make_app(assets)


def hover(app: App, pos: tuple[int, int]) -> None:
    post(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    app.frame(0.0)


def words_drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every HUD text rendered from now on (the text cache is emptied so none is missed)."""
    seen: list[str] = []
    real = rendered.text

    def recording(font: object, words: str, colour: object, scale: int) -> pygame.Surface:
        seen.append(words)
        return real(font, words, colour, scale)

    monkeypatch.setattr(rendered, "text", recording)
    return seen


@pytest.mark.parametrize("tip", ["day", "phase", "clock", "speed", "when", "tension", "coop",
                                 "surplus", "drama", "events", "branch", "hash"])
def test_hovering_anything_in_the_top_bar_explains_it(app: App, tip: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    bar = app.widgets.top_bar
    left, right, _ = next(span for span in bar.spans if span[2] == tip)
    seen = words_drawn(monkeypatch)
    hover(app, (bar.rect.x + (left + right) // 2, bar.rect.centery))
    assert bar.hover == tip
    said = " ".join(seen)
    assert TOP_TIPS[tip][0].split()[0] in said  # the tooltip's first words
    hover(app, (bar.rect.x + 2, bar.rect.centery))  # the bar's margin explains nothing
    assert bar.hover is None


def test_the_top_bar_shows_drama(app: App) -> None:
    assert any(tip == "drama" for _, _, tip in app.widgets.top_bar.spans)
    assert app.view_state().town.drama == app.flux.drama_at(app.timeline.cursor)


def test_axes_name_the_dimension_that_spreads_the_town() -> None:
    rng = np.random.default_rng(3)
    personality = np.full((30, len(config.DIMENSIONS)), 0.5)
    curiosity = config.DIMENSIONS.index("curiosity")
    trust = config.DIMENSIONS.index("trust")
    personality[:, curiosity] = rng.uniform(0, 1, 30)  # the widest spread: the x axis
    personality[:, trust] = 0.5 - 0.2 * rng.uniform(0, 1, 30)  # a narrower one: the y axis
    found = axes(personality, pca_2d(personality))
    assert found.x.loadings[0].dimension == "curiosity"
    assert abs(found.x.loadings[0].weight) == pytest.approx(1.0, abs=1e-3)
    assert found.y.loadings[0].dimension == "trust"
    still = set(config.DIMENSIONS) - {"curiosity", "trust"}
    named = {k.dimension for axis in (found.x, found.y) for k in axis.loadings}
    assert not named & still  # a dimension that does not vary says nothing of an axis
    assert found.x.words(1) == "+curiosity"  # an axis is signed so its main loading is positive


def test_the_scatter_labels_its_axes_and_its_coalitions(app: App,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    flux = app.flux
    placed, found = scatter_and_axes(flux.state, flux.citizens)
    assert found.x.loadings and found.y.loadings and placed == app.view_state().scatter
    view = app.view_state()
    assert view.axes.x.loadings
    numbers = sorted({n for n in view.scatter.coalition if n >= 0})
    assert numbers, "the default town has coalitions by tick 2000"
    seen = words_drawn(monkeypatch)
    app.widgets.scatter.painted.key = None
    app.frame(0.0)
    assert any(w.startswith("→ ") and view.axes.x.loadings[0].dimension in w for w in seen)
    assert str(numbers[0]) in seen  # the legend's first coalition


def test_the_card_names_each_trait_in_full(app: App) -> None:
    app.apply(Select(3))
    app.apply(ChangeDetail(4))
    app.frame(0.0)
    bars = [text for text, _, value in app.widgets.card.rows(app.view_state())
            if value is not None]
    assert bars == list(config.DIMENSIONS)


def test_the_card_says_what_the_column_hid_for_it(app: App,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    app.apply(Select(3))
    app.frame(0.0)
    assert app.widgets.card.hides == ()
    seen = words_drawn(monkeypatch)
    app.apply(ChangeDetail(5))
    app.frame(0.0)
    w = app.widgets
    assert w.scatter.rect.h == 0 and "scatter" in w.card.hides
    assert any("hidden" in text and "scatter" in text for text in seen)


def test_the_card_says_so_when_the_column_hid_the_feed_too(
        assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    pygame.display.set_mode((800, 600))
    try:
        app = make_app(assets)
        for intent in (Select(3), ChangeDetail(5), AskWhy()):
            app.apply(intent)
        seen = words_drawn(monkeypatch)
        app.frame(0.0)
        w = app.widgets
        assert w.feed.rect.h == 0 and w.card.hides == ("scatter", "feed")
        assert any("scatter" in text and "feed hidden" in text for text in seen), seen
    finally:
        pygame.display.set_mode((1280, 720))


def test_a_cards_tooltip_says_what_tokens_and_drama_are(app: App) -> None:
    lines = [text for text, _ in app.widgets.hand.tooltip_lines("greet")]
    said = " ".join(lines)
    assert "tokens" in said and "drama" in said
    for meaning in MEANINGS:
        assert meaning.split(":")[0] + ":" in said


def test_a_kept_widget_paints_again_only_when_what_it_reads_changes(app: App) -> None:
    bar, scatter, feed = app.widgets.top_bar, app.widgets.scatter, app.widgets.feed
    before = bar.painted.paints, scatter.painted.paints, feed.painted.paints
    for _ in range(5):
        app.frame(0.0)  # paused: nothing changes
    assert (bar.painted.paints, scatter.painted.paints, feed.painted.paints) == before
    app.timeline.advance(1)
    app.frame(0.0)
    assert bar.painted.paints == before[0] + 1  # the clock moved
    newest = app.view_state().feed[:1]
    while app.view_state().feed[:1] == newest:  # the feed's rows stay until an event comes
        assert feed.painted.paints == before[2]
        app.timeline.advance(1)
        app.frame(0.0)
    assert feed.painted.paints == before[2] + 1


def test_a_kept_drawing_is_the_drawing(app: App) -> None:
    """The cached blit leaves the same pixels as painting straight onto the window."""
    app.apply(Select(3))
    app.apply(ChangeDetail(1))
    app.frame(0.0)
    view = app.view_state()
    w = app.widgets
    assert w.card.rect.h and w.scatter.rect.h
    for widget in (w.top_bar, w.card, w.scatter, w.feed):
        kept = pygame.Surface(app.screen.get_size())
        kept.fill((1, 2, 3))
        widget.draw(kept, view)
        fresh = pygame.Surface(app.screen.get_size())
        fresh.fill((1, 2, 3))
        widget.painted = Painted()
        real = Painted.draw
        try:
            Painted.draw = lambda self, s, rect, key, paint: paint(s, rect)  # type: ignore
            widget.draw(fresh, view)
        finally:
            Painted.draw = real  # type: ignore[method-assign]
        assert pygame.image.tobytes(kept, "RGB") == pygame.image.tobytes(fresh, "RGB"), widget
    assert w.feed.rows and all(w.feed.rect.contains(row) for row, _ in w.feed.rows)


def test_a_layer_is_the_drawing_plain_and_encoded(app: App) -> None:
    """The timeline bar and the hand, kept as layers, leave the pixels painting them straight
    onto the window leaves: blitted plain the frame they are painted, then from the encoded
    copy, and again once repainted."""
    w = app.widgets
    app.apply(ArmCard("greet"))
    app.frame(0.0)
    view = app.view_state()
    for widget in (w.timebar, w.hand):
        fresh = pygame.Surface(app.screen.get_size())
        fresh.fill((1, 2, 3))
        real = Layer.draw
        try:
            Layer.draw = lambda self, s, rect, key, paint: paint(s)  # type: ignore
            widget.draw(fresh, view)
        finally:
            Layer.draw = real  # type: ignore[method-assign]
        widget.layer = Layer()
        for _ in range(4):  # painted, encoded, encoded again; then painted anew
            if _ == 3:
                widget.layer.key = None
            kept = pygame.Surface(app.screen.get_size())
            kept.fill((1, 2, 3))
            widget.draw(kept, view)
            assert pygame.image.tobytes(kept, "RGB") == pygame.image.tobytes(fresh, "RGB"), (
                widget, _)
        assert widget.layer.paints == 2


def test_a_layer_paints_again_only_when_what_it_shows_changes(app: App) -> None:
    bar, hand = app.widgets.timebar, app.widgets.hand
    before = bar.layer.paints, hand.layer.paints
    for _ in range(5):
        app.frame(0.0)  # paused: nothing changes
    assert (bar.layer.paints, hand.layer.paints) == before
    post(pygame.MOUSEMOTION, pos=hand.card_rect(2).center, rel=(0, 0), buttons=(0, 0, 0))
    app.frame(0.0)
    assert hand.layer.paints == before[1] + 1  # the card under the mouse rises
    app.timeline.advance(config.DAY_TICKS)  # the bar's head moves on
    app.frame(0.0)
    assert bar.layer.paints == before[0] + 1


def test_a_resized_widget_is_painted_at_its_new_size(app: App) -> None:
    bar = app.widgets.top_bar
    view = app.view_state()
    bar.layout(pygame.Rect(0, 0, 700, 100))
    surface = pygame.Surface((700, 100))
    bar.draw(surface, replace(view))
    assert bar.painted.surface is not None and bar.painted.surface.get_size() == (700, 40)


def test_the_coalition_line_under_the_mouse_is_named(app: App,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    app.apply(Toggle("coalitions"))
    app.frame(0.0)
    layout = app.world.layout
    assert layout is not None
    found = app.readout.coalitions()
    assert found, "the default town has coalitions by tick 2000"
    c = found[0]
    alone = next(i for i in c.members if i not in c.bridges)  # in this coalition only
    at = (int(layout.feet_x[alone]), int(layout.feet_y[alone]) - 4 * layout.zoom)
    # a member's point lies on its coalition's line, whatever the tree
    assert coalition_near(layout, [c.members], at, 2.0) == 0
    assert coalition_near(layout, [c.members], (at[0] + 500, at[1] + 500), 12) is None
    seen = words_drawn(monkeypatch)
    draw_marks(app.screen, app.world, app.flux.state, app.ui, app.widgets.labels,
               app.readout.coalitions(), at)
    assert any(text.startswith("coalition ") and c.names[0] in text for text in seen)


def test_a_bar_too_narrow_for_everything_says_so_and_tells_the_rest(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    bar = app.widgets.top_bar
    view = app.view_state()
    bar.layout(pygame.Rect(0, 0, 700, bar.HEIGHT))
    surface = pygame.Surface((700, 200))
    bar._paint(surface, bar.rect, view)
    assert any(tip == "more" for _, _, tip in bar.spans)
    assert "surplus" in " ".join(bar.unshown) and bar.unshown[-1].endswith("events")
    seen = words_drawn(monkeypatch)
    bar.hover = "more"
    bar.draw_tip(surface, view)
    assert any(f"{bar.unshown[0]} · " in words for words in seen)
