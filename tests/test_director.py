"""The auto director follows drama with hysteresis."""

from __future__ import annotations

import random

from game.sim.events import Event, Record
from game.view.director import CUT_RATIO, Director

IDS = ("ada", "bruno", "mira", "otto", "zeno", "hugo", "tomas", "igor")
CROWD = tuple(f"c{k}" for k in range(9))


def event(tick: int, drama: float, who: str = "ada") -> Record:
    """A gossip of `who` with bruno, as the flux records it (what the window hears)."""
    return record(tick, tick, "gossip", (who, "bruno"), drama=drama)


def record(tick: int, seq: int, op: str, who: tuple[str, ...], *, subject: str | None = None,
           drama: float = 0.0, card: str | None = None,
           metadata: dict[str, object] | None = None) -> Record:
    return Record(tick, seq, op, tuple(IDS.index(w) for w in who),
                  -1 if subject is None else IDS.index(subject), -1, True, None, "", None, 0,
                  drama, card, metadata or {})


def test_follows_the_most_dramatic_recent_event() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.1), event(12, 0.6, "mira")], IDS)
    focus = d.update(12)
    assert focus is not None and focus.participants[0] == "mira"


def test_does_not_jitter_between_similar_events() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.4, "ada")], IDS)
    first = d.update(10)
    d.observe([event(20, 0.5, "mira")], IDS)  # more dramatic, but the hold is not over
    assert d.update(20) is first
    d.observe([event(30, 0.7, "otto")], IDS)  # still within the hold, and not twice as dramatic
    assert d.update(30) is first
    d.observe([event(40, 0.3, "zeno")], IDS)  # newer, but less dramatic: never preferred
    focus = d.update(61)
    assert focus is not None and focus is not first and focus.participants[0] == "otto"


def test_lets_go_when_nothing_happens_and_resets_on_rewind() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.4)], IDS)
    assert d.update(10) is not None
    assert d.update(500) is None
    d.observe([event(600, 0.4)], IDS)
    assert d.update(600) is not None
    assert d.update(100) is None  # scrubbed back: the future it followed is gone


def test_a_cards_consequences_outrank_everyday_drama() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    quarrel = record(10, 1, "dispute", ("ada", "bruno"), drama=0.8)
    rumor = record(11, 2, "gossip", ("hugo", "tomas"), subject="igor", drama=0.6,
                   metadata={"rumor": "r1", "reached": 2})
    d.observe([quarrel, rumor], IDS)
    assert d.update(11) == rumor.event(IDS)


def test_after_the_hold_it_follows_the_next_step_of_a_chain() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.4, "hugo")], IDS)
    first = d.update(10)
    d.observe([event(40, 0.4, "tomas")], IDS)
    assert d.update(40) is first
    focus = d.update(60)
    assert focus is not None and focus.participants[0] == "tomas"


def test_twice_the_drama_cuts_the_hold_short() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.4, "ada")], IDS)
    d.update(10)
    d.observe([event(12, 0.8, "otto")], IDS)
    focus = d.update(12)
    assert focus is not None and focus.participants[0] == "otto"


def test_a_card_just_played_cuts_to_its_event_at_once() -> None:
    d = Director(window_ticks=100, hold_ticks=50)
    d.observe([event(10, 0.8, "ada")], IDS)
    d.update(10)
    card = record(12, 1, "rumor", ("hugo",), subject="igor", drama=0.5, card="rumor")
    d.observe([card], IDS)
    followed = d.update(12)
    assert followed == card.event(IDS)
    assert d.update(40) is followed  # an older, more dramatic event does not take it back


def weight(event: Event) -> float:
    """How much the director wants to show an event, as first written (of its model)."""
    if event.op in ("coalition_formed", "coalition_dissolved"):
        boost = 3.0
    elif event.card is not None or "rumor" in event.metadata:
        boost = 2.0
    else:
        boost = 1.0
    return event.drama * boost * min(max(len(event.participants) / 2, 1.0), 4.0)


class EveryEvent:
    """The director as first written, holding every dramatic event of its window (their
    models): the reference the kept leaders must agree with."""

    def __init__(self, window: int, hold: int) -> None:
        self.window, self.hold = window, hold
        self.focus: Event | None = None
        self.since = 0
        self.recent: list[Event] = []

    def reset(self) -> None:
        self.focus, self.recent = None, []

    def observe(self, events: list[Event]) -> None:
        self.recent += [e for e in events if e.success and e.drama > 0 and e.participants]

    def best(self, events: list[Event]) -> Event | None:
        return max(events, key=lambda e: (weight(e), e.tick), default=None)

    def update(self, tick: int) -> Event | None:
        if self.focus is not None and tick < self.focus.tick:
            self.reset()
        while self.recent and self.recent[0].tick < tick - self.window:
            del self.recent[0]
        focus = self.focus
        if focus is None or tick - focus.tick > self.window:
            self.focus, self.since = self.best(self.recent), tick
            return self.focus
        newer = self.recent[[e is focus for e in self.recent].index(True) + 1:]
        card = next((e for e in reversed(newer) if e.perturbation), None)
        best = card or self.best(newer)
        if best is not None:
            ratio = weight(best) / weight(focus)
            if best is card or ratio >= CUT_RATIO or (
                    tick - self.since >= self.hold and ratio >= 1.0):
                self.focus, self.since = best, tick
        return self.focus


def test_keeping_only_the_leaders_chooses_as_keeping_every_event() -> None:
    """Random streams (ties of weight and tick, cards, crowds, failures, jumps back in time,
    after which the window resets its director): the director that keeps only the events no
    later one outranks follows the same events."""
    rng = random.Random(5)
    for _ in range(200):
        d, ref = Director(window_ticks=60, hold_ticks=25), EveryEvent(60, 25)
        tick, seq = 0, 0
        for _ in range(150):
            if rng.random() < 0.03:  # a scrub back
                tick = max(0, tick - rng.choice([1, 30]))
                d.reset()
                ref.reset()
            tick += rng.choice([0, 1, 1, 2, 5, 20])
            batch = []
            for _ in range(rng.choice([0, 1, 1, 2, 4])):
                seq += 1
                batch.append(Record(
                    tick, seq, rng.choice(["gossip", "gossip", "coalition_formed"]),
                    tuple(range(rng.choice([0, 2, 2, 3, 9]))), -1, -1, rng.random() > 0.1,
                    None, "", None, 0, rng.choice([0.0, 0.2, 0.2, 0.5, 1.1]),
                    "festival" if rng.random() < 0.05 else None,
                    {"rumor": "r1"} if rng.random() < 0.05 else {}))
            d.observe(batch, CROWD)
            ref.observe([r.event(CROWD) for r in batch])
            chosen, expected = d.update(tick), ref.update(tick)
            assert chosen == expected
