"""The GIF writer streams its frames to the file as they come (only the newest waits), writing
the very bytes Pillow's `save_all` wrote when every frame was held in memory; ffmpeg's failures
are one line."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from PIL import Image

from game.demos import video

SIZE = (96, 54)


def picture(k: int) -> bytes:
    """A frame: a background that shifts hue every 8 frames and a block that moves each frame."""
    image = Image.new("RGB", SIZE, ((k // 8) * 40 % 256, 90, 200 - k % 7))
    image.paste((250, 240, 10), (k % 80, 10, k % 80 + 12, 30))
    return image.tobytes()


def held_in_memory(path: Path, rgb_frames: list[bytes], fps: int) -> None:
    """The writer as it was: every kept frame in a list, saved at the end by Pillow."""
    kept = [Image.frombytes("RGB", SIZE, rgb).quantize(colors=64, method=Image.Quantize.MEDIANCUT)
            for rgb in rgb_frames[::video.GIF_STEP]]
    hundredths = [round(k * 100 * video.GIF_STEP / fps) for k in range(len(kept) + 1)]
    delays = [10 * (b - a) for a, b in pairwise(hundredths)]
    first, *rest = kept
    first.save(path, save_all=True, append_images=rest, loop=0, optimize=False,
               duration=delays, disposal=1)


CLIPS = {
    "moving": [picture(k) for k in range(60)],
    "still-then-moving": [picture(0)] * 30 + [picture(k) for k in range(30)],
    "moving-then-still": [picture(k) for k in range(20)] + [picture(19)] * 25,
    "one-still-picture": [picture(3)] * 17,
    "one-frame": [picture(5)],
}


@pytest.mark.parametrize("clip", CLIPS, ids=list(CLIPS))
@pytest.mark.parametrize("fps", [60, 24])
def test_the_streamed_gif_is_byte_for_byte_what_pillow_wrote_holding_every_frame(
        tmp_path: Path, clip: str, fps: int) -> None:
    streamed, held = tmp_path / "streamed.gif", tmp_path / "held.gif"
    writer = video.open_writer(streamed, SIZE, fps)
    for rgb in CLIPS[clip]:
        writer.write(rgb)
    writer.close()
    held_in_memory(held, CLIPS[clip], fps)
    assert streamed.read_bytes() == held.read_bytes()
    assert {p.name for p in tmp_path.iterdir()} == {"held.gif", "streamed.gif"}


def test_frames_reach_the_file_while_the_render_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "clip.gif"
    partial = tmp_path / ".clip.partial.gif"
    writer = video.open_writer(path, SIZE, 60)
    sizes = []
    for k in range(80):
        writer.write(picture(k))
        if k % 20 == 19:
            writer._file.flush()  # type: ignore[attr-defined]  # what is on disk so far
            sizes.append(partial.stat().st_size)
    assert sizes == sorted(sizes) and sizes[0] > 0 and len(set(sizes)) == len(sizes)
    writer.close()
    assert not partial.exists() and video.count_frames(path) == 40


def test_an_aborted_gif_leaves_neither_a_partial_file_nor_the_target(tmp_path: Path) -> None:
    writer = video.open_writer(tmp_path / "clip.gif", SIZE, 60)
    for k in range(10):
        writer.write(picture(k))
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_a_gif_of_no_frame_is_no_file(tmp_path: Path) -> None:
    video.open_writer(tmp_path / "clip.gif", SIZE, 60).close()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("said", "reason"), [
    ("[out#0/mp4 @ 0x55c9f7035400] Could not write header (incorrect codec parameters ?): "
     "No space left on device\n[vf#0:0 @ 0x55] Error sending frames to consumers: No space left "
     "on device\n", "No space left on device"),
    ("[out#0/mp4 @ 0x1] Error opening output /x/y.mp4: Permission denied\n", "Permission denied"),
    ("Unknown encoder 'libx264'\n", "Unknown encoder 'libx264'"),
    ("\n\n", "ffmpeg stopped with status 1"),
    ("a line with an escape \x1b[2J: \x1b]0;title\x07\n", "\\x1b]0;title\\x07"),
])
def test_ffmpegs_reason_is_one_clean_line(said: str, reason: str) -> None:
    assert video.ffmpeg_reason(said, 1) == reason


def test_an_mp4_that_ffmpeg_cannot_write_is_one_video_error(tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    (tmp_path / ".clip.partial.mp4").mkdir()  # where ffmpeg writes: it cannot open a folder
    writer = video.open_writer(target, SIZE, 60)
    with pytest.raises(video.VideoError) as caught:
        for k in range(200):
            writer.write(picture(k))
        writer.close()
    writer.abort()
    assert str(caught.value) == f"cannot write {target}: Is a directory"
