"""Video files from rendered frames: MP4 (imageio-ffmpeg) and GIF (Pillow).

Both encoders come with the optional `record` extra; the packaged game does not bundle them.
Without it, opening a writer raises a VideoError that says what to install. No pygame here:
frames arrive as raw RGB bytes. Both stream: each frame goes on to the file as it comes (a
render never holds its clip in memory), written beside the target and moved into place when
complete; a failure (a full disk) is one line, and the unfinished file goes.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from game import config, limits

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'agent-town[record]'"
GIF_STEP = 2  # GIF delays are counted in hundredths of a second: keep every 2nd frame (30 fps)


class VideoError(Exception):
    """A video that cannot be written; the message says why and what to do."""


class FrameWriter(Protocol):
    frames: int

    def write(self, rgb: bytes) -> None: ...

    def close(self) -> None:
        """Finish the file and move it into place."""

    def abort(self) -> None:
        """Drop the unfinished file; whatever was at the target stays."""


def _partial(path: Path) -> Path:
    """Where a video is written before it is complete (same folder, same extension)."""
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def _drop(partial: Path) -> None:
    """Remove an unfinished video; whatever stands in the way, the failure is told already."""
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)


def _optional(module: str, what: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise VideoError(f"{what} export needs the optional 'record' extra: {INSTALL_HINT}"
                         ) from None


class Mp4Writer:
    """Frames piped into ffmpeg (the binary imageio-ffmpeg ships), encoded as H.264.

    ffmpeg's own messages go to a temp file, not the terminal: a failure (a full disk) is one
    VideoError line with ffmpeg's reason; the whole text goes to the log.
    """

    def __init__(self, path: Path, size: tuple[int, int], fps: int) -> None:
        ffmpeg = _optional("imageio_ffmpeg", "MP4")
        self.path, self.frames = path, 0
        self._said = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close or abort)
        command = [ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo",
                   "-vcodec", "rawvideo", "-s", f"{size[0]}x{size[1]}", "-pix_fmt", "rgb24",
                   "-r", str(fps), "-i", "-", "-an", "-vcodec", "libx264", "-pix_fmt", "yuv420p",
                   "-preset", "veryfast", "-crf", "20", str(_partial(path))]
        self._ffmpeg = subprocess.Popen(command, stdin=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL, stderr=self._said)

    def write(self, rgb: bytes) -> None:
        assert self._ffmpeg.stdin is not None
        try:
            self._ffmpeg.stdin.write(rgb)
        except OSError:  # ffmpeg stopped (a broken pipe): its messages say why
            raise VideoError(self._failure()) from None
        self.frames += 1

    def close(self) -> None:
        assert self._ffmpeg.stdin is not None
        with contextlib.suppress(OSError):
            self._ffmpeg.stdin.close()
        if self._ffmpeg.wait() != 0:
            raise VideoError(self._failure())
        self._said.close()
        os.replace(_partial(self.path), self.path)

    def abort(self) -> None:
        if self._ffmpeg.poll() is None:
            self._ffmpeg.kill()
        self._ffmpeg.wait()
        with contextlib.suppress(OSError):
            self._ffmpeg.stdin.close()  # type: ignore[union-attr]
        self._said.close()
        _drop(_partial(self.path))

    def _failure(self) -> str:
        """Why ffmpeg stopped, on one line; its whole text to the log."""
        try:
            status = self._ffmpeg.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._ffmpeg.kill()
            status = self._ffmpeg.wait()
        self._said.seek(0)
        text = self._said.read().decode("utf-8", "replace")
        log.info("ffmpeg stopped (status %s) writing %s:\n%s", status, self.path, text)
        return f"cannot write {self.path}: {ffmpeg_reason(text, status)}"


def ffmpeg_reason(text: str, status: int) -> str:
    """The reason in ffmpeg's first error line, without its "[muxer @ 0x…]" prefix and what it
    was doing ("Could not write header …: No space left on device" → the part after)."""
    for line in text.splitlines():
        line = re.sub(r"^\[[^]]*\]\s*", "", line).strip()
        if line:
            return limits.one_line(line.rsplit(": ", 1)[-1])
    return f"ffmpeg stopped with status {status}"


@dataclass
class _Waiting:
    """The newest distinct frame: written when a different one comes (or at close), since each
    identical frame after it only lengthens its delay."""

    frame: Any  # a PIL image in palette mode
    changed: tuple[int, int, int, int] | None  # the part that changed, None for the first
    delay: int  # milliseconds


class GifWriter:
    """Keeps every GIF_STEP-th frame (GIF timing cannot show 60 fps) and streams it to the file:
    only the newest frame waits in memory, the same bytes Pillow's `save_all` writes.

    A GIF delay is a whole number of hundredths of a second, so 1/30 s alternates 3 and 4 of
    them (30, 40, 30 ms …) and the clip keeps time. A frame identical to the one before merges
    into a longer delay: the frames are fewer, the time the same. Each frame after the first
    holds only the rectangle that changed, with its own palette.
    """

    def __init__(self, path: Path, size: tuple[int, int], fps: int) -> None:
        self._image = _optional("PIL.Image", "GIF")
        self._gif = _optional("PIL.GifImagePlugin", "GIF")
        self._chops = _optional("PIL.ImageChops", "GIF")
        self.path, self.size, self.fps = path, size, fps
        self.frames = self._kept = self._written = 0
        self._file = open(_partial(path), "wb")  # noqa: SIM115 (closed by close or abort)
        self._waiting: _Waiting | None = None

    def write(self, rgb: bytes) -> None:
        if self.frames % GIF_STEP == 0:
            frame = self._image.frombytes("RGB", self.size, rgb).quantize(
                colors=64, method=self._image.Quantize.MEDIANCUT)
            self._keep(frame, self._delay(self._kept))
            self._kept += 1
        self.frames += 1

    def _delay(self, k: int) -> int:
        """Milliseconds of the k-th kept frame: whole hundredths that add up to the clip's time."""
        step = 100 * GIF_STEP / self.fps
        return 10 * (round((k + 1) * step) - round(k * step))

    def _keep(self, frame: Any, delay: int) -> None:
        self._gif.getheader(frame, None, {"optimize": False})  # the palette as the saver has it
        waiting = self._waiting
        if waiting is None:
            self._waiting = _Waiting(frame, None, delay)
            return
        changed = self._changed(waiting.frame, frame)
        if changed is None:
            waiting.delay += delay
            return
        self._write_waiting()
        self._waiting = _Waiting(frame, changed, delay)

    def _changed(self, before: Any, after: Any) -> tuple[int, int, int, int] | None:
        if bytes(before.palette.palette) != bytes(after.palette.palette):
            before, after = before.convert("RGBA"), after.convert("RGBA")
        box: tuple[int, int, int, int] | None = self._chops.subtract_modulo(
            after, before).getbbox(alpha_only=False)
        return box

    def _write_waiting(self) -> None:
        waiting = self._waiting
        assert waiting is not None
        info = {"loop": 0, "duration": waiting.delay, "disposal": 1, "optimize": False}
        frame, box = waiting.frame, waiting.changed
        if box is None:  # the first frame: the file's header with its palette
            chunks = self._gif.getheader(frame, None, dict(info))[0]
            chunks += self._gif.getdata(frame, (0, 0), **info)
        else:
            part = frame if box == (0, 0, *frame.size) else frame.crop(box)
            chunks = self._gif.getdata(part, box[:2], include_color_table=True, **info)
        for chunk in chunks:
            self._file.write(chunk)
        self._written += 1

    def close(self) -> None:
        waiting = self._waiting
        if waiting is None:  # no frame, no file
            self.abort()
            return
        if self._written == 0:  # one picture all along: a still GIF, as Pillow writes it
            waiting.frame.save(self._file, format="GIF", loop=0, duration=waiting.delay,
                               disposal=1, optimize=False)
        else:
            self._write_waiting()
            self._file.write(b";")
        self._file.close()
        os.replace(_partial(self.path), self.path)

    def abort(self) -> None:
        self._waiting = None
        with contextlib.suppress(OSError):
            self._file.close()  # what it still buffers cannot matter: the file goes
        _drop(_partial(self.path))


WRITERS: dict[str, type[Mp4Writer] | type[GifWriter]] = {".mp4": Mp4Writer, ".gif": GifWriter}


def open_writer(path: str | Path, size: tuple[int, int], fps: int = config.FRAME_RATE
                ) -> FrameWriter:
    """A writer for `path`, chosen by its extension (.mp4 or .gif)."""
    target = Path(path)
    kind = WRITERS.get(target.suffix.lower())
    if kind is None:
        raise VideoError(f"cannot write {target}: choose a .mp4 or .gif file")
    target.parent.mkdir(parents=True, exist_ok=True)
    return kind(target, size, fps)


def count_frames(path: str | Path, fps: int = config.FRAME_RATE) -> int:
    """Frames in a written video (reads it back). A GIF's are counted by its delays, at the
    GIF's rate (fps / GIF_STEP), so frames Pillow merged still count."""
    target = Path(path)
    if target.suffix.lower() == ".gif":
        with _optional("PIL.Image", "GIF").open(target) as image:
            total = 0
            for k in range(int(getattr(image, "n_frames", 1))):
                image.seek(k)
                total += int(image.info.get("duration", 0))
        return round(total * fps / (1000 * GIF_STEP))
    ffmpeg = _optional("imageio_ffmpeg", "MP4")
    frames, _ = ffmpeg.count_frames_and_secs(str(target))
    return int(frames)
