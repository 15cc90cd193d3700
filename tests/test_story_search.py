"""The story, searchable, in the window: the feed filtered by kind and searched by name (the
timeline ticks the matches), the feed scrolled by wheel and drag and staying put while new
events arrive; the timeline zoomed around the mouse, panned, labelled and its story diamonds
counted where they crowd."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pygame
import pytest

from game.projections.feedfilter import FeedFilter
from game.projections.history import FEED_SIZE, FeedRow, feed_row
from game.view import effects as fx
from game.view.app import App
from game.view.assets import Assets
from game.view.intents import FilterFeed, Open, ScrollFeed, SearchFeed, Select
from game.view.reduce import reduce
from game.view.search import FEED_ROWS
from game.view.timespan import MIN_WIDTH, TimeWindow, clusters, ruler
from game.view.uistate import UiState
from tests.window import click, key, make_app, post


@pytest.fixture
def app(assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return make_app(assets)


def wheel(app: App, pos: tuple[int, int], y: int) -> None:
    post(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    post(pygame.MOUSEWHEEL, x=0, y=y, flipped=False)
    app.frame(0.0)


def history_rows(app: App) -> list[FeedRow]:
    names = {c.id: c.name for c in app.flux.citizens}
    return [feed_row(e, names) for e in app.timeline.events(start=0, end=app.timeline.cursor)]


# --- filter and search ---------------------------------------------------------------------------

def test_a_kind_chip_filters_the_feed_and_the_timeline_ticks_every_match(app: App) -> None:
    feed = app.widgets.feed
    click(app, feed.chips["coalitions"].center)
    view = app.view_state()
    assert app.ui.feed_filter.kind == "coalitions"
    assert view.feed and all(row.op.startswith("coalition_") for row in view.feed)
    formed = [r for r in history_rows(app) if r.op.startswith("coalition_")]
    assert list(view.track.found) == [r.tick for r in formed]
    assert [item.event_id for _, item in feed.rows] == [  # newest first, as told
        r.event_id for r in reversed(formed)][:len(feed.rows)]
    click(app, feed.chips["coalitions"].center)  # the same chip again: every event
    assert not app.ui.feed_filter.active and not app.view_state().track.found


def test_a_chip_says_how_many_match_so_far_and_in_all_not_names(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    from game.view import rendered
    seen: list[str] = []
    real = rendered.text

    def recording(font: object, words: str, colour: object, scale: int) -> pygame.Surface:
        seen.append(words)
        return real(font, words, colour, scale)  # type: ignore[arg-type]
    monkeypatch.setattr(rendered, "text", recording)
    feed = app.widgets.feed
    click(app, feed.chips["coalitions"].center)
    found = app.view_state().track.found
    assert f"{len(found)} found" in seen and not any("names" in words for words in seen)
    first = found[0]
    app.timeline.seek(first)  # back in time: the first of them is the only one so far
    seen.clear()
    app.frame(0.0)
    assert f"1 so far, {len(found)} in all" in seen


def test_the_selected_citizen_chip_follows_the_selection(app: App) -> None:
    app.apply(Select(4))
    app.apply(FilterFeed("citizen"))
    app.frame(0.0)
    name = app.flux.name(4)
    view = app.view_state()
    assert view.feed and all(name in row.who for row in view.feed)
    assert list(view.track.found) == [r.tick for r in history_rows(app) if name in r.who]


def test_slash_types_a_name_into_the_search_and_esc_clears_it(app: App) -> None:
    name = app.flux.name(3)
    key(app, pygame.K_SLASH, unicode="/")
    assert "search" in app.ui.modals
    for ch in name[:3].lower():  # the card hotkeys and pan keys type letters now
        post(pygame.KEYDOWN, key=ord(ch), mod=0, unicode=ch)
    app.frame(0.0)
    assert app.ui.feed_filter.query == name[:3].lower() and app.ui.armed is None
    view = app.view_state()
    part = name[:3].lower()
    assert view.feed and all(any(part in who.lower() for who in row.who) for row in view.feed)
    assert list(view.track.found) == [r.tick for r in history_rows(app)
                                      if any(part in who.lower() for who in r.who)]
    key(app, pygame.K_BACKSPACE)
    assert app.ui.feed_filter.query == part[:-1]
    key(app, pygame.K_RETURN)  # Enter keeps the query and stops typing
    assert "search" not in app.ui.modals and app.ui.feed_filter.query == part[:-1]
    click(app, app.widgets.feed.field.center)  # a click on the field types again
    key(app, pygame.K_ESCAPE)
    assert "search" not in app.ui.modals and app.ui.feed_filter.query == ""


# --- scrolling ------------------------------------------------------------------------------------

def test_the_wheel_scrolls_back_and_the_rows_stay_put_as_events_arrive(app: App) -> None:
    feed = app.widgets.feed
    newest = feed.rows[0][1]
    wheel(app, feed.list_rect.center, -3)  # three notches back in time
    top = feed.rows[0][1]
    assert feed.top == 6 and top.tick <= newest.tick and top != newest
    assert app.ui.feed_back and len(app.view_state().feed) == FEED_ROWS > FEED_SIZE  # deeper
    app.timeline.advance(60)  # new events come in at the top of the feed
    app.frame(0.0)
    assert feed.rows[0][1] == top and feed.top > 6
    click(app, feed.newest.center)  # back to live: the newest row of all
    assert feed.top == 0 and feed.rows[0][1].tick == max(r.tick for r in app.view_state().feed)
    assert not app.ui.feed_back and len(app.view_state().feed) == FEED_SIZE
    wheel(app, feed.list_rect.center, 1)
    assert feed.top == 0  # nothing is newer than live


def test_dragging_the_rows_up_scrolls_back_and_a_drag_is_no_click(app: App) -> None:
    feed = app.widgets.feed
    cursor = app.timeline.cursor
    x, y = feed.list_rect.centerx, feed.list_rect.bottom - 10
    post(pygame.MOUSEMOTION, pos=(x, y), rel=(0, 0), buttons=(0, 0, 0))
    post(pygame.MOUSEBUTTONDOWN, pos=(x, y), button=1)
    post(pygame.MOUSEMOTION, pos=(x, y - 5 * 22), rel=(0, -110), buttons=(1, 0, 0))
    post(pygame.MOUSEBUTTONUP, pos=(x, y - 5 * 22), button=1)
    app.frame(0.0)
    assert feed.top == 110 // 22
    assert app.timeline.cursor == cursor and app.ui.focus is None  # no jump to an event


# --- the timeline -------------------------------------------------------------------------------

def test_the_wheel_zooms_time_around_the_tick_under_the_mouse(app: App) -> None:
    bar = app.widgets.timebar
    t = bar.track_rect
    for x in (t.x + t.w // 3, t.x + t.w * 3 // 4):
        under = bar.tick_at(x)
        for steps in (1, 1, 1, 1, -1, 1, 1, -1, -1):
            wheel(app, (x, t.centery), steps)
            assert bar.tick_at(x) == under
        while bar.window is not None:  # all the way out: the whole history again
            wheel(app, (x, t.centery), -1)
    for _ in range(40):  # all the way in: a few seconds across the whole track
        wheel(app, (t.centerx, t.centery), 1)
    assert bar.window is not None and bar.window.width == MIN_WIDTH


def test_a_right_drag_pans_through_time(app: App) -> None:
    bar = app.widgets.timebar
    t = bar.track_rect
    for _ in range(4):
        wheel(app, t.center, 1)
    assert bar.window is not None
    lo, width = bar.window.lo, bar.window.width
    under = bar.tick_at(t.centerx)
    post(pygame.MOUSEBUTTONDOWN, pos=t.center, button=3)
    post(pygame.MOUSEMOTION, pos=(t.centerx - 100, t.centery), rel=(-100, 0), buttons=(0, 0, 1))
    post(pygame.MOUSEBUTTONUP, pos=(t.centerx - 100, t.centery), button=3)
    app.frame(0.0)
    assert bar.window.width == width  # later, as far as the mouse moved
    assert bar.window.lo == pytest.approx(lo + 100 * width / t.w)
    assert bar.tick_at(t.centerx - 100) == under
    assert app.ui.scrubbing is False


def test_zoomed_in_the_track_says_the_day_and_the_clock() -> None:
    whole = TimeWindow.whole(6400)
    assert ruler(whole, 1000, 96) == [(0, "day 1"), (1600, "day 2"), (3200, "day 3"),
                                      (4800, "day 4"), (6400, "day 5")]
    assert [text for _, text in ruler(whole, 200, 96)] == ["day 1", "day 3", "day 5"]
    close = TimeWindow(1500.0, 200.0)  # the end of day 1, 05:30 to day 2 06:00 and on
    labels = ruler(close, 1000, 96)
    assert (1600, "day 2") in labels
    clock = [text for _, text in labels if not text.startswith("day")]
    assert clock == ["04:30", "05:00", "05:30", "06:30", "07:00", "07:30"]
    inside = ruler(TimeWindow(2700.0, 60.0), 900, 96)  # no day starts in sight: it says which
    assert inside[0] == (2700, "day 2") and inside[1] == (2712, "22:40")
    ticks = [tick for tick, _ in labels]
    assert all(close.x(b, 1000) - close.x(a, 1000) >= 96 - 2 for a, b in pairwise(ticks))


def test_story_diamonds_too_close_are_counted_and_part_as_the_track_zooms(app: App) -> None:
    assert clusters(np.array([0, 3, 10, 11, 40]), 8) == [range(0, 2), range(2, 4), range(4, 5)]
    assert clusters(np.array([5, 5, 5, 13]), 8) == [range(0, 3), range(3, 4)]
    assert clusters(np.zeros(0, dtype=np.int64), 8) == []
    bar = app.widgets.timebar
    stories = list(app.view_state().track.stories)
    counted = [len(crowd) for crowd in bar._crowds.values()]
    assert counted and len(bar._stories) + sum(counted) - len(counted) == len(stories)
    rects = [rect.inflate(-4, -4) for rect, _ in bar._stories]  # as drawn
    assert all(not a.colliderect(b) for a, b in pairwise(rects))  # readable: apart
    rect, first = next((r, m) for r, m in bar._stories if m in bar._crowds)
    crowd = bar._crowds[first]
    click(app, rect.center)  # a count: zoom in on its moments, which part
    assert bar.window is not None
    assert bar.window.lo <= crowd[0].tick and crowd[-1].tick <= bar.window.lo + bar.window.width
    assert len(bar._crowds.get(first, ())) < len(crowd)


def test_story_diamonds_stand_where_the_track_places_their_ticks(app: App) -> None:
    bar = app.widgets.timebar
    stories = app.view_state().track.stories
    t = bar.track_rect
    for zoom in range(10):  # the whole history, then zoomed in around a third of it
        found, placed = bar._story_columns(stories)
        seen, columns = found.tolist(), placed.tolist()
        assert seen == [k for k, m in enumerate(stories) if bar._seen(m.tick)]
        assert columns == [bar._x(stories[k].tick) for k in seen]
        if zoom == 9:
            assert 0 < len(seen) < len(stories)
        wheel(app, (t.x + t.w // 3, t.centery), 1)


def test_zoomed_on_the_live_knob_the_track_moves_on_with_it(app: App) -> None:
    bar = app.widgets.timebar
    t = bar.track_rect
    for _ in range(6):
        wheel(app, (bar._x(app.timeline.cursor), t.centery), 1)
    assert bar.window is not None and bar._seen(app.timeline.cursor)
    for _ in range(6):  # time runs past the window's end, a little at a time
        app.timeline.advance(int(bar.window.width // 3))
        app.frame(0.0)
        assert bar._seen(app.timeline.cursor)
    wheel(app, (t.x + 5, t.centery), 1)  # zoomed in on the start of the day instead
    left = bar.window.lo
    app.timeline.advance(200)
    app.frame(0.0)
    assert bar.window.lo == left and not bar._seen(app.timeline.cursor)


# --- the reducer, windowless ----------------------------------------------------------------------

def test_the_reducer_filters_types_and_scrolls_the_feed() -> None:
    state = UiState.start(1)
    state, _ = reduce(state, FilterFeed("cards"), 0.0)
    assert state.feed_filter.kind == "cards"
    state, _ = reduce(state, ScrollFeed(back=True), 0.0)
    assert state.feed_back
    state, _ = reduce(state, FilterFeed("cards"), 0.0)  # the same chip again: every kind
    assert state.feed_filter.kind == "all" and not state.feed_back  # a new filter: the newest
    hidden = replace(state, overlays=MappingProxyType({**state.overlays, "inspector": False}))
    state, effects = reduce(hidden, Open("search"), 0.0)
    assert "search" in state.modals and state.overlays["inspector"] and fx.Relayout() in effects
    state, _ = reduce(state, SearchFeed("ed"), 0.0)
    assert state.feed_filter.query == "ed" and state.blocking == "search"
    state, _ = reduce(state, SearchFeed("", typing=False), 0.0)
    assert state.feed_filter == FeedFilter("all") and "search" not in state.modals
