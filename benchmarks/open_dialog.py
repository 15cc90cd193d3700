"""What the open dialog and sound cost the window.

- list: milliseconds to list a saves folder of --saves histories (two days, a card every few
  hours, a branch every few files), old (`overlays.readable_towns`: names and times only) and
  new (`picker.list_saves`: each file's header read and checked, nothing re-simulated), medians
  of --runs alternating runs;
- sound per frame: microseconds of `Sound.follow` + `Sound.hear` for one frame of 16× events
  (new only: the old window had no sound).

Usage: python benchmarks/open_dialog.py [--old /tmp/old-NAME] [--saves 50] [--runs 7]
(the old side is a `git worktree add --detach /tmp/old-NAME main`). Prints `name: value unit`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parent.parent


def old_lister(old: Path) -> ModuleType:
    """The old tree's overlays module, imported under its own package name."""
    saved = {k: v for k, v in sys.modules.items() if k == "game" or k.startswith("game.")}
    for k in saved:
        del sys.modules[k]
    sys.path.insert(0, str(old))
    try:
        return importlib.import_module("game.view.overlays")
    finally:
        sys.path.remove(str(old))
        for k in [k for k in sys.modules if k == "game" or k.startswith("game.")]:
            del sys.modules[k]
        sys.modules.update(saved)


def write_saves(folder: Path, count: int) -> None:
    from game import config
    from game.trace import store
    from game.trace.timeline import Timeline

    timeline = Timeline("town", 7)
    for day_hour in range(0, 2 * config.DAY_TICKS, config.DAY_TICKS // 8):
        timeline.advance(day_hour - timeline.cursor)
        timeline.play("festival" if day_hour % 3 else "storm")
    for k in range(count):
        if k % 10 == 9:
            timeline.seek(timeline.cursor - 50)
            timeline.play("storm")  # a branch
            timeline.advance(60)
        store.save(timeline, folder / f"town-{k:03d}.town")


def timed(fn: object, folder: Path) -> float:
    start = time.perf_counter()
    fn(folder)  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def sound_frame_us(frames: int = 600) -> float:
    from game.sim.events import Record
    from game.userfiles.settings import Settings
    from game.view.sound import Sound

    sound = Sound.start(Settings())
    events = [Record(1, k, op, (0,), -1, -1, True, None, "", None, 0, 0.0, None, {})
              for k, op in enumerate(["greet", "walk", "gossip", "dispute", "trade"] * 4)]
    start = time.perf_counter()
    for frame in range(frames):
        sound.follow(frame * 5.0)
        sound.hear(events, frame / 60)
    took = (time.perf_counter() - start) / frames * 1e6
    sound.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, default=Path("/tmp/old-sound"))
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from game.view import picker

    old = old_lister(args.old)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_saves(folder, args.saves)
        olds, news = [], []
        for _ in range(args.runs):
            olds.append(timed(old.readable_towns, folder))
            news.append(timed(picker.list_saves, folder))
        print(f"list {args.saves} saves old (names and times): "
              f"{statistics.median(olds):.2f} ms")
        print(f"list {args.saves} saves new (headers read): {statistics.median(news):.2f} ms")
        size = sum(p.stat().st_size for p in folder.glob("*.town")) / args.saves
        print(f"save file size: {size / 1024:.1f} KiB")
    print(f"sound per frame (16x events): {sound_frame_us():.1f} us")


if __name__ == "__main__":
    main()
