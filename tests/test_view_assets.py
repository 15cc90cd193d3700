"""Loading the art: one resource path, clear errors naming the file, the bitmap font."""

from __future__ import annotations

import functools
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.sim.model import ARCHETYPE_ORDER
from game.view.assets import AssetError, Assets, Font, resource_path
from game.view.daylight import Light
from game.view.palette import WHITE
from game.view.sprites import FACINGS, FRAME_KEY, SpriteBank, citizen_sheet, keyable


@pytest.fixture(scope="module", autouse=True)
def display() -> Iterator[None]:
    pygame.display.init()
    pygame.display.set_mode((64, 64))
    yield
    pygame.display.quit()


@pytest.fixture
def asset_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    shutil.copytree(resource_path("assets"), folder)
    return folder


def test_every_asset_loads_from_the_resource_path() -> None:
    assets = Assets.load()
    assert assets.image("tile_road.png").get_size() == (32, 16)
    assert resource_path("assets", "font.png").is_file()


def test_a_missing_asset_is_an_error_naming_the_file(asset_copy: Path) -> None:
    (asset_copy / "tile_road.png").unlink()
    with pytest.raises(AssetError, match=r"^missing asset: assets/tile_road\.png$"):
        Assets.load(asset_copy)


def test_a_broken_image_is_an_error_naming_the_file(asset_copy: Path) -> None:
    (asset_copy / "ring.png").write_bytes(b"not a png")
    with pytest.raises(AssetError, match=r"^broken asset: assets/ring\.png: "):
        Assets.load(asset_copy)


def test_a_broken_manifest_is_an_error_naming_it(asset_copy: Path) -> None:
    (asset_copy / "manifest.json").write_text('{"images": ', encoding="utf-8")
    with pytest.raises(AssetError, match=r"^broken asset: assets/manifest\.json: line 1"):
        Assets.load(asset_copy)


def test_inside_a_bundle_resources_come_from_meipass(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("assets", "font.png") == tmp_path / "assets" / "font.png"


def test_the_font_measures_renders_and_wraps() -> None:
    font = Assets.load().font
    text = "Morning, Ada!"
    surface = font.render(text, (255, 0, 0))
    assert surface.get_size() == (font.width(text), font.line_height)
    colours = {tuple(surface.get_at((x, y))) for x in range(surface.get_width())
               for y in range(surface.get_height())}
    assert (255, 0, 0, 255) in colours
    assert font.width("\u2603") == font.width("?")  # a character the sheet lacks
    lines = font.wrap("Between us, Ivo: Greta builds on sand.", 60)
    assert len(lines) > 1 and all(font.width(line) <= 60 for line in lines)


def _wrapped_by_widths(font: Font, text: str, max_width: int) -> list[str]:
    """Word wrap measuring every candidate line whole (what `Font.wrap` must equal)."""
    lines: list[str] = []
    line = ""
    for word in (piece for w in text.split() for piece in font._pieces(w, max_width)):
        candidate = f"{line} {word}" if line else word
        if line and font.width(candidate) > max_width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("aAiIlmMwW.,:!?' {}\u2603-", max_size=14), max_size=12),
       st.integers(1, 90))
def test_wrapping_adds_the_words_widths_as_measuring_each_line_whole(
        words: list[str], max_width: int) -> None:
    font = _font()
    text = " ".join(words)
    assert font.wrap(text, max_width) == _wrapped_by_widths(font, text, max_width)


@functools.cache
def _font() -> Font:
    """The font, loaded once for the property's examples."""
    return Assets.load().font


def test_citizen_frames_are_colour_keyed_and_draw_the_pixels_their_alpha_does() -> None:
    """Keyed frames (a city's thousands blit three times faster) show exactly what blitting the
    tinted sheet's frames with their alpha shows, by day and by night, at every zoom."""
    assets = Assets.load()
    bank = SpriteBank(assets)
    for zoom, light in ((1, Light(WHITE, False)), (2, Light((90, 80, 150), True)),
                        (3, Light((255, 200, 150), False))):
        bank.configure(zoom, light)
        frames = bank.citizen_frames()
        assert len(frames) == len(ARCHETYPE_ORDER) * len(FACINGS) * 6
        assert all(f.get_colorkey() == (*FRAME_KEY, 255) for f in frames)
        sheets = [bank.tinted(citizen_sheet(a)) for a in ARCHETYPE_ORDER]
        w, h = frames[0].get_size()
        keyed = pygame.Surface((w * len(frames), h))
        alpha = pygame.Surface((w * len(frames), h))
        for s in (keyed, alpha):
            s.fill((30, 200, 70))
        keyed.fblits([(f, (k * w, 0)) for k, f in enumerate(frames)])
        alpha.blits([(sheet, (k * w, 0), pygame.Rect(c * w, r * h, w, h))
                     for k, (sheet, r, c) in enumerate(
                         (sheet, r, c) for sheet in sheets for r in range(len(FACINGS))
                         for c in range(6))])
        assert pygame.image.tobytes(keyed, "RGB") == pygame.image.tobytes(alpha, "RGB")


def test_art_with_soft_edges_or_the_key_colour_is_drawn_with_its_alpha() -> None:
    """A frame keyed would lose what its alpha says: such a sheet's frames keep their alpha."""
    soft = pygame.Surface((2, 1), pygame.SRCALPHA)
    soft.fill((10, 20, 30, 255))
    assert keyable(soft)
    soft.set_at((1, 0), (10, 20, 30, 128))  # half see-through: a key cannot say that
    assert not keyable(soft)
    soft.set_at((1, 0), (*FRAME_KEY, 255))  # the key's own colour, opaque
    assert not keyable(soft)
    soft.set_at((1, 0), (*FRAME_KEY, 0))  # clear: never drawn
    assert keyable(soft)
