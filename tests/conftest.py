"""Test setup: a headless SDL before anything imports pygame, and the window tests share."""

import os
from collections.abc import Iterator

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

# Only now may pygame load: it reads the SDL variables above when it starts.
import pygame
import pytest

from game.view.assets import Assets


@pytest.fixture(scope="module")
def assets() -> Iterator[Assets]:
    """A 1280×720 dummy window and the loaded art, for one test module."""
    pygame.display.init()
    pygame.display.set_mode((1280, 720))
    yield Assets.load()
    pygame.display.quit()


@pytest.fixture(autouse=True)
def _default_keys_and_colours() -> Iterator[None]:
    """The key map and the coalitions' palette are the window's, for the whole process: a test
    whose window rebinds a key (the fuzz presses F10, Enter, then anything) or turns the
    colour-blind palette on leaves the next test the defaults."""
    yield
    from game.view import keys, palette  # after the SDL variables, as pygame
    keys.bind({})
    palette.use("standard")
