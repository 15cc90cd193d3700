"""The dashboard end to end: `agent-town dashboard URL --no-browser` following a served town,
in a real headless Chromium: 25 citizens on the scatter, a card played from the page in the
feed within a second, the feed filtered from the page, nothing fetched from anywhere but
127.0.0.1, and a screenshot (the README's, docs/dashboard.png, with AGENT_TOWN_DOCS_SHOTS=1)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from game.sim.cards import Perturbation
from game.switches import Switches
from game.trace.timeline import Timeline
from tests.browser import browser
from tests.dashboard import click, dashboard, deep, within
from tests.wire import serving

pytestmark = pytest.mark.slow

POINT = "e.classList && e.classList.contains('town-point')"
HASH = deep("e.classList && e.classList.contains('town-hash')", "found[0]?.textContent")
LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")
DOCS_SHOT = Path(__file__).resolve().parent.parent / "docs" / "dashboard.png"
SHOTS_ENV = "AGENT_TOWN_DOCS_SHOTS"  # "1": the screenshot is written over the README's
FILTER = "e.tagName === 'INPUT' && e.placeholder === 'words to look for'"
FEED_ROW = "e.tagName === 'TR' && e.closest('tbody') && e.closest('.town-feed')"


def shot(tmp_path: Path) -> Path:
    return DOCS_SHOT if os.environ.get(SHOTS_ENV) == "1" else tmp_path / "dashboard.png"


def settled_town() -> Timeline:
    """`town` seed 7 at tick 1,500, a festival played at 300: coalitions formed, metrics
    sampled, for the page to show them from the start."""
    timeline = Timeline("town", 7)
    timeline.add_perturbation(Perturbation(tick=300, card="festival"))
    timeline.advance(1500)
    return timeline


def test_the_dashboard_follows_a_served_town_and_plays_its_cards(tmp_path: Path) -> None:
    with serving(timeline=settled_town()) as served, dashboard(served.url) as url, \
            browser(1400, 1800) as page:
        page.send("Network.enable")
        page.go(url)
        page.wait_for(f"{deep(POINT, 'found.length')} === 25", seconds=60)
        shown = page.wait_for(HASH)
        page.wait_for(f"{HASH} !== {shown!r}", seconds=2)  # it follows the live town
        page.send("Network.disable")  # what the page loads is loaded: stop the flood of frames

        last = f"{POINT} && e.dataset.index === '24'"  # drawn last: on top of any other
        name = page.evaluate(deep(last, "found[0].dataset.name"))
        click(page, last)
        page.wait_for(deep("e.tagName === 'H3'", f"found.some(h => h.textContent === {name!r})"))
        page.wait_for(deep("e.tagName === 'H4'",
                           f"found.some(h => h.textContent.includes('targets: {name}'))"))
        # A rumor's subject may be anyone, resting or walking: the owner judges targets by the
        # laws, and a solo would be refused had this citizen been asleep.
        click(page, "e.tagName === 'BUTTON' && e.textContent.trim() === 'Rumor'")
        clicked = time.monotonic()
        within(page, deep("e.tagName === 'TR' && e.classList.contains('card')",
                          f"found.some(r => r.textContent.includes({name!r}))"), seconds=1.0)
        assert time.monotonic() - clicked <= 1.0
        page.wait_for(deep("true", "found.some(e => e.textContent.startsWith('rumor played "
                                   "at tick'))"))

        click(page, FILTER)  # the feed filtered to the target's rows: the card's stays in view
        page.send("Input.insertText", text=name)
        for kind in ("keyDown", "keyUp"):
            page.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                      windowsVirtualKeyCode=13)
        page.wait_for(deep(FEED_ROW, f"found.length > 0 && found.every(r => "
                                     f"r.textContent.includes({name!r})) && found.some(r => "
                                     f"r.classList.contains('card'))"), seconds=5)

        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.evaluate(deep("e.scrollTop > 0", "found.forEach(e => { e.scrollTop = 0; })"))
        time.sleep(0.5)
        page.screenshot(shot(tmp_path))
        assert shot(tmp_path).stat().st_size > 20_000

    asked = [e["params"]["request"]["url"] for e in page.events
             if e["method"] == "Network.requestWillBeSent"]
    assert len(asked) > 5  # the page, its scripts, its styles …
    assert [u for u in asked if not u.startswith(LOCAL)] == []


def test_the_pads_say_when_perturbation_is_switched_off() -> None:
    with serving(switches=Switches(perturbation=False)) as served, \
            dashboard(served.url) as url, browser() as page:
        page.go(url)
        page.wait_for(f"{deep(POINT, 'found.length')} === 25", seconds=60)
        page.wait_for(deep("true", "found.some(e => e.textContent.startsWith("
                                   "'Perturbation is switched off'))"))
        assert not page.evaluate(deep("e.tagName === 'BUTTON'",
                                      "found.some(b => b.textContent.trim() === 'Solo')"))
