"""The view's shared caches: text and panels drawn by one widget are ready for every other, a
fitted string stays within its width, and narration rewraps when its space changes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pygame

from game.view.assets import Assets
from game.view.hud import PANEL, Faces, Texts
from game.view.palette import BRIGHT, TEXT
from game.view.presentation import Narration
from game.view.viewstate import ViewState

LONG = "Bruno told Clara about the storm that kept the whole market indoors until noon"


def test_every_widget_shares_one_text_cache(assets: Assets) -> None:
    one, other = Texts(assets), Texts(assets)
    assert one.get("hello", TEXT) is other.get("hello", TEXT)
    assert one.get("hello", TEXT) is not one.get("hello", BRIGHT)


def test_one_panel_serves_every_size_that_rounds_to_the_same_native_pixels(
        assets: Assets) -> None:
    faces = Faces(assets)
    assert faces.get(PANEL, (100, 40)) is Faces(assets).get(PANEL, (99, 39))
    assert faces.get(PANEL, (100, 40)).get_size() == (100, 40)


def test_a_fitted_line_ends_in_an_ellipsis_and_stays_within_its_width(assets: Assets) -> None:
    texts = Texts(assets)
    for width in (40, 101, 300):
        fitted = texts.fit(LONG, width)
        assert fitted.endswith("…") and texts.width(fitted) <= width
    assert texts.fit("short", 300) == "short"


def test_narration_rewraps_when_its_space_narrows(assets: Assets) -> None:
    screen = pygame.display.get_surface()
    narration = Narration(assets)
    view = cast(ViewState, SimpleNamespace(narration=LONG))
    heights = []
    for width in (1280, 500):
        narration.layout(pygame.Rect(0, 0, width, 720))
        narration.draw(screen, view)
        heights.append(narration.rect.h)
        assert narration.rect.w <= width
    assert heights[1] > heights[0]
