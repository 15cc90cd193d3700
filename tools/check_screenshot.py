"""Fail (exit 1) when a screenshot is missing or blank: used by CI after the packaged run."""

from __future__ import annotations

import os
import sys

# The video driver must be chosen before pygame loads.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame


def distinct_colours(path: str) -> int:
    image = pygame.image.load(path)
    w, h = image.get_size()
    return len({tuple(image.get_at((x, y))) for x in range(0, w, 8) for y in range(0, h, 8)})


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: check_screenshot.py SHOT.png", file=sys.stderr)
        return 2
    try:
        colours = distinct_colours(argv[0])
    except (FileNotFoundError, pygame.error) as err:
        print(f"check_screenshot: {argv[0]}: {err}", file=sys.stderr)
        return 1
    if colours < 16:
        print(f"check_screenshot: {argv[0]} looks blank ({colours} colours)", file=sys.stderr)
        return 1
    print(f"check_screenshot: {argv[0]} OK ({colours} colours)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
