"""Test setup: a headless SDL before anything imports pygame, and the window tests share."""

import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

# Only now may pygame load: it reads the SDL variables above when it starts.
import pygame
import pytest

from game.cli import main
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


@pytest.fixture(autouse=True)
def _system_temp_in_pytests_folder(tmp_path_factory: pytest.TempPathFactory,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """What the game writes to the system's temp folder (a counted run's crash history, for
    one) goes under pytest's own temporary folder, which pytest prunes, for this process and
    the programs the tests start: a test run leaves nothing behind in /tmp."""
    where = Path(tmp_path_factory.getbasetemp()) / "system-temp"
    where.mkdir(exist_ok=True)
    monkeypatch.setenv("TMPDIR", str(where))
    monkeypatch.setattr(tempfile, "tempdir", str(where))


@pytest.fixture(scope="session")
def village_save(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short history saved by `agent-town run` (village, 300 ticks, one branch): what the
    command line's tests read, verify, seek and render."""
    path = tmp_path_factory.mktemp("saves") / "village.town"
    assert main(["run", "--scenario", "village", "--ticks", "300", "--out", str(path)],
                out=io.StringIO()) == 0
    return path
