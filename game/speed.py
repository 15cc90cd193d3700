"""Speeds a person may choose, checked in one place for the window, demos, video and the CLI.

A speed is a multiplier of ticks per tick of real time: config.SPEEDS lists them, 0 pauses and
-1 runs as fast as the machine allows. No pygame here.
"""

from __future__ import annotations

from game import config


def choices(*, moving: bool = False) -> tuple[int, ...]:
    """Every speed, or only those that move at a set pace (`moving`: what a video needs)."""
    return tuple(s for s in config.SPEEDS if s > 0) if moving else config.SPEEDS


def check(speed: int, *, moving: bool = False) -> int:
    """The speed if it is one of the choices; otherwise ValueError naming them."""
    if speed not in choices(moving=moving):
        raise ValueError(_problem(speed, moving))
    return speed


def parse(text: str, *, moving: bool = False) -> int:
    """A speed from words ("4", "-1"), checked as `check` does."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(_problem(text, moving)) from None
    return check(value, moving=moving)


def _problem(got: object, moving: bool) -> str:
    note = "" if moving else " (0 = pause, -1 = max)"
    shown = ", ".join(map(str, choices(moving=moving)))
    return f"speed must be one of {shown}{note}, got {got!r}"
