"""Atomic file writes: a temp file in the same folder, flushed and renamed over the target.

A crash or a closed window mid-write leaves the old file whole. An overwrite keeps the target's
permissions, and a target that is a symbolic link has the file it points at replaced (the link
stays). A write killed outright (kill -9, power loss) can leave its temp file behind:
`clean_stale` removes ours (`.NAME.` + 8 random characters + `.tmp`) from our own folders at
the next start, and `clean_beside` those left beside one target anywhere (a command's `--out`,
checked before its work). On POSIX a writer holds an advisory lock on its temp file, so a
cleaner never removes the temp file of a write still under way (another window, say). No pygame
here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TextIO, TypeVar

log = logging.getLogger(__name__)

# `tempfile.mkstemp(prefix=".NAME.", suffix=".tmp")`: 8 characters of its alphabet between.
TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
LOCKS = sys.platform != "win32"
if LOCKS:
    import fcntl


def real_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to `path` should replace: the end of its chain of links, if any."""
    target = Path(path)
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def new_file_mode() -> int:
    """The mode an ordinary new file gets here (0666 less the umask), not mkstemp's 0600."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    mask = os.umask(0o022)  # no /proc: read the umask the only other way, and put it back
    os.umask(mask)
    return 0o666 & ~mask


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return new_file_mode()


def _locked_temp(folder: Path, name: str) -> tuple[int, str]:
    """A new temp file beside the target, locked (POSIX) so no cleaner takes it from us."""
    while True:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        if not LOCKS:
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(fd), os.stat(tmp)):
                return fd, tmp
        os.close(fd)  # a cleaner removed it between its creation and our lock: take another


Opened = TypeVar("Opened", bound=IO[Any])


@contextlib.contextmanager
def _replacing(path: str | os.PathLike[str], opener: Callable[[int], Opened]
               ) -> Iterator[Opened]:
    """Yield the temp file `opener` makes of a new locked descriptor; on a clean exit it
    replaces `path` (or the file `path` links to), keeping that file's mode; on an error (a
    full disk, say) it vanishes."""
    target = real_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(target)
    fd, tmp = _locked_temp(target.parent, target.name)
    try:
        fh = opener(fd)
        with fh:
            yield fh
            fh.flush()
            os.chmod(tmp, mode)
            os.fsync(fh.fileno())
            if LOCKS:  # rename while the lock is held; Windows cannot rename an open file
                os.replace(tmp, target)
        if not LOCKS:
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """Yield a text file that replaces `path` whole on a clean exit (see `_replacing`)."""
    with _replacing(path, lambda fd: os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as fh:
        yield fh


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a folder that cannot be opened is left be."""
    if not LOCKS:
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    with atomic_writer(path) as fh:
        fh.write(text)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """`data` as the whole of `path`, or (on an error) `path` as it was."""
    with _replacing(path, lambda fd: os.fdopen(fd, "wb")) as fh:
        fh.write(data)


def clean_stale(folders: Iterable[Path]) -> list[Path]:
    """Remove the temp files a killed write left in `folders` (ours only, not recursing);
    returns what was removed. A temp file whose writer is still alive is left alone."""
    removed: list[Path] = []
    for folder in folders:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                if TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False) \
                        and _remove_if_abandoned(Path(entry.path)):
                    removed.append(Path(entry.path))
    for path in removed:
        log.info("removed %s, left by a write that was killed", path)
    return removed


def clean_beside(path: str | os.PathLike[str]) -> None:
    """Remove the temp files that killed writes to `path` (or the file it links to) left
    beside it; a live writer's stay. Once per command, not per write: it reads the folder."""
    target = real_target(path)
    mine = f".{target.name}."
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            if entry.name.startswith(mine) and TEMP_NAME.match(entry.name) \
                    and entry.is_file(follow_symlinks=False) \
                    and _remove_if_abandoned(Path(entry.path)):
                log.info("removed %s, left by a write that was killed", entry.path)


def _remove_if_abandoned(path: Path) -> bool:
    if not LOCKS:  # Windows refuses to remove a file a writer has open: that is the check
        try:
            os.unlink(path)
        except OSError:
            return False
        return True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while a live writer holds it
        os.unlink(path)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def set_aside(path: Path) -> Path:
    """Rename a file that could not be read to `NAME.broken-YYYYMMDD-HHMMSS` beside it (never
    over another), so that nothing overwrites it; returns the new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.broken-{stamp}")
    n = 2
    while aside.exists() or aside.is_symlink():
        aside = path.with_name(f"{path.name}.broken-{stamp}-{n}")
        n += 1
    os.replace(path, aside)
    return aside
