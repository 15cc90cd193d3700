"""Video files from rendered frames: MP4 (imageio-ffmpeg) and GIF (Pillow).

Both encoders come with the optional `record` extra; the packaged game does not bundle them.
Without it, opening a writer raises a VideoError that says what to install. No pygame here:
frames arrive as raw RGB bytes.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Generator
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from game import config

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


def _optional(module: str, what: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise VideoError(f"{what} export needs the optional 'record' extra: {INSTALL_HINT}"
                         ) from None


class Mp4Writer:
    def __init__(self, path: Path, size: tuple[int, int], fps: int) -> None:
        ffmpeg = _optional("imageio_ffmpeg", "MP4")
        self.path, self.frames = path, 0
        self._gen: Generator[Any, bytes | None, None] = ffmpeg.write_frames(
            str(_partial(path)), size, fps=fps, codec="libx264", pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p", output_params=["-preset", "veryfast", "-crf", "20"],
            macro_block_size=1, ffmpeg_log_level="error")
        self._gen.send(None)

    def write(self, rgb: bytes) -> None:
        self._gen.send(rgb)
        self.frames += 1

    def close(self) -> None:
        self._gen.close()
        os.replace(_partial(self.path), self.path)

    def abort(self) -> None:
        self._gen.close()
        _partial(self.path).unlink(missing_ok=True)


class GifWriter:
    """Collects every GIF_STEP-th frame (GIF timing cannot show 60 fps) and writes on close.

    A GIF delay is a whole number of hundredths of a second, so 1/30 s alternates 3 and 4 of
    them (30, 40, 30 ms …) and the clip keeps time. Pillow merges a frame identical to the one
    before into a longer delay: the frames are fewer, the time the same.
    """

    def __init__(self, path: Path, size: tuple[int, int], fps: int) -> None:
        self._image = _optional("PIL.Image", "GIF")
        self.path, self.size, self.fps = path, size, fps
        self.frames = 0
        self._kept: list[Any] = []

    def write(self, rgb: bytes) -> None:
        if self.frames % GIF_STEP == 0:
            frame = self._image.frombytes("RGB", self.size, rgb)
            self._kept.append(frame.quantize(colors=64, method=self._image.Quantize.MEDIANCUT))
        self.frames += 1

    def close(self) -> None:
        if not self._kept:
            return
        first, *rest = self._kept
        hundredths = [round(k * 100 * GIF_STEP / self.fps) for k in range(len(self._kept) + 1)]
        delays = [10 * (b - a) for a, b in pairwise(hundredths)]
        first.save(_partial(self.path), save_all=True, append_images=rest, loop=0,
                   optimize=False, duration=delays, disposal=1)
        os.replace(_partial(self.path), self.path)

    def abort(self) -> None:
        self._kept.clear()


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
