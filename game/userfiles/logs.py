"""Logging to a file in the user's log folder: a windowed app may have no stdout at all."""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path

from game.userfiles import paths


def log_file() -> Path:
    return paths.log_dir() / "agent-town.log"


def setup(verbose: bool = False) -> Path:
    """Send log records to the log file (and to stderr when there is one); returns the file."""
    target = log_file()
    handlers: list[logging.Handler] = []
    # An unwritable log folder must not stop the app; stderr below still works.
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(target, encoding="utf-8"))
    if sys.stderr is not None and verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    logging.basicConfig(level=logging.INFO, handlers=handlers or [logging.NullHandler()],
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    return target


def ensure() -> Path:
    """Set up the log file unless it is already being written."""
    target = log_file()
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == target:
            return target
    return setup()
