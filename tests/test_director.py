"""The auto director follows drama with hysteresis."""

from __future__ import annotations

from game.sim.events import Event
from game.view.director import Director


def event(tick: int, drama: float, who: str = "ada") -> Event:
    return Event(id=Event.make_id(tick, tick), tick=tick, seq=tick, op="gossip",
                 participants=(who, "bruno"), drama=drama)


def test_follows_the_most_dramatic_recent_event() -> None:
    d = Director(window_ticks=100, hold_ticks=50, switch_ratio=1.5)
    d.observe([event(10, 0.1), event(12, 0.6, "mira")])
    focus = d.update(12)
    assert focus is not None and focus.participants[0] == "mira"


def test_does_not_jitter_between_similar_events() -> None:
    d = Director(window_ticks=100, hold_ticks=50, switch_ratio=1.5)
    d.observe([event(10, 0.4, "ada")])
    first = d.update(10)
    d.observe([event(20, 0.5, "mira")])  # more dramatic, but not clearly so
    assert d.update(20) is first
    d.observe([event(30, 0.8, "otto")])  # clearly more dramatic, but the hold is not over
    assert d.update(30) is first
    focus = d.update(61)
    assert focus is not None and focus is not first and focus.participants[0] == "otto"


def test_lets_go_when_nothing_happens_and_resets_on_rewind() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.4)])
    assert d.update(10) is not None
    assert d.update(500) is None
    d.observe([event(600, 0.4)])
    assert d.update(600) is not None
    assert d.update(100) is None  # scrubbed back: the future it followed is gone
