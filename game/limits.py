"""The limits of what a person may ask the town for, in one place, and their checks.

Every way in (command-line flags, `.town` files, demo scripts, card files) refuses beyond these
with one line that names the limit: a small input must never ask for unbounded work or memory.
Why each number is what it is sits beside it. Pure: imports only `config`; never pygame, the
simulation or the view. `available_memory` only reads what the operating system reports.
"""

from __future__ import annotations

import math
import os
from typing import Final

from game import config

# A history holds at most a simulated year of ticks, counted over all its branches (each branch
# adds the ticks after its fork). Loading re-simulates every one of them: a year of the default
# town re-simulates in a few minutes here, and it holds an hour of play at 8× (576,000 ticks) or
# eight hours at 1×. Every tick a person names (--ticks, --tick, --to, a head, a card, a scrub)
# lies within it too.
MAX_TICKS: Final = 365 * config.DAY_TICKS
MAX_DAYS: Final = MAX_TICKS // config.DAY_TICKS
# Branches in a history: a card played in the past forks one; 256 is a card into the past every
# 14 seconds for an hour. Each costs a seek from its fork on load, so a long chain is slow.
MAX_BRANCHES: Final = 256
# Cards a branch (or a card file) holds: an hour of play at one card a second is 3,600.
MAX_CARDS: Final = 10_000
# Citizens in a town: the largest the scale benchmarks ask for (city:10000). Bonds and trust
# are stored only for the pairs an interaction moved (24 bytes a pair in a keyframe, about 100
# live with the set of pairs ever moved; never N × N), so a town needs memory in proportion to
# its citizens: their arrays, memories and personalities, the bonds and trust each moves (about
# 13 pairs of each a day), and in the window the events they make. BYTES_PER_CITIZEN allows for
# a few days of that. Measured: city:10000 peaks at about 170 MB after two days headless, and
# in the window's timeline (keyframes, metrics and every event kept) at 231 MB after one day,
# 279 MB after two.
MAX_CITIZENS: Final = 10_000
BYTES_PER_CITIZEN: Final = 25 * 1024
# The program and its libraries, the map, the keyframe budget, and a block of initial bonds read
# at once for the town's metrics.
BASE_BYTES: Final = 150 * 1024 * 1024
# Names a person gives or reads back (branches, citizens as targets): short, one line, no
# terminal escapes; free text (labels, titles, captions) one line of at most MAX_TEXT.
MAX_NAME: Final = 64
MAX_TEXT: Final = 200
MAX_NOTES: Final = 10_000
# A seed is a 64-bit number (numpy's generator takes more, nobody means it).
MAX_SEED: Final = 2**64 - 1
# A window's size, a remembered one too: at least a small laptop's half screen, at most an 8K
# screen (a 16384 × 16384 window is a 1 GB surface, redrawn every frame).
MIN_WINDOW: Final = (640, 360)
MAX_WINDOW: Final = (7680, 4320)
# What a window or a demo shows: an hour (a demo step's time, --frames at 60 fps).
MAX_SECONDS_SHOWN: Final = 3600
MAX_FRAMES: Final = MAX_SECONDS_SHOWN * config.FRAME_RATE
MAX_DEMO_STEPS: Final = 10_000


class LimitError(ValueError):
    """A request beyond a limit; the message names the limit ("limit: at most …")."""


def number(value: int) -> str:
    """An integer for a message: digits when short, its size when huge (str() of a 5,000-digit
    integer raises)."""
    if abs(value) < 10**15:
        return f"{value:,}"
    return f"a {math.floor(abs(value).bit_length() * math.log10(2)) + 1}-digit number"


def shown(text: str, most: int = 40) -> str:
    """A name for a message: quoted, escapes made visible, cut short."""
    cut = text if len(text) <= most else text[:most] + "…"
    return repr(cut)


def one_line(text: str, most: int = MAX_TEXT) -> str:
    """Text for a message that stays one clean line: control characters escaped, cut short."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= most else text[:most] + "…"


def check_ticks(value: int, what: str = "") -> int:
    """A tick (or a count of ticks) within MAX_TICKS."""
    if value > MAX_TICKS:
        raise LimitError(f"{what + ' ' if what else ''}{number(value)} is past the limit of "
                         f"{MAX_TICKS:,} ticks (a simulated year)")
    return value


def check_count(value: int, most: int, what: str) -> int:
    """A count within `most`, named in words ("cards in a branch")."""
    if value > most:
        raise LimitError(f"{number(value)} {what}: the limit is {most:,}")
    return value


def check_name(name: str, what: str = "name") -> str:
    """A name a person will read back: 1 to MAX_NAME characters, printable, one line."""
    if not name:
        raise LimitError(f"{what} is empty")
    if len(name) > MAX_NAME:
        raise LimitError(f"{what} {shown(name)} is {len(name):,} characters long: the limit "
                         f"is {MAX_NAME}")
    if not name.isprintable():
        raise LimitError(f"{what} {shown(name)} holds control characters")
    return name


def check_text(text: str, what: str = "text", most: int = MAX_TEXT) -> str:
    """Free text shown on one line: at most `most` characters, printable."""
    if len(text) > most:
        raise LimitError(f"{what} is {len(text):,} characters long: the limit is {most:,}")
    if not text.isprintable():
        raise LimitError(f"{what} {shown(text)} holds control characters")
    return text


def fit_window(size: tuple[int, int]) -> tuple[int, int]:
    """A window size with each side brought within MIN_WINDOW … MAX_WINDOW."""
    return (min(max(size[0], MIN_WINDOW[0]), MAX_WINDOW[0]),
            min(max(size[1], MIN_WINDOW[1]), MAX_WINDOW[1]))


def memory_needed(citizens: int) -> int:
    """Bytes a town of this many citizens needs, about (see BYTES_PER_CITIZEN)."""
    return BYTES_PER_CITIZEN * citizens + BASE_BYTES


def available_memory() -> int | None:
    """Bytes the machine can still give, as the OS reports them; None where it cannot say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def memory_size(size: int) -> str:
    """A size in memory for a message: "345 MB", "1.2 GB"."""
    if size < 1024**3:
        return f"{size / 1024**2:,.0f} MB"
    return f"{size / 1024**3:,.1f} GB"


def check_citizens(citizens: int, available: int | None = None, measure: bool = True) -> int:
    """A town size within MAX_CITIZENS whose memory the machine has, checked before allocating.

    `available` (bytes) defaults to what the OS reports when `measure` is set."""
    if not 1 <= citizens <= MAX_CITIZENS:
        raise LimitError(f"a town holds 1 to {MAX_CITIZENS:,} citizens, got {number(citizens)}")
    if available is None and measure:
        available = available_memory()
    needed = memory_needed(citizens)
    if available is not None and needed > available:
        raise LimitError(f"{citizens:,} citizens need about {memory_size(needed)} of memory; "
                         f"this machine has {memory_size(available)} free")
    return citizens
