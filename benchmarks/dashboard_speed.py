"""How fast the marimo dashboard shows a town, in a real headless Chromium.

- start: seconds from `agent-town dashboard town.town --no-browser` to a page showing the
  scatter's 25 points (medians of --starts runs);
- update latency: a served `town` at 16×, a card posted to its owner over HTTP; milliseconds
  from the owner's answer (the card is recorded at its tick, one tick later at most) to the
  page showing the card's row in its feed (p50 and p95 of --cards cards; goal ≤ 100 ms p95).
  The page's own clock and this process's are the same wall clock.

Usage: python benchmarks/dashboard_speed.py [--starts 3] [--cards 20]
Prints `name: value unit` lines. The dashboard is new: there is no old side to measure.
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
from tests.browser import Page, browser  # noqa: E402
from tests.dashboard import dashboard, deep  # noqa: E402
from tests.wire import PERTURB, serving  # noqa: E402

POINTS = deep("e.classList && e.classList.contains('town-point')", "found.length") + " === 25"


def seen_at(page: Page, tick: int, seconds: float = 10.0) -> float:
    """The wall-clock time (s) the page first shows a card's row of `tick`, polled in the page
    every 5 ms."""
    row = deep("e.tagName === 'TR' && e.classList.contains('card')",
               f"found.some(r => r.firstChild.textContent === '{tick}')")
    at = page.evaluate(
        f"new Promise(done => {{ const t0 = Date.now(); const poll = setInterval(() => {{ "
        f"if ({row} || Date.now() - t0 > {seconds * 1000}) {{ clearInterval(poll); "
        f"done(Date.now()); }} }}, 5); }})")
    return float(at) / 1000


def start_seconds(path: Path) -> float:
    with browser() as page:
        began = time.monotonic()
        with dashboard(str(path)) as url:
            page.go(url)
            page.wait_for(POINTS, seconds=120)
            return time.monotonic() - began


def update_latencies(cards: int) -> list[float]:
    out = []
    with serving(speed=16) as served, dashboard(served.url) as url, browser() as page:
        page.go(url)
        page.wait_for(POINTS, seconds=120)
        for k in range(cards):  # a client each: one client's cards are a second apart
            answer = httpx.post(served.url + PERTURB, json={"card": "festival", "targets": []},
                                headers={"X-Agent-Town-Client": f"bench-{k}"}, timeout=10)
            answered = time.time()
            tick = answer.json()["tick"]
            out.append((seen_at(page, tick) - answered) * 1000)
            time.sleep(0.1)
    return out


def main_() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--cards", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "town.town"
        assert main(["run", "--ticks", "2400", "--out", str(path)], out=io.StringIO()) == 0
        starts = [start_seconds(path) for _ in range(args.starts)]
    print(f"dashboard start to rendered page (town.town, 2,400 ticks): "
          f"{statistics.median(starts):.2f} s")
    late = update_latencies(args.cards)
    print(f"dashboard update latency p50 (town at 16x): {percentile(late, 0.5):.0f} ms")
    print(f"dashboard update latency p95 (town at 16x): {percentile(late, 0.95):.0f} ms")


if __name__ == "__main__":
    main_()
