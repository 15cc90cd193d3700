"""What viewers cost a window that serves its town: it writes the frame's ticks to them after the
frame is drawn (the server's thread writes while the window waits for its next frame), and the
owner takes the interpreter back from that thread within a millisecond."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pygame

from game.switches import Switches
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.assets import Assets
from game.view.link import Sharing
from game.wire.messages import Message
from game.wire.owner import SWITCH_SECONDS, Owner
from game.wire.serve import Served

FRAME = 1 / 60


def test_a_serving_window_writes_to_its_viewers_after_drawing(assets: Assets) -> None:
    pygame.event.clear()
    timeline = Timeline("town", 7)
    timeline.advance(200)  # past the quiet first ticks
    app = App(timeline, speed=16, reproducible=True, assets=assets)
    order: list[str] = []

    class Viewer:
        def publish(self, batch: Sequence[Message]) -> None:
            order.append("publish")

        def close(self) -> None:
            pass

    owner = Owner(app.timeline, switches=Switches(), speed=16, publishers=[Viewer()])
    app.link = Sharing(owner, Served(owner))  # never started: no viewer but ours
    drawn = app.draw

    def draw() -> None:
        order.append("draw")
        drawn()

    app.draw = draw  # type: ignore[method-assign]
    try:
        for _ in range(10):
            order.append("frame")
            app.frame(FRAME)  # at 16×, every frame records ticks
    finally:
        owner.close()
    frames = " ".join(order).split("frame")[1:]
    assert sum("publish" in f for f in frames) >= 5
    assert all(f.split() in (["draw"], ["draw", "publish"]) for f in frames), frames


def test_the_owner_takes_the_interpreter_back_within_a_millisecond() -> None:
    Owner(Timeline("town", 7), switches=Switches())
    assert sys.getswitchinterval() <= SWITCH_SECONDS
