"""Video writers: frame counts read back, atomic files, a clear message without the extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from game.demos import video

SIZE = (64, 36)


def frames(n: int) -> list[bytes]:
    return [bytes([(k * 7) % 256, 80, 160]) * (SIZE[0] * SIZE[1]) for k in range(n)]


def test_mp4_has_every_frame(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    writer = video.open_writer(path, SIZE, 60)
    for f in frames(30):
        writer.write(f)
    writer.close()
    assert video.count_frames(path) == 30
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_gif_keeps_every_third_frame(tmp_path: Path) -> None:
    path = tmp_path / "clip.gif"
    writer = video.open_writer(path, SIZE, 60)
    for f in frames(21):
        writer.write(f)
    writer.close()
    assert video.count_frames(path) == 7  # 20 fps


def test_an_aborted_render_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"old video")
    writer = video.open_writer(path, SIZE, 60)
    writer.write(frames(1)[0])
    writer.abort()
    assert path.read_bytes() == b"old video"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_without_the_record_extra_the_message_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    for name in ("clip.mp4", "clip.gif"):
        with pytest.raises(video.VideoError, match=r"agent-town\[record\]"):
            video.open_writer(tmp_path / name, SIZE)


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(video.VideoError, match=r"choose a \.mp4 or \.gif"):
        video.open_writer(tmp_path / "clip.avi", SIZE)


def test_a_gif_keeps_time_even_when_still_frames_merge(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "still.gif"
    writer = video.open_writer(path, SIZE, 60)
    still = frames(1)[0]
    for f in [still] * 40 + frames(20):
        writer.write(f)
    writer.close()
    with Image.open(path) as gif:
        delays = []
        for k in range(gif.n_frames):
            gif.seek(k)
            delays.append(gif.info["duration"])
    assert sum(delays) == 1000  # 60 frames at 60 fps: one second
    assert len(delays) < 20  # the still opening is one long frame
    assert video.count_frames(path) == 20
