"""The story, searchable: what a scrollable, filterable feed and a zoomable timeline cost.

Old (main, `OLD_TREE`, imported first on sys.path in a child process) and new (this tree) are
measured side by side, alternating, medians of `ROUNDS` child runs, at 1280×720 on the dummy
driver:
- scrub: a full-HUD frame while the knob is dragged across a 10-day `town` trace, one seek a
  frame (each frame a new moment: the feed, now 200 rows deep, is read again); median and p95;
- fast: a frame at 16× on `town` (about five ticks a frame), median and p99.
New only: the same scrub with the timeline zoomed eight notches in (marks redrawn as the view
changes), and the first and second letter typed into the feed's search on the 10-day trace
(the first reads the whole history, the second narrows the first's matches).

    OPENBLAS_NUM_THREADS=1 python benchmarks/story_speed.py [OLD_TREE]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROUNDS = 3
HERE = Path(__file__).resolve().parent.parent
CHILD = r'''
import json, os, statistics, sys, time
os.environ["SDL_VIDEODRIVER"] = "dummy"; os.environ["SDL_AUDIODRIVER"] = "dummy"
import pygame
from game import config
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.assets import Assets
from game.view.intents import ChangeDetail, Select
from game.view.window import FIXED_DT
pygame.init(); pygame.display.set_mode((1280, 720))
assets = Assets.load()
case = sys.argv[1]
out = {}

def post(kind, **attrs):
    pygame.event.post(pygame.event.Event(kind, attrs))

def timed(app, frames, before):
    times = []
    for k in range(frames):
        before(k)
        start = time.perf_counter()
        app.frame(FIXED_DT)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times[20:])

if case in ("scrub", "zoomed", "search"):
    timeline = Timeline("town", seed=7)
    timeline.advance(10 * config.DAY_TICKS)
    app = App(timeline, speed=1, reproducible=True, assets=assets)
    app.apply(Select(3)); app.apply(ChangeDetail(2))
    app.frame(FIXED_DT)
    track = app.widgets.timebar.track_rect
    if case == "search":
        from game.view.intents import SearchFeed
        for n, query in enumerate(("a", "an")):
            start = time.perf_counter()
            app.apply(SearchFeed(query)); app.frame(0.0)
            out[f"letter{n + 1}"] = (time.perf_counter() - start) * 1000
    else:
        if case == "zoomed":
            for _ in range(8):
                post(pygame.MOUSEMOTION, pos=track.center, rel=(0, 0), buttons=(0, 0, 0))
                post(pygame.MOUSEWHEEL, x=0, y=1, flipped=False)
                app.frame(0.0)
        post(pygame.MOUSEBUTTONDOWN, pos=(track.right - 1, track.centery), button=1)
        def drag(k):
            sweep = 3 * k % (2 * track.w)
            x = track.right - 1 - (sweep if sweep < track.w else 2 * track.w - sweep)
            post(pygame.MOUSEMOTION, pos=(x, track.centery), rel=(0, 0), buttons=(1, 0, 0))
        times = timed(app, 420, drag)
        out["median"] = statistics.median(times); out["p95"] = times[int(len(times) * .95)]
else:
    timeline = Timeline("town", seed=7)
    timeline.advance(200)
    app = App(timeline, speed=16, reproducible=True, assets=assets)
    times = timed(app, 620, lambda k: None)
    out["median"] = statistics.median(times); out["p99"] = times[int(len(times) * .99)]
print(json.dumps(out))
'''


def run(tree: Path, case: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "OPENBLAS_NUM_THREADS": "1",
           "PYGAME_HIDE_SUPPORT_PROMPT": "1", "AGENT_TOWN_HOME": "/tmp/story-bench-home"}
    done = subprocess.run([sys.executable, "-c", CHILD, case], env=env, cwd=tree, check=True,
                          capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    old = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/old-story")
    for case in ("scrub", "fast"):
        runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
        for _ in range(ROUNDS):
            for name, tree in (("old", old), ("new", HERE)):
                runs[name].append(run(tree, case))
        for stat in runs["new"][0]:
            for name in ("old", "new"):
                value = statistics.median(r[stat] for r in runs[name])
                print(f"{case}_{stat}_{name}: {value:.2f} ms")
    for case in ("zoomed", "search"):
        results = [run(HERE, case) for _ in range(ROUNDS)]
        for stat in results[0]:
            print(f"{case}_{stat}_new: {statistics.median(r[stat] for r in results):.2f} ms")


if __name__ == "__main__":
    main()
