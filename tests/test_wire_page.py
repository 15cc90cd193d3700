"""The live page at `/`, in a real headless Chromium: the feed fills from the stream, a card
played from the page is accepted by the owner and comes back in the feed, and a page dropped for
falling behind says so."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest

from game.wire import server
from game.wire.bus import Subscription
from tests.browser import browser
from tests.wire import aimed, paused, serving

ROWS = "document.querySelectorAll('#feed li').length"


def test_the_page_shows_the_live_feed_and_plays_a_card(tmp_path: Path) -> None:
    shot = Path(os.environ.get("AGENT_TOWN_SHOTS", tmp_path)) / "page.png"
    with serving(speed=16) as served, browser() as page:
        page.go(served.url + "/")
        page.wait_for(f"{ROWS} >= 8")
        assert page.evaluate("document.getElementById('town').textContent") == \
            "town · seed 7 · main"
        page.evaluate("document.getElementById('card').value = 'greet'")
        with paused(served.owner):  # a pair the laws take when the card arrives
            pair = " ".join(aimed(served.owner, "greet", 2))
            page.type_into("#targets", pair)
            page.click("#send")
            answer = page.wait_for("(t => t.includes('plays') && t)"
                                   "(document.getElementById('answer').textContent)")
        assert answer.startswith("greet plays at tick ")
        row = page.wait_for("(r => r && r.textContent)(document.querySelector('#feed li.card'))",
                            seconds=2)
        assert f"card greet {pair}" in row
        page.wait_for("document.getElementById('hash').textContent.startsWith('hash ')")
        page.screenshot(shot)
        cards = served.owner.call(lambda tl: [p.card for p in tl.perturbations()]).result(10)
    assert cards == ["greet"]
    assert shot.stat().st_size > 10_000


def test_a_page_dropped_for_falling_behind_says_so_and_reconnects(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Every viewer's queue holds nothing: the first live batch drops it, as falling behind would.
    monkeypatch.setattr(server, "Subscription", partial(Subscription, limit=0))
    notices = "[...document.querySelectorAll('#feed li.notice')].map(r => r.textContent)"
    with serving(speed=16) as served, browser() as page:
        page.go(served.url + "/")
        shown = page.wait_for(f"(n => n.length >= 1 && n)({notices})")
        # Told, the page reconnects by itself: dropped again, it says so again.
        page.wait_for(f"{notices}.length >= 2", seconds=15)
    assert "you fell too far behind the town and were dropped" in shown[0]
    assert shown[0].endswith("(this page reconnects by itself)")
