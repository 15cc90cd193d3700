"""The auto director follows drama with hysteresis."""

from __future__ import annotations

from game.sim.events import Event
from game.view.director import Director


def event(tick: int, drama: float, who: str = "ada") -> Event:
    return Event(id=Event.make_id(tick, tick), tick=tick, seq=tick, op="gossip",
                 participants=(who, "bruno"), drama=drama)


def test_follows_the_most_dramatic_recent_event() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.1), event(12, 0.6, "mira")])
    focus = d.update(12)
    assert focus is not None and focus.participants[0] == "mira"


def test_does_not_jitter_between_similar_events() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.4, "ada")])
    first = d.update(10)
    d.observe([event(20, 0.5, "mira")])  # more dramatic, but the hold is not over
    assert d.update(20) is first
    d.observe([event(30, 0.7, "otto")])  # still within the hold, and not twice as dramatic
    assert d.update(30) is first
    d.observe([event(40, 0.3, "zeno")])  # newer, but less dramatic: never preferred
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


def test_a_cards_consequences_outrank_everyday_drama() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    quarrel = Event(id=Event.make_id(10, 1), tick=10, seq=1, op="dispute",
                    participants=("ada", "bruno"), drama=0.8)
    rumor = Event(id=Event.make_id(11, 2), tick=11, seq=2, op="gossip",
                  participants=("hugo", "tomas"), subject="igor", drama=0.6,
                  metadata={"rumor": "r1", "reached": 2})
    d.observe([quarrel, rumor])
    assert d.update(11) is rumor


def test_after_the_hold_it_follows_the_next_step_of_a_chain() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.4, "hugo")])
    first = d.update(10)
    d.observe([event(40, 0.4, "tomas")])
    assert d.update(40) is first
    focus = d.update(60)
    assert focus is not None and focus.participants[0] == "tomas"


def test_twice_the_drama_cuts_the_hold_short() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.4, "ada")])
    d.update(10)
    d.observe([event(12, 0.8, "otto")])
    focus = d.update(12)
    assert focus is not None and focus.participants[0] == "otto"


def test_a_card_just_played_cuts_to_its_event_at_once() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.8, "ada")])
    d.update(10)
    card = Event(id=Event.make_id(12, 1), tick=12, seq=1, op="rumor", participants=("hugo",),
                 subject="igor", drama=0.5, perturbation=True, card="rumor")
    d.observe([card])
    assert d.update(12) is card
    assert d.update(40) is card  # an older, more dramatic event does not take it back
