"""Video files from rendered frames: MP4 (imageio-ffmpeg) and GIF (Pillow).

Both encoders come with the optional `record` extra; the packaged game does not bundle them.
Without it, opening a writer raises a VideoError that says what to install. No pygame here:
frames arrive as raw RGB bytes. Neither holds the clip in memory: an MP4's frames go on to
ffmpeg as they come, a GIF's to a compressed spool until its palette is fitted to the whole clip.
Each file is written beside the target and moved into place when complete; a failure (a full
disk) is one line, and the unfinished files go.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import re
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from game import config, limits

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'agent-town[record]'"
# GIF delays are counted in hundredths of a second: every 3rd frame of 60 is 20 fps, 5 exactly
# (every 2nd made 30 fps of 3 and 4 hundredths, and half again as many frames to store).
GIF_STEP = 3
PALETTE_COLORS = 256  # a GIF's one palette, fitted to the clip
PALETTE_SAMPLES = 32  # half-size frames, spread over the clip, the palette is fitted to


GIF_SIZE = (480, 270)  # a GIF's default size: 5 s of the town in presentation weigh ~4.5 MB
MIN_SIZE, MAX_SIZE = (64, 36), (3840, 2160)


def parse_size(text: str) -> tuple[int, int]:
    """A video's size "WxH" (even numbers, as H.264 needs); ValueError in words."""
    width, sep, height = text.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()):
        raise ValueError(f"a size is WIDTHxHEIGHT, e.g. 640x360, got {text[:40]!r}")
    size = (int(width), int(height))
    if not all(lo <= v <= hi for v, lo, hi in zip(size, MIN_SIZE, MAX_SIZE, strict=True)):
        raise ValueError(f"a size is from {MIN_SIZE[0]}x{MIN_SIZE[1]} to "
                         f"{MAX_SIZE[0]}x{MAX_SIZE[1]}, got {text[:40]!r}")
    if size[0] % 2 or size[1] % 2:
        raise ValueError(f"a video's width and height are even numbers, got {text[:40]!r}")
    return size


def default_size(path: str | Path) -> tuple[int, int]:
    """The size a video is written at unless told: the window's, a GIF's smaller."""
    return GIF_SIZE if Path(path).suffix.lower() == ".gif" else config.WINDOW_SIZE


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


def _spool(path: Path) -> Path:
    """Where a GIF's frames wait, compressed, until its palette is known."""
    return path.with_name(f".{path.stem}.frames")


def _drop(partial: Path) -> None:
    """Remove an unfinished video; whatever stands in the way, the failure is told already."""
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)


def _optional(module: str, what: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise VideoError(missing_encoder(what)) from None


def missing_encoder(what: str) -> str:
    """What to do without the encoders: install the extra, or (in the packaged executable,
    where pip cannot add to the program) what the executable itself offers."""
    if getattr(sys, "frozen", False):
        return (f"{what} export is not part of the packaged game: open the history in the "
                f"window and press F12 for screenshots, or record the window with a screen "
                f"recorder")
    return f"{what} export needs the optional 'record' extra: {INSTALL_HINT}"


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
    """Keeps every GIF_STEP-th frame (GIF timing cannot show 60 fps), all in one palette fitted
    to the clip, each frame after the first as only the rectangle that changed.

    Two passes, in little memory whatever the clip's length: while the render goes on, each kept
    frame goes (compressed) to a spool file beside the target, and a half-size copy of frames
    spread over the whole clip is kept; at close one palette is fitted to those copies and the
    spooled frames are mapped to it without dithering, so what did not change on screen maps to
    the same bytes (a palette of each frame's own made every frame differ everywhere: a 5 s GIF
    weighed 14 MB). A GIF delay is a whole number of hundredths of a second: other rates than
    20 fps alternate them so that the clip keeps time; a frame identical to the one before
    merges into a longer delay.
    """

    def __init__(self, path: Path, size: tuple[int, int], fps: int) -> None:
        self._image = _optional("PIL.Image", "GIF")
        self._gif = _optional("PIL.GifImagePlugin", "GIF")
        self._chops = _optional("PIL.ImageChops", "GIF")
        self.path, self.size, self.fps = path, size, fps
        self.frames = self._kept = self._written = 0
        self._file = open(_partial(path), "wb")  # noqa: SIM115 (closed by close or abort)
        self._spool = open(_spool(path), "w+b")  # noqa: SIM115 (closed by close or abort)
        self._samples: list[Any] = []
        self._every = 1  # a sample every `_every` kept frames: doubles as the clip grows
        self._waiting: _Waiting | None = None

    def write(self, rgb: bytes) -> None:
        if self.frames % GIF_STEP == 0:
            packed = zlib.compress(rgb, 1)
            self._spool.write(len(packed).to_bytes(4, "little") + packed)
            if self._kept % self._every == 0:
                self._sample(rgb)
            self._kept += 1
        self.frames += 1

    def _sample(self, rgb: bytes) -> None:
        """Keep a small copy for the palette; past PALETTE_SAMPLES, every other one goes and
        samples come half as often: they stay spread evenly over the clip."""
        image = self._image.frombytes("RGB", self.size, rgb)
        self._samples.append(image.reduce(2) if min(self.size) >= 32 else image)
        if len(self._samples) > PALETTE_SAMPLES:
            self._samples = self._samples[::2]
            self._every *= 2

    def _palette(self) -> Any:
        """One palette for the clip: median cut over the samples side by side."""
        width, height = self._samples[0].size
        sheet = self._image.new("RGB", (width, height * len(self._samples)))
        for k, sample in enumerate(self._samples):
            sheet.paste(sample, (0, k * height))
        return sheet.quantize(colors=PALETTE_COLORS, method=self._image.Quantize.MEDIANCUT)

    def _spooled(self) -> Iterator[bytes]:
        self._spool.seek(0)
        for _ in range(self._kept):
            size = int.from_bytes(self._spool.read(4), "little")
            yield zlib.decompress(self._spool.read(size))

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
        changed = self._chops.subtract_modulo(frame, waiting.frame).getbbox(alpha_only=False)
        if changed is None:
            waiting.delay += delay
            return
        self._write_waiting()
        self._waiting = _Waiting(frame, changed, delay)

    def _write_waiting(self) -> None:
        waiting = self._waiting
        assert waiting is not None
        info = {"loop": 0, "duration": waiting.delay, "disposal": 1, "optimize": False}
        frame, box = waiting.frame, waiting.changed
        if box is None:  # the first frame: the file's header with the clip's palette
            chunks = self._gif.getheader(frame, None, dict(info))[0]
            chunks += self._gif.getdata(frame, (0, 0), **info)
        else:
            part = frame if box == (0, 0, *frame.size) else frame.crop(box)
            chunks = self._gif.getdata(part, box[:2], include_color_table=False, **info)
        for chunk in chunks:
            self._file.write(chunk)
        self._written += 1

    def close(self) -> None:
        if self._kept == 0:  # no frame, no file
            self.abort()
            return
        palette = self._palette()
        for k, rgb in enumerate(self._spooled()):
            frame = self._image.frombytes("RGB", self.size, rgb).quantize(
                palette=palette, dither=self._image.Dither.NONE)
            self._keep(frame, self._delay(k))
        waiting = self._waiting
        assert waiting is not None
        if self._written == 0:  # one picture all along: a still GIF, as Pillow writes it
            waiting.frame.save(self._file, format="GIF", loop=0, duration=waiting.delay,
                               disposal=1, optimize=False)
        else:
            self._write_waiting()
            self._file.write(b";")
        self._file.close()
        self._drop_spool()
        os.replace(_partial(self.path), self.path)

    def abort(self) -> None:
        self._waiting = None
        with contextlib.suppress(OSError):
            self._file.close()  # what it still buffers cannot matter: the file goes
        self._drop_spool()
        _drop(_partial(self.path))

    def _drop_spool(self) -> None:
        with contextlib.suppress(OSError):
            self._spool.close()
        _drop(_spool(self.path))


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
