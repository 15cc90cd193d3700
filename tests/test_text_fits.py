"""No text drawn in the window is clipped: every widget, drawn with long real strings at the
smallest window (`limits.MIN_WINDOW`) and at larger ones, at every UI scale offered, keeps each
line of text inside its rectangle (a floating label or tooltip inside the window) and whole,
with no ellipsis."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pygame
import pytest

from game import limits
from game.projections.history import FeedRow
from game.sim.cards import Perturbation
from game.trace.timeline import Timeline
from game.userfiles.settings import AUTO, UI_SCALES, Settings
from game.view import rendered
from game.view.app import App
from game.view.assets import Assets, Font
from game.view.hud import UI_SCALE, Painted, Widget
from game.view.intents import AskWhy, ChangeDetail, Select
from game.view.palette import Colour
from game.view.scale import ui_percent
from game.view.viewstate import ViewState
from tests.window import make_app

SIZES = [limits.MIN_WINDOW, (800, 600), (1280, 720), (1600, 900), (1920, 1080), (2560, 1440)]


def _cases() -> list[tuple[tuple[int, int], int]]:
    """Each window at every scale a person may choose, once per scale drawn (a scale draws the
    widgets in a logical window, `game.view.scale`; a choice the window cannot hold draws the
    scale below it)."""
    cases: dict[tuple[tuple[int, int], int], tuple[tuple[int, int], int]] = {}
    for size in SIZES:
        for scale in (AUTO, *UI_SCALES):
            cases.setdefault((size, ui_percent(size, scale)), (size, scale))
    return sorted(cases.values())


CASES = _cases()
LONG_FAILURE = FeedRow("e9.1", 900, "greet", "greet failed for Wren Abernathy-Castellanos & "
                       "Ed Featherstonehaugh: Wren Abernathy-Castellanos is resting",
                       ("Wren", "Ed"), True, False)


class Recording(pygame.Surface):
    """A window-sized surface that remembers where each surface was blitted."""

    def __init__(self, size: tuple[int, int]) -> None:
        super().__init__(size, pygame.SRCALPHA)
        self.placed: list[tuple[pygame.Surface, pygame.Rect]] = []

    def blit(self, source: pygame.Surface, dest: Any, area: Any = None,
             special_flags: int = 0) -> pygame.Rect:
        at = pygame.Rect(dest, source.get_size()) if area is None else pygame.Rect(
            dest, pygame.Rect(area).size)
        self.placed.append((source, at))
        return super().blit(source, dest, area, special_flags)

    def fblits(self, blit_sequence: Any, special_flags: int = 0) -> None:
        pairs = list(blit_sequence)
        for source, dest in pairs:
            self.placed.append((source, pygame.Rect(dest, source.get_size())))
        super().fblits(pairs, special_flags)


@pytest.fixture
def texts(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[int, str]]:
    """id of each rendered HUD text surface → its text."""
    known: dict[int, str] = {}
    real = rendered.text

    def recording(font: Font, words: str, colour: Colour, scale: int) -> pygame.Surface:
        surface = real(font, words, colour, scale)
        known[id(surface)] = words
        return surface

    monkeypatch.setattr(rendered, "text", recording)
    yield known


def town(assets: Assets, size: tuple[int, int], scale: int = AUTO) -> App:
    pygame.display.set_mode(size)
    timeline = Timeline("town", 7)
    timeline.advance(900)
    timeline.play(Perturbation(tick=901, card="greet", targets=("ada", "bruno")))
    timeline.advance(100)
    timeline.seek(400, "main")
    timeline.play(Perturbation(tick=401, card="rumor", targets=("ada", "bruno")))
    timeline.advance(50)
    app = make_app(assets, timeline, Settings(ui_scale=scale))
    app.apply(Select(app.flux.index["ada"]))
    app.apply(ChangeDetail(5))
    app.apply(AskWhy())
    app.frame(0.0)
    return app


def lines_drawn(widget: Widget, view: ViewState, size: tuple[int, int],
                texts: dict[int, str]) -> Sequence[tuple[str, pygame.Rect]]:
    surface = Recording(size)
    widget.draw(surface, view)
    return [(texts[id(s)], at) for s, at in surface.placed if id(s) in texts]


@pytest.fixture(autouse=True)
def _painted_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widgets that keep their drawing (`Painted`) paint straight onto the recording surface,
    so each of their texts is seen where it lands."""
    def in_place(self: Painted, surface: pygame.Surface, rect: pygame.Rect, key: object,
                 paint: Callable[[pygame.Surface, pygame.Rect], None]) -> None:
        paint(surface, rect)

    monkeypatch.setattr(Painted, "draw", in_place)


@pytest.fixture(autouse=True)
def _window_back() -> Iterator[None]:
    yield
    pygame.display.set_mode((1280, 720))


@pytest.mark.parametrize(("window", "scale"), CASES)
def test_every_text_fits_its_widget_at_every_size(assets: Assets, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  texts: dict[int, str],
                                                  window: tuple[int, int], scale: int) -> None:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    app = town(assets, window, scale)
    w = app.widgets
    size = w.screen.size  # the widgets' own pixels at this scale
    assert size[0] >= limits.MIN_WINDOW[0] and size[1] >= limits.MIN_WINDOW[1]
    view = app.view_state()
    view = replace(view, feed=(LONG_FAILURE, *view.feed))
    w._layout_inspector(view)
    screen = pygame.Rect((0, 0), size)
    w.toasts.say("cannot open /home/someone/a/rather/long/folder/name/saves/festival-night"
                 ".town: line 3: expected a tick", 0.0, error=True)
    w.timebar.hover_x = w.timebar.track_rect.right - 1  # the hover label at the bar's end
    w.hand.hover = len(w.hand.names) - 1  # the last card's tooltip
    w.help.layout(screen)
    w.settings_screen.layout(screen)
    w.branch_list.layout(w.timebar.branch_anchor())
    checked = 0
    for name, widget, inside in (
            ("top bar", w.top_bar, w.top_bar.rect), ("card", w.card, w.card.rect),
            ("feed", w.feed, w.feed.rect), ("scatter", w.scatter, w.scatter.rect),
            ("timeline", w.timebar, screen), ("hand", w.hand, screen),
            ("help", w.help, w.help.rect), ("branches", w.branch_list, screen),
            ("settings", w.settings_screen, w.settings_screen.rect)):
        if widget.rect.h == 0:
            continue
        for text, at in lines_drawn(widget, view, size, texts):
            checked += 1
            assert inside.contains(at), f"{name} at {size}: {text!r} at {at} outside {inside}"
            more = name == "top bar" and text == "…"  # its sign of more, told on hover
            assert not text.endswith("…") or more, (
                f"{name} at {size}: {text!r} cut")
    w.settings_screen._turn("keys")  # the settings' other page, as tall as the window lets it
    for text, at in lines_drawn(w.settings_screen, view, size, texts):
        checked += 1
        assert w.settings_screen.rect.contains(at), f"keys at {size}: {text!r} at {at}"
        assert not text.endswith("…"), f"keys at {size}: {text!r} cut"
    surface = Recording(size)
    w.toasts.draw(surface, 0.0)
    shown = [(texts[id(s)], at) for s, at in surface.placed if id(s) in texts]
    assert shown and all(screen.contains(at) for _, at in shown)
    assert checked > 40


@pytest.mark.parametrize(("window", "scale"), [CASES[0], CASES[-1]])
def test_a_floating_label_keeps_its_text_off_its_frame(assets: Assets, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       texts: dict[int, str],
                                                       window: tuple[int, int],
                                                       scale: int) -> None:
    """The timeline's hover label at either end of the bar and a card's tooltip: each line
    lies inside the panel drawn under it, off its frame (the frame once covered the first and
    last letters of "tick 5288 · day 4 13:19")."""
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    app = town(assets, window, scale)
    w = app.widgets
    view = app.view_state()
    frame = 2 * UI_SCALE
    bar = w.timebar.track_rect
    w.hand.hover = len(w.hand.names) - 1
    drawn = [(w.timebar, x) for x in (bar.left, bar.right - 1)] + [(w.hand, 0)]
    for widget, x in drawn:
        w.timebar.hover_x = x
        surface = Recording(w.screen.size)
        widget.draw(surface, view)
        panels = [at for s, at in surface.placed if id(s) not in texts]
        labels = [(texts[id(s)], at) for s, at in surface.placed if id(s) in texts
                  and (widget is w.hand or texts[id(s)].startswith("tick "))]
        assert labels
        for text, at in labels:
            assert any(p.left + frame <= at.left and at.right <= p.right - frame
                       and p.top <= at.top and at.bottom <= p.bottom for p in panels), (
                f"{text!r} at {at} touches its frame")


@pytest.mark.parametrize("window", SIZES)
def test_the_feed_shows_whole_rows_only(assets: Assets, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        texts: dict[int, str], window: tuple[int, int]) -> None:
    """A feed full of long wrapped rows: the row at the bottom that the column cannot hold
    whole waits for a scroll instead of ending in "…"."""
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    app = town(assets, window)
    app.apply(Select(None))  # the whole column to the feed
    w = app.widgets
    said_of = "trade failed for Pavel & Clara at the market: storm: outdoor ops pause"
    rows = tuple(replace(LONG_FAILURE, event_id=f"e9.{k}", text=said_of + " " * k)
                 for k in range(40))
    view = replace(app.view_state(), feed=rows)
    w._layout_inspector(view)
    drawn = lines_drawn(w.feed, view, w.screen.size, texts)
    said = [text for text, _ in drawn if "Pavel" in text or "market" in text]
    assert said, "no row drawn"
    cut = [text for text, _ in drawn if text.endswith("…")]
    if not cut:
        return
    # A column shorter than one row (the smallest window): that row alone, told whole on hover.
    assert w.feed.cut is rows[0] and len(w.feed.rows) == 1
    w.feed.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=w.feed.rows[0][0].center))
    drawn = lines_drawn(w.feed, view, w.screen.size, texts)
    tip = " ".join(text for text, at in drawn if not w.feed.rect.contains(at))
    assert tip.split() == said_of.split()
