"""How fast the marimo dashboard shows a town, in a real headless Chromium: this checkout's, or
old and new side by side (old: the code of `--old`, a worktree of main; its dashboard run with
that tree first on PYTHONPATH), runs alternated.

- start: seconds from `agent-town dashboard town.town --no-browser` to a page showing the
  scatter's 25 points (medians of --starts runs a side);
- update latency: a served `town` at 16×, a card posted to its owner over HTTP; milliseconds
  from the card's event being recorded (the owner's wall time in the stream's envelope, `sent`)
  to the page showing the card's row in its feed (p50 and p95 of --cards cards a side; goal
  ≤ 100 ms p95). The page's clock and the owner's are the same wall clock.

Usage: OPENBLAS_NUM_THREADS=1 python benchmarks/dashboard_speed.py [--old /tmp/old-dash]
       [--starts 3 (0: latency only)] [--cards 20]
Prints `name: value unit` lines.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser helpers of the tests

from stream_load import percentile  # noqa: E402

from game.cli import main  # noqa: E402
from game.wire.client import TownClient  # noqa: E402
from tests.browser import Page, browser  # noqa: E402
from tests.dashboard import dashboard, deep  # noqa: E402
from tests.wire import PERTURB, serving  # noqa: E402

POINTS = deep("e.classList && e.classList.contains('town-point')", "found.length") + " === 25"


def seen_at(page: Page, tick: int, seconds: float = 10.0) -> float:
    """The wall-clock time (s) the page first shows a card's row of `tick`, looked for in the
    page on every animation frame."""
    row = deep("e.tagName === 'TR' && e.classList.contains('card')",
               f"found.some(r => r.firstChild.textContent === '{tick}')")
    at = page.evaluate(
        f"new Promise(done => {{ const t0 = Date.now(); const look = () => {{ "
        f"if ({row} || Date.now() - t0 > {seconds * 1000}) done(Date.now()); "
        f"else requestAnimationFrame(look); }}; look(); }})")
    return float(at) / 1000


def recorded_at(client: TownClient, tick: int, seen: dict[int, float],
                seconds: float = 10.0) -> float | None:
    """The owner's wall time (s) recording the card's event at `tick`, from its envelope
    (`seen` keeps what earlier looks read); None if the stream never brought it."""
    deadline = time.monotonic() + seconds
    while tick not in seen and time.monotonic() < deadline:
        for _name, data in client.take():
            event = data.get("event")
            if event is not None and event["perturbation"]:
                seen.setdefault(event["tick"], float(data["sent"]))
        time.sleep(0.002)
    return seen.get(tick)


def start_seconds(path: Path, root: Path | None) -> float:
    with browser() as page:
        began = time.monotonic()
        with dashboard(str(path), root) as url:
            page.go(url)
            page.wait_for(POINTS, seconds=120)
            return time.monotonic() - began


def update_latencies(cards: int, root: Path | None) -> list[float]:
    out = []
    with serving(speed=16) as served, dashboard(served.url, root) as url, browser() as page:
        page.go(url)
        page.wait_for(POINTS, seconds=120)
        time.sleep(2)  # the page settled
        client = TownClient(served.url).start()
        seen: dict[int, float] = {}
        try:
            for k in range(cards):  # a client each: one client's cards are a second apart
                answer = httpx.post(served.url + PERTURB,
                                    json={"card": "festival", "targets": []},
                                    headers={"X-Agent-Town-Client": f"bench-{k}"}, timeout=10)
                tick = answer.json()["tick"]
                shown = seen_at(page, tick)
                recorded = recorded_at(client, tick, seen)
                if recorded is not None:
                    out.append((shown - recorded) * 1000)
                time.sleep(0.3)
        finally:
            client.stop()
    return out


def main_() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, help="a worktree of main, measured beside this one")
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--cards", type=int, default=20)
    args = parser.parse_args()
    sides: dict[str, Path | None] = {"new": None}
    if args.old is not None:
        sides = {"old": args.old.resolve(), **sides}
    if args.starts:
        start_times(args.starts, sides)
    latencies(args.cards, sides)


def start_times(runs: int, sides: dict[str, Path | None]) -> None:
    starts: dict[str, list[float]] = {side: [] for side in sides}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "town.town"
        assert main(["run", "--ticks", "2400", "--out", str(path)], out=io.StringIO()) == 0
        for _ in range(runs):
            for side, root in sides.items():
                starts[side].append(start_seconds(path, root))
    for side in sides:
        print(f"dashboard start to rendered page {side} (town.town, 2,400 ticks): "
              f"{statistics.median(starts[side]):.2f} s")


def latencies(cards: int, sides: dict[str, Path | None]) -> None:
    for side, root in sides.items():
        late = update_latencies(cards, root)
        print(f"dashboard update latency p50 {side} (town at 16x): {percentile(late, 0.5):.0f} ms")
        print(f"dashboard update latency p95 {side} (town at 16x): "
              f"{percentile(late, 0.95):.0f} ms ({len(late)} of {cards} cards seen)")


if __name__ == "__main__":
    main_()
