"""The dashboard end to end: `agent-town dashboard URL --no-browser` following a served town,
in a real headless Chromium: 25 citizens on the scatter, a card played from the page in the
feed within a second, nothing fetched from anywhere but 127.0.0.1, and a screenshot."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from game.switches import Switches
from tests.browser import browser
from tests.dashboard import click, dashboard, deep, within
from tests.wire import serving

pytestmark = pytest.mark.slow

POINT = "e.classList && e.classList.contains('town-point')"
HASH = deep("e.classList && e.classList.contains('town-hash')", "found[0]?.textContent")
LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")
SHOT = Path(__file__).resolve().parent.parent / "docs" / "dashboard.png"


def test_the_dashboard_follows_a_served_town_and_plays_its_cards(tmp_path: Path) -> None:
    with serving() as served, dashboard(served.url) as url, browser(1400, 1500) as page:
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

        page.evaluate(deep("e.scrollTop > 0", "found.forEach(e => { e.scrollTop = 0; })"))
        time.sleep(0.5)
        page.screenshot(tmp_path / "dashboard.png")
        assert (tmp_path / "dashboard.png").stat().st_size > 20_000

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
