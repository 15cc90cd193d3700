"""Every word readable: the window's text is whole where a person reads it — the feed's
failure reasons, the help's columns, bubbles that do not cover each other, labels at every
zoom, and every widget at the smallest window."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pygame
import pytest

from game import config
from game.cli import build_parser
from game.projections.history import FeedRow, feed
from game.projections.projected import names_of
from game.projections.rumors import RumorView, told_rumors
from game.sim.cards import Perturbation
from game.sim.events import Record
from game.trace.timeline import Timeline
from game.userfiles.settings import Settings
from game.view import explain, rendered
from game.view.app import App
from game.view.assets import Assets
from game.view.camera import ZOOM_MAX, ZOOM_MIN
from game.view.daylight import light_at
from game.view.feedwords import told
from game.view.hud import LINE_H
from game.view.intents import ArmCard, AskWhy, Choose, Confirm, Select, SetSpeed
from game.view.overlays import draw_labels
from game.view.palette import BUNTING, NAME
from game.view.speech import MAX_SHOWN, SECONDS, place
from game.view.viewstate import WHY_RUNNING_TICKS
from game.view.world import FRAME_H, GLYPHS, RUMOR_MARKS, RUMOR_SIDE, CitizenLayout, text_scale
from tests.window import make_app


@pytest.fixture
def app(assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    timeline = Timeline("town", 7)
    timeline.advance(300)
    return make_app(assets, timeline)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every string rendered as HUD text while the test runs."""
    texts: list[str] = []
    real = rendered.text

    def recording(font: rendered.Font, text: str, colour: tuple[int, int, int],
                  scale: int) -> pygame.Surface:
        texts.append(text)
        return real(font, text, colour, scale)

    monkeypatch.setattr(rendered, "text", recording)
    yield texts


FAILED = FeedRow("e9.1", 9, "walk", "walk failed for Pavel Horvath: capacity reached at the "
                 "square (20/20), waiting for a place", ("Pavel Horvath",), False, False)


def test_a_feed_row_shows_the_whole_failure_with_its_reason(app: App, drawn: list[str]) -> None:
    feed = app.widgets.feed
    view = replace(app.view_state(), feed=(FAILED, *app.view_state().feed))
    feed.draw(app.screen, view)
    row, item = feed.rows[0]
    assert item is FAILED and row.h >= 2 * LINE_H  # wrapped, not cut
    shown = " ".join(t for t in drawn if t in FAILED.text)
    assert shown == FAILED.text  # every word of it, the reason at the end included


def test_the_feed_column_grows_with_the_window(app: App) -> None:
    widths = []
    for size in ((800, 600), (1280, 720), (1600, 900)):
        app.widgets.layout(pygame.Rect(0, 0, *size), inspector=True)
        app.widgets._layout_inspector(app.view_state())
        widths.append(app.widgets.feed.rect.w * app.widgets.hud.zoom)  # in screen pixels
    assert widths[0] < widths[1] < widths[2]


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)])
def test_the_help_gives_its_columns_the_width_their_text_needs(
        app: App, drawn: list[str], size: tuple[int, int]) -> None:
    help_ = app.widgets.help
    help_.layout(pygame.Rect(0, 0, *size))
    help_.draw(app.screen, app.view_state())
    assert not any(t.endswith("…") for t in drawn)
    shown = " ".join(drawn)
    for words in ("presentation: captions, camera follows", "cards: greet, gossip, trade,"):
        assert all(word in shown for word in words.split())
    assert pygame.Rect(0, 0, *size).contains(help_.rect)


def test_a_help_too_tall_for_the_window_says_so_instead_of_cutting_lines(
        app: App, drawn: list[str]) -> None:
    help_ = app.widgets.help
    help_.layout(pygame.Rect(0, 0, 640, 360))
    help_.draw(app.screen, app.view_state())
    assert "make the window taller to see all of the help" in drawn
    assert not any(t.endswith("…") for t in drawn)
    assert pygame.Rect(0, 0, 640, 360).contains(help_.rect)


def test_crowded_bubbles_never_cover_each_other_and_stay_under_the_top_bar() -> None:
    area = pygame.Rect(0, 52, 960, 668)
    # A festival: ten speakers within a few pixels of each other, one near the top bar.
    heads = [(400 + 6 * k, 300 + (k % 3) * 4) for k in range(10)] + [(500, 40)]
    spots = place([((90, 30), head) for head in heads], area)
    shown = [s for s in spots if s is not None]
    assert spots[0] == pygame.Rect(355, 270, 90, 30)  # the first (selected) where it belongs
    assert len(shown) >= 4 and spots[-1] is not None
    for k, a in enumerate(shown):
        assert area.contains(a)
        assert all(not a.colliderect(b) for b in shown[k + 1:])


def test_a_bubble_keeps_off_a_places_sign() -> None:
    area = pygame.Rect(0, 52, 960, 668)
    sign = pygame.Rect(360, 290, 80, 20)  # where the bubble over (400, 300) would stand
    [spot] = place([((90, 30), (400, 300))], area, avoid=[sign])
    assert spot is not None and not spot.colliderect(sign) and spot.bottom == sign.top


def test_a_speaker_under_the_inspector_gets_no_bubble_in_the_town() -> None:
    assert place([((90, 30), (1100, 300))], pygame.Rect(0, 52, 960, 668)) == [None]


@pytest.mark.parametrize("zoom", range(ZOOM_MIN, ZOOM_MAX + 1))
def test_map_text_stays_readable_at_every_zoom(app: App, zoom: int) -> None:
    label = rendered.outlined(app.assets.font, "Market", (255, 255, 255), (0, 0, 0),
                              text_scale(zoom))
    assert label.get_height() >= 14  # was 9 px (~5 px letters) zoomed out


def test_a_target_tag_sits_above_the_name_label_not_on_it(app: App) -> None:
    layout = app.world.layout
    assert layout is not None
    i = int(layout.visible.nonzero()[0][0])
    names = pygame.Surface(app.screen.get_size(), pygame.SRCALPHA)
    tags = pygame.Surface(app.screen.get_size(), pygame.SRCALPHA)
    app.world._draw_name(names, layout, i, 0)
    draw_labels(tags, layout, app.widgets.labels, [(i, "subject")])
    inked_names = pygame.mask.from_surface(names)
    inked_tags = pygame.mask.from_surface(tags)
    assert inked_names.count() and inked_tags.count()
    assert inked_names.overlap(inked_tags, (0, 0)) is None


def test_a_remembered_hidden_hud_says_how_to_get_it_back(assets: Assets, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    app = make_app(assets, Timeline("town", 7), Settings(hud_visible=False, seen_hint=True))
    assert not app.ui.shown("hud")
    assert "the HUD is hidden: H shows it" in app.widgets.toasts.texts_shown()
    shown = make_app(assets, Timeline("town", 7), Settings(hud_visible=True))
    assert not any("HUD" in t for t in shown.widgets.toasts.texts_shown())


def test_the_screen_says_day_and_clock_not_ticks(app: App) -> None:
    app.timeline.seek(100)
    app.apply(Select(app.flux.index["ada"]))
    app.apply(ArmCard("greet"))
    app.apply(Choose(app.flux.index["ada"]))
    app.apply(Choose(app.flux.index["bruno"]))
    app.apply(Confirm())
    app.timeline.advance(20)
    assert "forked b1 at day 1 07:30" in app.widgets.toasts.texts_shown()
    branches = [app.widgets.branch_list.describe(b) for b in app.view_state().branches]
    assert branches == ["main · to day 1 10:30", "b1 ← main at day 1 07:30 · greet at day 1 07:30"]
    app.apply(AskWhy())
    why = app.view_state().why
    assert why is not None and why[0].text.startswith("greet at day 1 07:30")
    assert not any("tick" in line for line in (*(w.text for w in why), *branches))


def test_a_festival_overflow_is_one_row_and_the_festival_says_who_is_called() -> None:
    timeline = Timeline("town", 7)
    timeline.advance(100)
    timeline.play(Perturbation(tick=101, card="festival", targets=()))
    timeline.advance(1)
    events = timeline.events(start=101, end=101)
    full = [e for e in events if not e.success and e.op == "walk"]
    assert len(full) >= 2  # the square holds 20: the rest are refused, one event each
    rows = told(feed(events, names_of(timeline)))
    fest = next(r for r in rows if r.op == "festival")
    assert fest.text == f"a festival! {len(fest.who)} citizens are called to the square"
    refused = [r for r in rows if r.op == "walk" and not r.success]
    assert len(refused) == 1 and len(refused[0].who) == len(full)
    assert refused[0].text.endswith(f"and {len(full) - 2} more: {full[0].reason}")
    setting_off = [r for r in rows if r.text.endswith(" set off for the square")]
    walking = [e for e in events if e.success and e.op == "walk"]
    assert len(setting_off) == 1 and len(setting_off[0].who) == len(walking) > 2
    assert len(rows) < len(events) - len(full) - len(walking) + 3


@pytest.mark.parametrize(("outdoor", "text"), [
    (0, "a storm! nobody is outdoors: the town waits it out"),
    (1, "a storm! 1 citizen runs for shelter"),
    (3, "a storm! 3 citizens run for shelter")])
def test_a_storm_counts_in_plain_english(outdoor: int, text: str) -> None:
    row = FeedRow("e1.1", 1, "storm", "a storm! 1 citizens run for shelter",
                  tuple("abc"[:outdoor]), True, True)
    assert told([row])[0].text == text


def test_a_card_that_fails_as_played_says_why_in_a_toast(app: App) -> None:
    app.apply(ArmCard("wake"))  # at 10:30 nobody is resting
    app.apply(Confirm())
    app.apply(SetSpeed(1))
    for _ in range(5):
        app.frame(0.1)
    assert "Wake: nobody is resting" in app.widgets.toasts.texts_shown()


def test_the_map_text_area_ends_above_the_cards_and_left_of_the_inspector(app: App) -> None:
    area = app.widgets.map_area(app.ui)
    hand = app.widgets.hand
    assert area.top >= app.widgets.top_bar.rect.bottom
    assert area.bottom <= hand.card_rect(0).top and area.right <= app.widgets.feed.rect.x


def test_every_command_says_what_it_does_and_every_option_its_default() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in [("agent-town", parser), *commands.choices.items()]:
        assert command.description, f"{name} has no description"
        text = command.format_help()
        for action in command._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction
                          | argparse._VersionAction):
                continue
            assert action.help, f"{name} {action.dest} has no help"
            if action.option_strings and action.nargs != 0 and not action.required:
                # An option one may leave out says what leaving it out means.
                said = command._get_formatter()._get_help_string(action)
                assert "default" in said or "required" in said, f"{name} {action.dest}"
        assert "(default: 7)" in text or "--seed" not in text


def test_a_storm_darkens_the_town_and_rains_while_it_lasts(app: App) -> None:
    def frame() -> np.ndarray:
        app.frame(0.0)
        return pygame.surfarray.array3d(app.screen)[:app.widgets.map_area(app.ui).right,
                                                    60:400].astype(np.int64)

    clear = frame()
    app.timeline.play(Perturbation(tick=301, card="storm", targets=()))
    app.timeline.advance(1)
    app.frame(0.0)
    assert app.flux.storm_active()
    stormy = frame()
    assert stormy.mean() < clear.mean() * 0.8  # darker
    assert light_at(300).stormy().lit


def test_a_festival_dresses_the_square_while_its_guests_gather(app: App) -> None:
    def pennant_pixels() -> int:
        app.frame(0.0)
        shot = pygame.surfarray.array3d(app.screen)
        return sum(int((shot == np.array(colour)).all(axis=-1).sum()) for colour in BUNTING)

    assert len(app.world._lamp_tops) == 4  # the square's four lamps carry the strings
    plain = pennant_pixels()
    app.timeline.play(Perturbation(tick=301, card="festival", targets=()))
    app.timeline.advance(1)
    assert app.flux.state.festival is not None
    assert pennant_pixels() > plain + 200


WHISPER, TALKED_ABOUT = RUMOR_MARKS  # over a rumor's carriers, over whom it is about


def _mark_box(app: App, i: int) -> pygame.Rect:
    """Where a rumor's mark over citizen i goes: beside its activity glyph, as big, or in its
    place when it shows none."""
    layout = app.world.layout
    assert layout is not None
    z = layout.zoom
    side = RUMOR_SIDE if app.flux.state.activity[i] in GLYPHS else 0
    return pygame.Rect(int(layout.feet_x[i]) + (side - 4) * z,
                       int(layout.feet_y[i]) - (FRAME_H + 9) * z, 9 * z, 9 * z)


def _shows(app: App, i: int, mark: str) -> bool:
    """Whether the screen shows rumor mark `mark` (its art, pixel for pixel) over citizen i."""
    art = app.world.bank.scaled(mark)
    box = _mark_box(app, i)
    assert art.get_size() == box.size and app.screen.get_rect().contains(box)
    shot = pygame.surfarray.array3d(app.screen)[box.left:box.right, box.top:box.bottom]
    opaque = pygame.surfarray.array_alpha(art) > 0
    return bool(np.array_equal(shot[opaque], pygame.surfarray.array3d(art)[opaque]))


def test_a_rumor_marks_who_carries_it_and_whom_it_is_about_while_it_is_told(app: App) -> None:
    # Ivo hears it about Wren first, among company: he tells it on at once.
    app.timeline.play(Perturbation(tick=301, card="rumor", targets=("wren", "ivo")))
    app.timeline.advance(1)
    rumor = app.flux.state.rumors[0]
    while len(rumor.reached) < 2:
        app.timeline.advance(1)
        rumor = app.flux.state.rumors[0]
    app.frame(0.0)
    layout = app.world.layout
    assert layout is not None
    shown = [i for i in np.flatnonzero(layout.visible).tolist()
             if app.screen.get_rect().contains(_mark_box(app, i))]
    carriers = sorted(rumor.reached)
    others = [i for i in shown if i not in rumor.reached and i != rumor.subject]
    assert rumor.subject == 9 and {*carriers, 9} <= set(shown) and others
    assert all(_shows(app, i, WHISPER) for i in carriers)
    assert _shows(app, rumor.subject, TALKED_ABOUT)
    assert not any(_shows(app, i, WHISPER) or _shows(app, i, TALKED_ABOUT) for i in others)
    while app.flux.state.activity[9] in GLYPHS:  # until Wren shows no activity glyph
        app.timeline.advance(1)
    app.frame(0.0)
    assert _shows(app, 9, TALKED_ABOUT)  # in the glyph's place
    app.timeline.advance(rumor.tick + config.RUMOR_TICKS + 1 - app.flux.state.tick)
    app.frame(0.0)  # the day it is told eagerly is over: no marks
    layout = app.world.layout
    assert layout is not None
    assert not any(_shows(app, i, WHISPER) or _shows(app, i, TALKED_ABOUT)
                   for i in np.flatnonzero(layout.visible).tolist()
                   if app.screen.get_rect().contains(_mark_box(app, i)))


def rumor_about_wren(app: App) -> tuple[CitizenLayout, tuple[RumorView, ...]]:
    """A rumor about Wren planted with Ivo, a tick run and a frame drawn: the frame's layout
    and the rumors told."""
    app.timeline.play(Perturbation(tick=301, card="rumor", targets=("wren", "ivo")))
    app.timeline.advance(1)
    app.frame(0.0)
    layout = app.world.layout
    assert layout is not None
    return layout, told_rumors(app.flux.state, app.flux.citizens)


def test_a_rumor_mark_keeps_off_the_name_label_which_says_what_it_means(app: App) -> None:
    layout, rumors = rumor_about_wren(app)
    marks = pygame.Surface(app.screen.get_size(), pygame.SRCALPHA)
    app.world._draw_rumors(marks, layout, rumors)
    inked_marks = pygame.mask.from_surface(marks)
    for i in (9, 10, 11):  # whom it is about, its carriers
        names = pygame.Surface(app.screen.get_size(), pygame.SRCALPHA)
        app.world._draw_name(names, layout, i, 0, rumors)
        inked_names = pygame.mask.from_surface(names)
        assert inked_marks.count() and inked_names.count()
        assert inked_marks.overlap(inked_names, (0, 0)) is None
        bubble = place([((40, 30), layout.head(i))], app.screen.get_rect())[0]
        assert bubble is not None
        assert not any(bubble.colliderect(r) for r in inked_marks.get_bounding_rects())
    assert [app.world._named(i, rumors) for i in (9, 10, 11, 0)] == [
        "Wren · a rumor is told about them", "Ivo · spreads a rumor about Wren",
        "Nadia · spreads a rumor about Wren", "Bruno"]


def test_a_name_label_at_the_windows_edge_is_drawn_whole(app: App) -> None:
    layout, rumors = rumor_about_wren(app)
    whole = pygame.mask.from_surface(app.world._label(
        app.world._named(10, rumors), NAME, layout.text)).count()
    for x in (2, app.screen.get_width() - 2):  # Ivo at the left edge, at the right
        names = pygame.Surface(app.screen.get_size(), pygame.SRCALPHA)
        at_edge = replace(layout, feet_x=np.full_like(layout.feet_x, x))
        app.world._draw_name(names, at_edge, 10, 0, rumors)
        assert pygame.mask.from_surface(names).count() == whole


def test_a_running_why_chain_is_asked_again_once_a_second_not_every_tick(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    real = explain.why
    monkeypatch.setattr(explain, "why", lambda tl, i: asked.append(tl.cursor) or real(tl, i))
    readout = app.readout
    for _ in range(2 * WHY_RUNNING_TICKS):
        app.timeline.advance(1)
        readout.why(3, running=True)
    assert len(asked) == 2 and asked[1] - asked[0] == WHY_RUNNING_TICKS
    readout.why(3, running=False)  # paused: the exact moment
    assert asked[-1] == app.timeline.cursor


def test_the_selected_speaker_then_the_newest_lines_get_bubbles_and_old_lines_go(
        app: App) -> None:
    speech = app.speech
    speech.lines.clear()
    n = app.flux.state.n

    def say(k: int, now: float) -> None:
        speech.hear([Record(k, 0, "greet", (k,), -1, -1, True, None, "", f"line {k}", 0, 0.0,
                            None, {})], now)

    for k in range(MAX_SHOWN + 6):  # a line every tenth of a second
        say(k, k / 10)
    say(2, 1.75)  # said again: the newest now
    visible = np.ones(n, dtype=bool)
    visible[16] = False  # off screen
    shown = speech.shown(1.9, visible, selected=15)
    assert shown[:4] == [15, 2, 17, 14]
    assert len(shown) == MAX_SHOWN and 16 not in shown
    speech.shown(SECONDS + 0.05, visible)  # three seconds on: the first line is let go
    assert 0 not in speech.lines and 1 in speech.lines
    assert speech.shown(SECONDS + 0.05, visible, selected=0)[0] == 2  # nothing to say


def test_a_bubble_drawn_stays_until_its_line_is_over_however_many_lines_come(
        app: App) -> None:
    """At 16× a city says a dozen new lines a frame: the bubbles on screen keep their place,
    the newest lines wait for one to end (and are not made into surfaces meanwhile)."""
    speech = app.speech
    speech.lines.clear()
    layout = app.world.layout
    assert layout is not None
    area = pygame.Rect(0, 0, *app.screen.get_size())
    speakers = layout.visible.nonzero()[0].tolist()

    def say(k: int, now: float) -> None:
        speech.hear([Record(k, 0, "greet", (k,), -1, -1, True, None, "", f"line {k}", 0, 0.0,
                            None, {})], now)

    for k in speakers[:3]:
        say(k, 0.0)
    speech.draw(app.screen, layout, 0.1, area)
    drawn = speech.shown(0.1, layout.visible)
    assert drawn[:3] == speakers[:3][::-1]
    for k in speakers[3:3 + 2 * MAX_SHOWN]:  # newer lines than all three
        say(k, 0.2)
    shown = speech.shown(0.3, layout.visible)
    assert shown[:3] == drawn[:3] and len(shown) == MAX_SHOWN
    speech.draw(app.screen, layout, 0.3, area)
    speech.shown(SECONDS + 0.05, layout.visible)  # their lines over: the newest take their places
    assert not set(drawn[:3]) & set(speech.shown(SECONDS + 0.05, layout.visible))
