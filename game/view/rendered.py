"""Text and panels drawn once and shared: the one text cache and the one panel cache of the view.

HUD strings, signs, names and narration repeat frame after frame, and so do panel sizes; every
widget and the world ask here, so a string drawn by one is ready for the next. Each cache is a
`functools.lru_cache` keyed by everything that changes the pixels (the font or assets drawn
from, the words, colours, size and scale), so a cached surface is never stale and the least
recently used ones go first when a cache is full. Callers must not draw onto what they get.

Draws with the font and 9-slice images of `assets`; never imports a widget, the app, the
timeline or the flux.
"""

from __future__ import annotations

from functools import lru_cache

import pygame

from game.view.assets import Assets, Font, nine_slice
from game.view.palette import Colour

ELLIPSIS = "…"


@lru_cache(maxsize=1024)
def text(font: Font, words: str, colour: Colour, scale: int) -> pygame.Surface:
    """One line of text, scaled by a whole number."""
    return pygame.transform.scale_by(font.render(words, colour), scale)


@lru_cache(maxsize=512)
def outlined(font: Font, words: str, colour: Colour, outline: Colour,
             scale: int) -> pygame.Surface:
    """One line of text in a one-pixel outline (readable on the map), scaled by a whole number."""
    return pygame.transform.scale_by(font.outlined(words, colour, outline), scale)


@lru_cache(maxsize=1024)
def fitted(font: Font, words: str, width: int) -> str:
    """The words, cut with an ellipsis if they are wider than `width` native pixels."""
    if font.width(words) <= width:
        return words
    cut = words
    while cut and font.width(cut + ELLIPSIS) > width:
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS


@lru_cache(maxsize=512)
def wrapped(font: Font, words: str, width: int) -> tuple[str, ...]:
    """The words wrapped into lines no wider than `width` native pixels."""
    return tuple(font.wrap(words, width))


@lru_cache(maxsize=128)
def panel(assets: Assets, name: str, size: tuple[int, int], scale: int) -> pygame.Surface:
    """A 9-slice image (panel, button) stretched to `size` native pixels, then scaled."""
    entry = assets.entry(name)
    assert entry.slice is not None, f"{name} has no 9-slice border"
    return pygame.transform.scale_by(nine_slice(assets.image(name), entry.slice, size), scale)


@lru_cache(maxsize=32)
def veil(size: tuple[int, int], colour: Colour, alpha: int) -> pygame.Surface:
    """A see-through rectangle of one colour (to darken what lies under it)."""
    surface = pygame.Surface(size, pygame.SRCALPHA)
    surface.fill((*colour, alpha))
    return surface
