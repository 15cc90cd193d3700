"""The GIF writer: one palette fitted to the whole clip, each frame after the first only the
rectangle that changed, the clip spooled to disk (compressed) rather than held in memory;
ffmpeg's failures are one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from game.demos import video

SIZE = (96, 54)


def picture(k: int) -> bytes:
    """A frame: a background that shifts a little each frame and more every 8, and a block
    that moves each frame."""
    image = Image.new("RGB", SIZE, ((k // 8) * 40 % 256, 90, 200 - k % 7))
    image.paste((250, 240, 10), (k % 80, 10, k % 80 + 12, 30))
    return image.tobytes()


def written(path: Path, rgb_frames: list[bytes], fps: int = 60) -> Path:
    writer = video.open_writer(path, SIZE, fps)
    for rgb in rgb_frames:
        writer.write(rgb)
    writer.close()
    return path


def shown(path: Path) -> list[Image.Image]:
    """Every picture the GIF shows, composed as a viewer composes it."""
    pictures = []
    with Image.open(path) as gif:
        for k in range(gif.n_frames):
            gif.seek(k)
            pictures.append(gif.convert("RGB"))
    return pictures


CLIPS = {
    "moving": [picture(k) for k in range(60)],
    "still-then-moving": [picture(0)] * 30 + [picture(k) for k in range(30)],
    "moving-then-still": [picture(k) for k in range(20)] + [picture(19)] * 25,
    "one-still-picture": [picture(3)] * 17,
    "one-frame": [picture(5)],
}


@pytest.mark.parametrize("clip", CLIPS, ids=list(CLIPS))
def test_every_picture_of_the_gif_is_the_frame_it_kept(tmp_path: Path, clip: str) -> None:
    frames = CLIPS[clip]
    gif = shown(written(tmp_path / "clip.gif", frames))
    distinct = [Image.frombytes("RGB", SIZE, rgb) for rgb in frames[::video.GIF_STEP]]
    distinct = [a for k, a in enumerate(distinct) if k == 0 or a.tobytes() != distinct[k - 1]
                .tobytes()]
    assert len(gif) == len(distinct)
    for got, want in zip(gif, distinct, strict=True):  # colours from one palette, as they were
        assert max(hi for _, hi in ImageChops.difference(got, want).getextrema()) <= 8
    assert {p.name for p in tmp_path.iterdir()} == {"clip.gif"}  # the spool went


def block(k: int) -> bytes:
    """A frame: a background that shifts hue every 8 frames and a block that moves each frame."""
    image = Image.new("RGB", SIZE, ((k // 8) * 40 % 256, 90, 200))
    image.paste((250, 240, 10), (k % 80, 10, k % 80 + 12, 30))
    return image.tobytes()


def test_the_clip_has_one_palette_and_each_frame_only_what_changed(tmp_path: Path) -> None:
    frames = [block(k) for k in range(60)]
    with Image.open(written(tmp_path / "clip.gif", frames)) as gif:
        boxes = []
        for k in range(1, gif.n_frames):
            gif.seek(k)
            boxes.append(gif.dispose_extent if hasattr(gif, "dispose_extent") else gif.tile[0][1])
            assert "palette" not in gif.info or k == 0  # no colour table of its own
    # A moving 12×20 block over a background that changes every 8 frames: most frames are
    # the block's rectangle, not the whole picture.
    small = [b for b in boxes if (b[2] - b[0]) * (b[3] - b[1]) < SIZE[0] * SIZE[1] // 2]
    assert len(small) >= len(boxes) * 2 // 3


def test_the_palette_is_fitted_to_the_whole_clip_not_its_first_frame(tmp_path: Path) -> None:
    # Grey for a second, then a red square: a palette of the first frame has no red.
    grey = Image.new("RGB", SIZE, (128, 128, 128))
    red = grey.copy()
    red.paste((220, 20, 30), (20, 10, 60, 40))
    gif = shown(written(tmp_path / "clip.gif", [grey.tobytes()] * 60 + [red.tobytes()] * 4))
    assert gif[-1].getpixel((30, 20)) == (220, 20, 30)


def test_frames_reach_the_disk_while_the_render_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "clip.gif"
    spool = tmp_path / ".clip.frames"
    writer = video.open_writer(path, SIZE, 60)
    sizes = []
    for k in range(80):
        writer.write(picture(k))
        if k % 20 == 19:
            writer._spool.flush()  # type: ignore[attr-defined]  # what is on disk so far
            sizes.append(spool.stat().st_size)
    assert sizes == sorted(sizes) and sizes[0] > 0 and len(set(sizes)) == len(sizes)
    writer.close()
    assert not spool.exists() and video.count_frames(path) == 27  # 80 frames, every 3rd


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
