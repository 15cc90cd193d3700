"""Memory of the window's recording path: `town` played for an hour at 16× (1,152,000 ticks).

Each tree runs in a process of its own, one `Timeline.advance(1)` at a time as the window plays
(keyframes and metrics samples as the window keeps them), and prints:
  rss end              resident memory at the end
  rss peak             the most it held
  bytes per event      RSS growth / events, in a second run without keyframes (the events,
                       the metrics samples and whatever else grows with the history)
  event store          the columns' own bytes per event (this tree only)
Goals: ≤ 150 B per event, ≤ 200 MB at the end (main: ≈2 KB and 455 MB).

    python benchmarks/memory.py [--minutes 60] [--old /tmp/old-lean]

`--old` is a checkout of main (`git worktree add --detach /tmp/old-lean main`), imported through
sys.path, measured first with the same method.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
TICKS_PER_MINUTE = 60 * 20 * 16  # an hour at 16×: 1,152,000 ticks


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def record(tree: str, minutes: float, keyframes: bool) -> dict[str, float]:
    """Play `town` for `minutes` at 16× in the tree at `tree` (this process only)."""
    sys.path.insert(0, tree)
    from game import config, limits
    from game.trace.timeline import Timeline

    ticks = int(minutes * TICKS_PER_MINUTE)
    # An hour at 16× is twice the history limit (a year, an hour at 8×): lifted for this run.
    limits.MAX_TICKS = max(limits.MAX_TICKS, ticks)  # type: ignore[misc]

    timeline = Timeline("town", 7, keyframe_budget_mb=config.KEYFRAME_BUDGET_MB if keyframes
                        else 0.0)
    start_mb = rss_mb()
    events = 0
    began = time.process_time()
    for _ in range(ticks):
        events += len(timeline.advance(1))
    seconds = time.process_time() - began
    end_mb = rss_mb()
    keyframes_mb = timeline.keyframe_memory() / 1024 / 1024
    out = {"rss_end": end_mb, "rss_peak": rss_mb("VmHWM"), "events": events,
           "bytes_per_event": (end_mb - start_mb) * 1024 * 1024 / max(events, 1),
           "keyframes_mb": keyframes_mb, "cpu_s": seconds}
    if hasattr(timeline, "event_bytes"):
        out["store_bytes_per_event"] = timeline.event_bytes() / max(events, 1)
    return out


def measure(tree: str, minutes: float, keyframes: bool) -> dict[str, float]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, __file__, "--child", tree, "--minutes", str(minutes),
                           *(["--keyframes"] if keyframes else [])],
                          check=True, capture_output=True, text=True, env=env)
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="minutes at 16× (60)")
    parser.add_argument("--old", help="a checkout of main to measure side by side")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--keyframes", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(record(args.child, args.minutes, args.keyframes)))
        return
    trees = ([("old", args.old)] if args.old else []) + [("new", str(HERE))]
    ticks = int(args.minutes * TICKS_PER_MINUTE)
    print(f"ticks: {ticks} ticks (town, {args.minutes:g} min at 16×)")
    for label, tree in trees:
        r = measure(tree, args.minutes, keyframes=True)
        bare = measure(tree, args.minutes, keyframes=False)
        print(f"events ({label}): {r['events']:.0f} events")
        print(f"rss end ({label}): {r['rss_end']:.1f} MB")
        print(f"rss peak ({label}): {r['rss_peak']:.1f} MB")
        print(f"keyframes ({label}): {r['keyframes_mb']:.1f} MB")
        print(f"bytes per event ({label}): {bare['bytes_per_event']:.0f} B")
        if "store_bytes_per_event" in r:
            print(f"event store ({label}): {r['store_bytes_per_event']:.0f} B per event")
        print(f"cpu ({label}): {r['cpu_s']:.1f} s")


if __name__ == "__main__":
    main()
