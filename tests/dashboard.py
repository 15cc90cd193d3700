"""Helpers for the dashboard's tests: `agent-town dashboard` on a free port, and the page's
elements found through the shadow roots marimo renders into."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.browser import Page, stop_process

START_SECONDS = 60.0
# Every element of the page, through the shadow roots of marimo's outputs and widgets.
DEEP = ("(() => { const out = []; const walk = (root) => { for (const e of "
        "root.querySelectorAll('*')) { out.push(e); if (e.shadowRoot) walk(e.shadowRoot); } };"
        " walk(document); return out; })()")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def dashboard(source: str, root: Path | None = None) -> Iterator[str]:
    """`agent-town dashboard SOURCE --no-browser` on a free port: its page's address. With
    `root`, the game's code is the one under `root` (a benchmark's old side)."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(root)) if root is not None else None
    proc = subprocess.Popen([sys.executable, "-m", "game", "dashboard", source,
                             "--no-browser", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert proc.poll() is None, "the dashboard exited"
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the dashboard never answered"
            time.sleep(0.1)
        yield url
    finally:
        stop_process(proc)


def deep(where: str, then: str) -> str:
    """A page expression: `then` (over `found`) of the elements matching `where` (over `e`)
    anywhere in the page."""
    return f"(() => {{ const found = {DEEP}.filter(e => {where}); return {then}; }})()"


def within(page: Page, expression: str, seconds: float) -> float:
    """Seconds until `expression` holds in the page, polled in the page every 20 ms; fails
    past `seconds`."""
    took = page.evaluate(
        f"new Promise(done => {{ const t0 = performance.now(); const poll = setInterval(() => "
        f"{{ const gone = (performance.now() - t0) / 1000; if ({expression} || gone > "
        f"{seconds}) {{ clearInterval(poll); done(gone); }} }}, 20); }})")
    assert isinstance(took, (int, float)) and took <= seconds, \
        f"{took} s, not within {seconds} s: {expression[-120:]}"
    return float(took)


def click(page: Page, where: str) -> None:
    """A real mouse click at the middle of the first element matching `where`."""
    box = page.evaluate(deep(where, "(() => { found[0].scrollIntoView({block: 'center'}); "
                                    "const r = found[0].getBoundingClientRect(); "
                                    "return [r.x + r.width / 2, r.y + r.height / 2]; })()"))
    assert isinstance(box, list)
    for kind in ("mousePressed", "mouseReleased"):
        page.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left",
                  clickCount=1)
