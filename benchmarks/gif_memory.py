"""GIF export's memory: the peak resident memory of `agent-town render FILE --to 300 --out
x.gif` (a saved `town`, 300 ticks at 1×: 900 frames at 1280×720, 450 of them kept), and its
time, for an old tree and this one side by side, alternating, medians of RUNS each.

Each render runs in its own process (the peak is the process's `ru_maxrss`). The old tree is
given as the first argument (e.g. a `git worktree add --detach /tmp/old main`) and imported via
sys.path; without it only this tree is measured. Also checks that both wrote the same bytes.
Goal: the frames are streamed to the file, not held (889 MB before).
"""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
RUNS = 3
TICKS = 300

RENDER = """
import io, resource, sys, time
sys.path.insert(0, sys.argv[1])
from game.cli import main
start = time.perf_counter()
assert main(["render", sys.argv[2], "--to", sys.argv[4], "--out", sys.argv[3]],
            out=io.StringIO()) == 0
seconds = time.perf_counter() - start
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, seconds)
"""


def render(tree: Path, town: Path, out: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Peak RSS (MB), seconds, and the digest of the GIF written."""
    done = subprocess.run([sys.executable, "-c", RENDER, str(tree), str(town), str(out),
                           str(TICKS)], capture_output=True, text=True, env=env, check=True)
    peak, seconds = map(float, done.stdout.split())
    return peak, seconds, hashlib.sha256(out.read_bytes()).hexdigest()


def main() -> None:
    trees = {"new": HERE}
    if len(sys.argv) > 1:
        trees = {"old": Path(sys.argv[1]).resolve(), **trees}
    work = Path(tempfile.mkdtemp(prefix="gif-memory-"))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "SDL_VIDEODRIVER": "dummy",
           "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1",
           "AGENT_TOWN_HOME": str(work / "home"), "PYTHONPATH": str(HERE)}
    town = work / "town.town"
    subprocess.run([sys.executable, "-m", "game", "run", "--ticks", str(TICKS), "--out",
                    str(town)], env=env, check=True, capture_output=True)
    peaks: dict[str, list[float]] = {name: [] for name in trees}
    times: dict[str, list[float]] = {name: [] for name in trees}
    digests: set[str] = set()
    for _ in range(RUNS):
        for name, tree in trees.items():
            peak, seconds, digest = render(tree, town, work / f"{name}.gif", env)
            peaks[name].append(peak)
            times[name].append(seconds)
            digests.add(digest)
    for name in trees:
        print(f"gif_{TICKS}_ticks_peak_rss_{name}: {statistics.median(peaks[name]):.0f} MB")
        print(f"gif_{TICKS}_ticks_render_{name}: {statistics.median(times[name]):.1f} s")
    print(f"gif_same_bytes: {int(len(digests) == 1)} bool")
    print(f"gif_size: {(work / 'new.gif').stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
