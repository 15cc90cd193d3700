"""Logging to a file in the user's log folder: a windowed app may have no stdout at all.

A log file that cannot be written (a full disk) is said once on stderr and then left alone:
logging never prints its own tracebacks at a person.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path

from game.userfiles import paths


class LogFile(logging.FileHandler):
    """The log file; the first record it cannot write stops it, with one line on stderr."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8")
        self.failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.failed:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        if self.failed:
            return
        self.failed = True
        err = sys.exc_info()[1]
        reason = err.strerror if isinstance(err, OSError) and err.strerror else repr(err)
        if sys.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(f"agent-town: cannot write the log {self.baseFilename}: "
                                 f"{reason}; logging stops\n")
        stream, self.stream = self.stream, None
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.close()  # its buffered lines cannot be written either


def log_file() -> Path:
    return paths.log_dir() / "agent-town.log"


def setup(verbose: bool = False) -> Path:
    """Send log records to the log file (and to stderr when there is one); returns the file."""
    target = log_file()
    handlers: list[logging.Handler] = []
    # An unwritable log folder must not stop the app; stderr below still works.
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(LogFile(target))
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
