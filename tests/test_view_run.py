"""run_app: the entry point the command line calls, with counted frames and a screenshot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame

from game.view.window import run_app


def load(path: Path) -> np.ndarray:
    surface = pygame.image.load(str(path))
    return pygame.surfarray.array3d(surface).astype(np.int64)


def test_counted_frames_write_the_same_screenshot_every_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    assert run_app("town", 7, frames=5, screenshot=str(first)) == 0
    assert run_app("town", 7, frames=5, screenshot=str(second)) == 0
    a, b = load(first), load(second)
    assert a.shape == (1280, 720, 3)
    assert np.array_equal(a, b)


def test_start_tick_opens_on_the_blue_violet_night(tmp_path: Path) -> None:
    day, night = tmp_path / "day.png", tmp_path / "night.png"
    run_app("town", 7, frames=2, screenshot=str(day))
    run_app("town", 7, frames=2, screenshot=str(night), start_tick=1300)
    town = (slice(0, 900), slice(60, 540))  # the map, clear of the HUD
    d, n = load(day)[town].mean(axis=(0, 1)), load(night)[town].mean(axis=(0, 1))
    assert n.sum() < 0.75 * d.sum()
    assert n[2] > n[0]
