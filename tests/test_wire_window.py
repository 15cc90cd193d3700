"""The window on the network: a window that serves its town (cards over HTTP play between its
frames) and a window that joins a served town and re-simulates it in lockstep, showing a desync
at once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pygame

from game.switches import Switches
from game.trace.timeline import MAIN, Timeline
from game.view import effects as fx
from game.view.app import App
from game.view.assets import Assets
from game.view.link import Joined, Sharing
from game.wire.owner import Owner
from game.wire.serve import Served
from tests.wire import FLUX, post_card, read_sse, serving

FRAME = 1 / 60


def run_until(app: App, done: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the window never got there"
        app.frame(FRAME)
        time.sleep(0.002)


def test_a_window_that_serves_plays_remote_cards_between_its_frames(assets: Assets) -> None:
    pygame.event.clear()
    app = App(Timeline("town", 7), speed=16, reproducible=True, assets=assets)
    owner = Owner(app.timeline, switches=Switches(), speed=16)
    app.link = Sharing(owner, Served(owner).start())
    try:
        for _ in range(30):
            app.frame(FRAME)
        with ThreadPoolExecutor(1) as pool:
            posting = pool.submit(post_card, app.link.served.url,  # type: ignore[union-attr]
                                  {"card": "festival"})
            run_until(app, posting.done)
            answer = posting.result()
        assert answer.status_code == 202, answer.text
        tick = answer.json()["tick"]
        run_until(app, lambda: app.timeline.cursor > tick + 5)
        assert [p.card for p in app.timeline.perturbations(MAIN)] == ["festival"]
        assert any(e.card == "festival" for e in app.timeline.events(MAIN, start=tick, end=tick))
        # What a remote viewer saw is what the window recorded (the window pumps its inbox
        # between frames, so it keeps drawing while the viewer subscribes).
        with ThreadPoolExecutor(1) as pool:
            reading = pool.submit(read_sse, app.link.served.url + FLUX + "?since=0",  # type: ignore[union-attr]
                                  events=5)
            run_until(app, reading.done)
            seen = reading.result()
        assert seen.events()[:5] == [e.model_dump(mode="json")
                                     for e in app.timeline.events(MAIN)[:5]]
    finally:
        app.link.close()  # type: ignore[union-attr]


def test_a_joined_window_keeps_the_owners_town_bit_for_bit_and_deals_to_it(
        assets: Assets) -> None:
    pygame.event.clear()
    with serving(speed=16) as served:
        time.sleep(0.5)
        joined = Joined.connect(served.url)
        app = App(joined.timeline, speed=-1, reproducible=True, assets=assets)
        app.link = joined
        try:
            start = app.timeline.cursor
            run_until(app, lambda: app.timeline.cursor > start + 60)
            assert app.timeline.cursor <= joined.horizon(app.timeline)  # never ahead
            app.perform(fx.PlayCard("festival", (), step=False))
            run_until(app, lambda: bool(app.timeline.perturbations(MAIN)))
            card_tick = app.timeline.perturbations(MAIN)[0].tick
            run_until(app, lambda: app.timeline.cursor > card_tick + 40)
            at = app.timeline.cursor
            owners = served.owner.call(lambda tl: tl.hash_at(at) if tl.cursor >= at else "")
            assert owners.result(timeout=10) == app.timeline.flux.state_hash()
            assert joined.desync is None
            checked = [k for k in joined.expected if start < k[1] <= at]
            assert checked, "no heartbeat hash was compared"
        finally:
            joined.close()


def test_a_joined_window_that_drifts_shows_a_desync_at_once(assets: Assets) -> None:
    pygame.event.clear()
    with serving(speed=16) as served:
        joined = Joined.connect(served.url)
        app = App(joined.timeline, speed=-1, reproducible=True, assets=assets)
        app.link = joined
        try:
            # A card only this window knows: its town is no longer the owner's.
            app.timeline.play("storm")
            run_until(app, lambda: joined.desync is not None)
            app.frame(FRAME)
            assert "desync at tick" in (joined.desync or "")
            toasts = " ".join(app.widgets.toasts.texts_shown())
            assert "desync" in toasts
        finally:
            joined.close()
