"""The settings screen and what it sets: the UI scale (drawn and clicked at every scale), the
fullscreen toggle (F11, Alt+Enter, remembered without forgetting the window's size), volumes,
the colour-blind palette with a shape per coalition, key rebinding (a rebound key works and the
help shows it), speed keys as games have them and the speed button both ways; every change is
saved at once and restored at the next start, and a bad value is refused on its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game import config, limits
from game.trace.timeline import Timeline
from game.userfiles import settings as user_settings
from game.userfiles.settings import AUTO, UI_SCALES, Settings
from game.view import hud, keys, palette, rendered
from game.view.app import App
from game.view.assets import Assets, Font
from game.view.effects import Say
from game.view.emblems import SHAPES, emblem
from game.view.hand import card_face
from game.view.input import key_intent
from game.view.intents import Adjust, ArmCard, AskWhy, Toggle
from game.view.preferences import OPTIONS
from game.view.scale import ui_percent
from tests.window import click, key, post


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    yield tmp_path
    keys.bind({})  # the key map and palette are the window's: leave them as a new one has them
    palette.use("standard")
    pygame.display.set_mode((1280, 720))


def person_app(assets: Assets, settings: Settings | None = None,
               size: tuple[int, int] = (1280, 720)) -> App:
    """A person's window (not a counted run: it saves its settings as they change)."""
    pygame.display.set_mode(size)
    pygame.event.clear()
    timeline = Timeline("town", 7)
    timeline.advance(600)
    app = App(timeline, speed=1, assets=assets, settings=settings or Settings())
    app.frame(0.0)
    return app


def saved() -> Settings:
    loaded, problem = user_settings.load()
    assert problem is None
    return loaded


def open_settings(app: App) -> None:
    key(app, pygame.K_F10)
    assert app.ui.top_modal == "settings"


def choose(app: App, option: str, presses: int = 1, way: int = pygame.K_RIGHT) -> None:
    """On the general page: go to `option` and press right (or left) `presses` times."""
    screen = app.widgets.settings_screen
    target = [o.name for o in OPTIONS].index(option)
    while screen.row != target:
        key(app, pygame.K_DOWN if screen.row < target else pygame.K_UP)
    for _ in range(presses):
        key(app, way)


# --- saved and restored ----------------------------------------------------------------------

def test_settings_chosen_on_the_screen_are_saved_at_once_and_restored_at_start(
        assets: Assets) -> None:
    app = person_app(assets)
    open_settings(app)
    choose(app, "ui_scale", 2)  # auto → 100 → 150
    choose(app, "music_volume", 2, pygame.K_LEFT)  # 40 % → 20 %
    choose(app, "sound_volume", 3)  # 70 % → 100 %
    choose(app, "muted")
    choose(app, "palette")
    assert saved().model_dump() == Settings(
        ui_scale=150, music_volume=0.2, sound_volume=1.0, muted=True, palette="colour-blind",
        seen_hint=True).model_dump()
    # The next start opens with them: the HUD at 150 %, the coalitions in Okabe–Ito.
    palette.use("standard")
    again = person_app(assets, saved())
    assert again.widgets.hud.percent == 150
    assert palette.coalition_colour(0) == palette.OKABE_ITO[0]


def test_a_rebound_key_works_is_saved_and_shown_in_the_help(assets: Assets) -> None:
    app = person_app(assets)
    open_settings(app)
    key(app, pygame.K_TAB)  # the keys page: its first row is pause, on Space
    assert app.widgets.settings_screen.actions()[0].action == "pause"
    key(app, pygame.K_RETURN)
    key(app, pygame.K_LSHIFT, pygame.KMOD_LSHIFT)  # a modifier alone: still waiting
    key(app, pygame.K_p)
    key(app, pygame.K_ESCAPE)
    assert app.ui.modals == ()
    # P pauses now; Space, P's old key, went to presentation (a swap: no key means two things).
    assert saved().keys == {"pause": "P", "presentation": "Space"}
    key(app, pygame.K_p, unicode="p")
    assert app.ui.speed == 0
    key(app, pygame.K_p, unicode="p")
    assert app.ui.speed == 1
    key(app, pygame.K_SPACE, unicode=" ")
    assert app.ui.presenting
    lines = dict((does, keys_shown) for keys_shown, does in keys.help_rows())
    assert lines["play or pause"] == "P" and lines["presentation: captions, camera follows"] \
        == "Space"
    help_keys = [row for _, rows, _, _ in _help_columns(app) for row in rows]
    assert [("P", "play or pause")] in help_keys
    # Restored at the next start, and Delete on the keys page puts every key back.
    keys.bind({})
    again = person_app(assets, saved())
    key(again, pygame.K_p, unicode="p")
    assert again.ui.speed == 0
    open_settings(again)
    key(again, pygame.K_TAB)
    key(again, pygame.K_DELETE)
    assert saved().keys == {} and keys.help_rows() == tuple(
        (row.keys, row.does) for row in keys.KEY_ROWS)


def test_a_rebound_card_key_is_the_one_its_card_and_tooltip_show(assets: Assets) -> None:
    app = person_app(assets)
    hand = app.widgets.hand
    assert hand.tooltip_lines("greet")[0][0] == "Greet [G]"
    chosen = keys.rebound({}, "card greet", "H")
    assert chosen == {"card greet": "H", "hud": "G"}  # H hid the HUD: a swap
    keys.bind(chosen)
    try:
        assert hand.tooltip_lines("greet")[0][0] == "Greet [H]"
        shown = pygame.image.tobytes(hand.face("greet"), "RGBA")
        assert shown == pygame.image.tobytes(card_face(assets, "greet", "H"), "RGBA")
        assert shown != pygame.image.tobytes(card_face(assets, "greet", "G"), "RGBA")
        key(app, pygame.K_h, unicode="h")
        assert app.ui.armed == "greet"
    finally:
        keys.bind({})


def test_ctrl_m_is_saved_at_once(assets: Assets) -> None:
    app = person_app(assets)
    key(app, pygame.K_m, pygame.KMOD_LCTRL)
    assert saved().muted  # not only on a clean quit: a killed window keeps it too
    key(app, pygame.K_m, pygame.KMOD_LCTRL)
    assert not saved().muted


def test_a_message_over_the_settings_stands_at_the_bottom_not_over_its_rows(
        assets: Assets, monkeypatch: pytest.MonkeyPatch) -> None:
    app = person_app(assets)
    open_settings(app)
    boxes: list[pygame.Rect] = []
    real = hud.draw_lines

    def drawn(surface: pygame.Surface, faces: hud.Faces, rect: pygame.Rect,
              labels: list[pygame.Surface]) -> None:
        boxes.append(rect)
        real(surface, faces, rect, labels)
    monkeypatch.setattr(hud, "draw_lines", drawn)
    app.say(Say("keys: 'Ä' is not a key that can be bound", error=True))
    app.frame(0.0)
    [box] = boxes
    window = app.widgets.settings_screen.rect
    assert box.bottom <= app.widgets.screen.bottom and box.top > window.centery


def _help_columns(app: App) -> list[tuple[str, list[list[tuple[str, str]]], int, int]]:
    app.widgets.help.layout(app.widgets.screen)
    return app.widgets.help._columns


def test_a_key_taken_by_esc_or_not_bindable_is_refused_in_words() -> None:
    assert keys.rebound({}, "pause", "Shift+/") == "Shift+/ stays as it is"  # "?" is help's
    assert keys.rebound({}, "pan up", "Ctrl+K") == (
        "pan up is held: it takes a key without Ctrl, Alt or Shift")
    assert keys.parse_label("Esc") is None and keys.key_label(keys.Mod.NONE, pygame.K_ESCAPE) \
        is None


def test_remembered_keys_that_clash_or_name_nothing_are_refused_and_the_defaults_kept() -> None:
    problems = keys.bind({"pause": "G", "nothing": "X", "why": "Q", "pan up": "Ctrl+W"})
    assert problems == [
        "keys: no action 'nothing': kept the default",
        "keys: pan up is held: it takes a key without Ctrl, Alt or Shift: kept the default",
        "keys: G is taken: pause keeps Space"]
    assert keys.chosen() == {"why": "Q"}
    assert keys.PRESSED[(keys.Mod.NONE, pygame.K_q)] == keys.ACTIONS["why"].does
    assert (keys.Mod.NONE, pygame.K_y) not in keys.PRESSED


def test_a_bad_value_is_refused_on_its_own_with_one_line(home: Path) -> None:
    path = user_settings.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"speed_index": 3, "music_volume": 7, "ui_scale": 90,
                                "palette": "colour-blind", "keys": {"pause": "P"}}))
    loaded, problem = user_settings.load()
    assert loaded == Settings(speed_index=3, palette="colour-blind", keys={"pause": "P"})
    assert problem is not None and "\n" not in problem
    assert problem.startswith("settings.json: music_volume, ui_scale refused (")
    [aside] = path.parent.glob("settings.json.broken-*")
    assert problem.endswith(f"the file kept as {aside.name}")


# --- speed ----------------------------------------------------------------------------------

def test_speed_keys_are_as_games_have_them(assets: Assets) -> None:
    """Space pauses, 1 is 1×, 2 is 2×, 3 is 4× … 6 is max."""
    app = person_app(assets)
    for k, speed in zip(range(pygame.K_1, pygame.K_7), config.SPEEDS[1:], strict=True):
        key(app, k, unicode=chr(k))
        assert app.ui.speed == speed
    key(app, pygame.K_SPACE, unicode=" ")
    assert app.ui.speed == 0


@pytest.mark.parametrize("percent", [100, 200])
def test_the_speed_button_goes_up_on_a_click_and_down_on_a_right_click(
        assets: Assets, percent: int) -> None:
    app = person_app(assets, Settings(ui_scale=percent))
    assert app.widgets.hud.percent == percent
    button = app.widgets.hud.to_screen(app.widgets.timebar.buttons["speed"]).center
    click(app, button)
    assert app.ui.speed == 2
    click(app, button, button=3)
    click(app, button, button=3)
    assert app.ui.speed == 1  # down stops at 1×


# --- fullscreen -----------------------------------------------------------------------------

def test_f11_and_alt_enter_toggle_fullscreen_and_the_window_size_is_kept(
        assets: Assets) -> None:
    app = person_app(assets, size=(800, 600))
    key(app, pygame.K_F11)
    app.frame(0.0)  # the window answers with its new size
    assert app.settings.fullscreen and saved().fullscreen
    assert app.screen.get_size() == pygame.display.get_desktop_sizes()[0]
    assert app.widgets.hud.window.size == app.screen.get_size()
    key(app, pygame.K_RETURN, pygame.KMOD_LALT)  # Alt+Enter: back, and not the armed card
    app.frame(0.0)
    assert not app.settings.fullscreen
    assert app.screen.get_size() == (800, 600) == app.settings.window_size  # saved on quit


# --- the UI scale ---------------------------------------------------------------------------

@pytest.mark.parametrize(("size", "chosen", "drawn"), [
    ((1280, 720), AUTO, 100), ((1600, 900), AUTO, 150), ((1920, 1080), AUTO, 150),
    ((2560, 1440), AUTO, 250), ((3840, 2160), AUTO, 300), (limits.MIN_WINDOW, AUTO, 100),
    ((1600, 900), 200, 200), ((1280, 720), 300, 200), ((800, 600), 200, 100),
    ((960, 540), 200, 150), (limits.MIN_WINDOW, 300, 100), ((1600, 900), 100, 100)])
def test_the_scale_drawn_is_the_one_chosen_as_far_as_the_window_holds_it(
        size: tuple[int, int], chosen: int, drawn: int) -> None:
    assert ui_percent(size, chosen) == drawn


def test_every_offered_scale_draws_a_font_pixel_as_whole_screen_pixels() -> None:
    assert all(p * 2 % 100 == 0 for p in UI_SCALES)  # the HUD's font pixel is 2 HUD pixels


def test_at_a_scale_the_hud_grows_and_its_widgets_answer_where_they_are_drawn(
        assets: Assets) -> None:
    small = person_app(assets, size=(1600, 900), settings=Settings(ui_scale=100))
    plain_bar = small.widgets.timebar.rect.h
    app = person_app(assets, size=(1600, 900))  # auto: 150 %
    assert app.widgets.hud.percent == 150
    assert app.widgets.screen.size == (1067, 600)
    bar = app.widgets.hud.to_screen(app.widgets.timebar.rect)
    assert bar.bottom >= 899 and bar.h == plain_bar * 3 // 2
    top = app.widgets.hud.to_screen(app.widgets.top_bar.rect)
    shot = app.screen.copy()
    click(app, app.widgets.hud.to_screen(app.widgets.timebar.buttons["play"]).center)
    assert app.ui.speed == 0
    # The map's text stays out of the scaled HUD: its area is in screen pixels.
    area = app.widgets.map_area(app.ui)
    assert area.top >= top.bottom and area.bottom <= bar.top
    # The top bar is the 100 % one of a 1067×600 window, each HUD pixel pair three pixels
    # (inside its rounded corners, where the town shows through).
    plain = person_app(assets, size=(1067, 600))
    strip = pygame.Rect(0, 0, 1066, plain.widgets.top_bar.rect.h)
    wanted = pygame.transform.scale(plain.screen.subsurface(strip), (1599, strip.h * 3 // 2))
    inside = pygame.Rect((0, 0), wanted.get_size()).inflate(-12, 0)
    assert top.h == wanted.get_height()
    assert pygame.image.tobytes(shot.subsurface(inside), "RGB") == pygame.image.tobytes(
        wanted.subsurface(inside), "RGB")


def test_at_a_scale_the_words_on_the_map_grow_as_the_huds(assets: Assets) -> None:
    """Bubbles, names and signs are drawn no smaller than the HUD's text: at 150 % a font
    pixel is three screen pixels there too (two at 100 %, however far out the map is)."""
    heights = {}
    for percent in (100, 150, 200):
        app = person_app(assets, size=(1600, 900), settings=Settings(ui_scale=percent))
        assert app.widgets.hud.percent == percent
        layout = app.world.layout
        assert layout is not None and layout.text == max(percent * 2 // 100, app.camera.zoom - 1)
        assert app.world.sign_rects
        heights[percent] = app.world.sign_rects[0].h
    assert heights[100] < heights[150] < heights[200]
    assert heights[150] * 2 == heights[100] * 3  # the same words, three pixels a font pixel


# --- colours and shapes ---------------------------------------------------------------------

def test_the_colour_blind_palette_colours_coalitions_and_each_has_a_shape(
        assets: Assets) -> None:
    app = person_app(assets)
    open_settings(app)
    choose(app, "palette")
    assert palette.chosen() == "colour-blind"
    assert [palette.coalition_colour(k) for k in range(8)] == list(palette.OKABE_ITO)
    masks = {pygame.mask.from_surface(emblem(k, (255, 255, 255), 12)).outline().__repr__()
             for k in range(len(SHAPES))}
    assert len(masks) == len(SHAPES)  # eight slots, eight shapes: no two told by colour alone
    # A city's coalition numbers run into the hundreds: a slot's emblem is its shape's, drawn once.
    white = (255, 255, 255)
    assert all(emblem(k + 40 * len(SHAPES), white, 12) is emblem(k, white, 12)
               for k in range(len(SHAPES)))
    app.apply(Adjust("palette", 1))
    assert palette.chosen() == "standard" == saved().palette


def test_f10_opens_the_settings_from_the_help_and_esc_closes_them(assets: Assets) -> None:
    app = person_app(assets)
    app.apply(Toggle("help"))
    key(app, pygame.K_F10)
    assert app.ui.modals == ("help", "settings")
    key(app, pygame.K_ESCAPE)
    assert app.ui.modals == ("help",)
    post(pygame.MOUSEBUTTONDOWN, pos=(5, 5), button=1)
    app.frame(0.0)
    assert app.ui.modals == ()


def test_a_key_with_shift_is_bound_kept_and_told_from_the_key_alone() -> None:
    chosen = keys.rebound({}, "why", "Shift+G")
    assert chosen == {"why": "Shift+G"}
    assert keys.bind(chosen) == [] and keys.chosen() == chosen
    shifted = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_g, mod=pygame.KMOD_LSHIFT,
                                 unicode="G")
    alone = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_g, mod=0, unicode="g")
    assert key_intent(shifted) == AskWhy() and key_intent(alone) == ArmCard("greet")
    assert ("Shift+G", "why? for the selected citizen") in keys.help_rows()


def test_a_scale_the_window_cannot_hold_says_which_it_draws_whole(
        assets: Assets, monkeypatch: pytest.MonkeyPatch) -> None:
    app = person_app(assets, Settings(ui_scale=300), size=limits.MIN_WINDOW)
    drawn: list[str] = []
    real = rendered.text

    def recording(font: Font, words: str, colour: palette.Colour, scale: int
                  ) -> pygame.Surface:
        drawn.append(words)
        return real(font, words, colour, scale)

    monkeypatch.setattr(rendered, "text", recording)
    open_settings(app)
    assert "< 300 % (100 % fits) >" in drawn


def test_a_window_made_smaller_than_the_least_is_remembered_at_the_least(
        assets: Assets) -> None:
    app = person_app(assets)
    app.preferences.resized((500, 300))  # no window manager held it at its minimum
    assert app.settings.window_size == limits.MIN_WINDOW
    app.preferences.resized((900, 700))
    assert app.settings.window_size == (900, 700)
