"""The functor law of the faces: what is shown is a function of the town's state.

Projecting a history sought to (branch, tick) — after any wandering back and forth — equals
projecting a fresh run straight there; a `Projected` widget moved by `f` equals one given
`f(state)`; `map(id)` is the identity and `map(f).map(g)` is `map(g ∘ f)`. Hypothesis draws the
seeds, the cards played, the fork, the ticks and the citizen cards looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from game.projections.card import MAX_LOD, CardAsk, card_at
from game.projections.document import TownDocument, document
from game.projections.projected import Moment, Projected, standing_at
from game.sim.cards import Perturbation
from game.trace.timeline import MAIN, Timeline
from game.view.viewstate import Readout

HEAD = 500  # ticks each branch of a drawn history runs
PLAYED = (("festival", ()), ("storm", ()), ("rumor", ("igor",)), ("solo", ("ada",)),
          ("greet", ("ada", "bruno")))


@dataclass(frozen=True)
class History:
    """A seed, main's cards, and a branch forked from main with a card of its own."""

    seed: int
    cards: tuple[Perturbation, ...]
    fork: int
    branch_card: Perturbation

    def timeline(self) -> Timeline:
        """The history declared, nothing run yet."""
        tl = Timeline("town", self.seed)
        tl.add_perturbations(list(self.cards))
        tl.add_branch("b1", MAIN, self.fork, [self.branch_card])
        return tl

    def lived(self) -> Timeline:
        """The history run to its heads on both branches, standing at main's head."""
        tl = self.timeline()
        tl.seek(HEAD, "b1")
        tl.seek(HEAD, MAIN)
        return tl


def perturbation(tick: int, k: int) -> Perturbation:
    name, targets = PLAYED[k]
    return Perturbation(tick=tick, card=name, targets=targets)


@st.composite
def histories(draw: st.DrawFn) -> History:
    ticks = draw(st.lists(st.integers(1, HEAD), max_size=3, unique=True))
    cards = tuple(perturbation(t, draw(st.integers(0, len(PLAYED) - 1))) for t in sorted(ticks))
    fork = draw(st.integers(0, HEAD - 10))
    return History(draw(st.integers(1, 40)), cards, fork,
                   perturbation(fork + 1, draw(st.integers(0, len(PLAYED) - 1))))


moments = st.builds(Moment, st.sampled_from((MAIN, "b1")), st.integers(0, HEAD))
lods = st.integers(0, MAX_LOD)


def project_document(tl: Timeline, lod: int) -> Callable[[Moment], TownDocument]:
    return lambda m: document(standing_at(tl, m), lod)


@settings(max_examples=12, deadline=None)
@given(histories(), st.lists(moments, min_size=1, max_size=4), moments, lods)
def test_seeking_to_a_tick_projects_what_a_fresh_run_to_it_projects(
        history: History, wander: list[Moment], target: Moment, lod: int) -> None:
    tl = history.lived()
    for m in wander:
        tl.seek(m.tick, m.branch)
    tl.seek(target.tick, target.branch)
    fresh = history.timeline()
    fresh.seek(target.tick, target.branch)
    assert document(tl, lod) == document(fresh, lod)


@settings(max_examples=12, deadline=None)
@given(histories(), moments, moments, moments, lods)
def test_a_widget_moved_by_f_is_the_widget_of_f_of_its_state(
        history: History, start: Moment, a: Moment, b: Moment, lod: int) -> None:
    tl = history.lived()
    fresh = history.timeline()
    widget = Projected(start, project_document(tl, lod))

    def f(m: Moment) -> Moment:  # a seek: to `a`'s tick, on the other branch from `a`'s
        return Moment(a.branch if m.branch == b.branch else b.branch, a.tick)

    def g(m: Moment) -> Moment:  # back a little
        return Moment(m.branch, max(0, m.tick - b.tick // 3))

    moved = widget.map(f)
    assert moved == widget.with_state(f(widget.state))
    assert moved.view == document(standing_at(fresh, f(start)), lod)
    assert widget.map(lambda m: m) is widget
    assert widget.map(f).map(g) == widget.map(lambda m: g(f(m)))


@settings(max_examples=12, deadline=None)
@given(histories(), moments, st.lists(st.tuples(moments, st.integers(0, 24), lods),
                                      min_size=1, max_size=4))
def test_a_citizen_card_widget_follows_its_state_through_seeks_and_levels(
        history: History, start: Moment, steps: list[tuple[Moment, int, int]]) -> None:
    tl = history.lived()
    fresh = history.timeline()
    widget = Projected(CardAsk(start, 0, 0), lambda ask: card_at(tl, ask))
    for moment, citizen, lod in steps:
        widget = widget.map(lambda _, m=moment, c=citizen, d=lod: CardAsk(m, c, d))
        assert widget.view == card_at(fresh, widget.state)
        assert widget.view == document(standing_at(fresh, moment), lod).citizens[citizen]


@settings(max_examples=8, deadline=None)
@given(histories(), st.lists(st.tuples(moments, st.integers(0, 24), lods), min_size=1,
                             max_size=4))
def test_the_windows_readout_shows_what_a_fresh_run_projects(
        history: History, steps: list[tuple[Moment, int, int]]) -> None:
    tl = history.lived()
    readout = Readout(tl)
    for moment, citizen, lod in steps:
        tl.seek(moment.tick, moment.branch)
        assert_shows_a_fresh_run(readout, history, citizen, lod)
        tl.switch("b1" if moment.branch == MAIN else MAIN)  # the branch list: the same tick
        assert_shows_a_fresh_run(readout, history, citizen, lod)


def assert_shows_a_fresh_run(readout: Readout, history: History, citizen: int, lod: int) -> None:
    tl = readout.timeline
    at, shown = readout.at_tick(), readout.citizen(citizen, lod)
    fresh = history.timeline()
    fresh.seek(tl.cursor, tl.current)
    doc = document(fresh, lod)
    assert (readout.scatter()[0], at.feed, shown) == (doc.scatter, doc.feed,
                                                      doc.citizens[citizen])
    assert readout.coalitions() == doc.coalitions
    assert readout.state_hash(running=False, fast=False) == doc.hash


def test_a_running_scatter_is_made_again_every_so_many_ticks_and_at_once_paused() -> None:
    tl = Timeline("city:500", seed=3)
    tl.advance(40)
    readout = Readout(tl)
    first = readout.scatter(every=16)
    tl.advance(15)
    assert readout.scatter(every=16) is first  # running: the scatter of 15 ticks ago
    assert readout.scatter()[0] == document(tl, 0).scatter  # paused: the cursor's own
    tl.advance(16)
    assert readout.scatter(every=16)[0] == document(tl, 0).scatter  # 16 on: made again
    small = Readout(Timeline("town", seed=3))
    shown = small.scatter(every=4)
    small.timeline.advance(3)
    assert small.scatter(every=4) is shown  # a small town's too, more often (view_state)
    small.timeline.advance(1)
    assert small.scatter(every=4)[0] == document(small.timeline, 0).scatter
    assert small.scatter(every=1)[0] == document(small.timeline, 0).scatter


def test_the_hash_shows_at_1x_and_paused_and_never_a_stale_one() -> None:
    readout = Readout(Timeline("town", seed=3))
    assert readout.state_hash(running=True, fast=False) == readout.timeline.flux.state_hash()
    readout.timeline.advance(5)
    assert readout.state_hash(running=True, fast=True) == ""  # 16×: a new one every frame
    assert readout.state_hash(running=False, fast=True) == readout.timeline.flux.state_hash()
    big = Readout(Timeline("city:500", seed=3))
    big.timeline.advance(1)
    assert big.state_hash(running=True, fast=False) == ""
    assert big.state_hash(running=False, fast=False) == big.timeline.flux.state_hash()
