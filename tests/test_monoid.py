"""The trace monoid: laws as hypothesis properties, and the "why" chain on hand-built stories."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from game.sim.events import Event
from game.trace.monoid import (
    TraceIndex,
    causal_future,
    causal_past,
    equivalent,
    foata_normal_form,
    immediate_predecessors,
    independent,
    linearize,
    why_chain,
)

CITIZENS = ("ada", "bo", "cy", "dee", "mira")


@st.composite
def traces(draw: st.DrawFn, max_size: int = 12) -> list[Event]:
    """A run's events in (tick, seq) order: random citizens, some of them perturbations."""
    steps = draw(st.lists(
        st.tuples(
            st.booleans(),
            st.lists(st.sampled_from(CITIZENS), max_size=3, unique=True),
            st.integers(0, 4),
        ),
        max_size=max_size,
    ))
    events: list[Event] = []
    tick, seq = 0, 0
    for new_tick, participants, roll in steps:
        if new_tick:
            tick, seq = tick + 1, 0
        events.append(Event(
            id=Event.make_id(tick, seq), tick=tick, seq=seq, op="greet",
            participants=tuple(participants), perturbation=roll == 0,
        ))
        seq += 1
    return events


def relinearise(events: list[Event], rnd: random.Random) -> list[Event]:
    """A random topological order of the dependence DAG: a valid re-linearisation."""
    remaining = list(range(len(events)))
    order: list[Event] = []
    while remaining:
        ready = [i for i in remaining
                 if all(j >= i or independent(events[i], events[j]) for j in remaining)]
        pick = rnd.choice(ready)
        remaining.remove(pick)
        order.append(events[pick])
    return order


def equivalent_by_definition(xs: list[Event], ys: list[Event]) -> bool:
    """Same events, and every dependent pair in the same relative order: O(n²), for checking."""
    if sorted(e.id for e in xs) != sorted(e.id for e in ys):
        return False
    where = {e.id: k for k, e in enumerate(ys)}
    return all(
        where[a.id] < where[b.id]
        for i, a in enumerate(xs) for b in xs[i + 1:] if not independent(a, b)
    )


def past_by_closure(events: list[Event], index: int) -> set[int]:
    """The causal past as a fixpoint of "an earlier event that depends on something in it"."""
    past: set[int] = set()
    frontier = {index}
    while frontier:
        found = {j for i in frontier for j in range(i)
                 if not independent(events[i], events[j])} - past
        past |= found
        frontier = found
    return past


def shuffled(events: list[Event], rnd: random.Random) -> list[Event]:
    copy = list(events)
    rnd.shuffle(copy)
    return copy


# --- Equivalence -------------------------------------------------------------------------------

@given(traces(), st.randoms(use_true_random=False))
def test_re_linearisations_are_all_equivalent(events: list[Event], rnd: random.Random) -> None:
    xs, ys = relinearise(events, rnd), relinearise(events, rnd)
    zs = relinearise(ys, rnd)
    assert equivalent(events, events)
    assert equivalent(events, xs) and equivalent(xs, events)
    assert equivalent(xs, ys) and equivalent(ys, zs) and equivalent(xs, zs)


@given(traces(), st.randoms(use_true_random=False))
def test_equivalence_is_reflexive_symmetric_and_transitive(
    events: list[Event], rnd: random.Random
) -> None:
    # Each sequence is a permutation or a valid re-linearisation, so both outcomes occur.
    xs, ys, zs = (rnd.choice((shuffled, relinearise))(events, rnd) for _ in range(3))
    assert equivalent(xs, xs)
    assert equivalent(xs, ys) == equivalent(ys, xs)
    if equivalent(xs, ys) and equivalent(ys, zs):
        assert equivalent(xs, zs)


@given(traces(), st.randoms(use_true_random=False))
def test_equivalence_by_projections_matches_the_definition(
    events: list[Event], rnd: random.Random
) -> None:
    other = rnd.choice((shuffled, relinearise))(events, rnd)
    assert equivalent(events, other) == equivalent_by_definition(events, other)


@given(traces(), st.data())
def test_swapping_independent_neighbours_keeps_the_trace(
    events: list[Event], data: st.DataObject
) -> None:
    spots = [i for i in range(len(events) - 1) if independent(events[i], events[i + 1])]
    assume(spots)
    i = data.draw(st.sampled_from(spots))
    swapped = [*events[:i], events[i + 1], events[i], *events[i + 2:]]
    assert equivalent(events, swapped)


@given(traces(), st.data())
def test_swapping_dependent_neighbours_breaks_the_trace(
    events: list[Event], data: st.DataObject
) -> None:
    spots = [i for i in range(len(events) - 1) if not independent(events[i], events[i + 1])]
    assume(spots)
    i = data.draw(st.sampled_from(spots))
    swapped = [*events[:i], events[i + 1], events[i], *events[i + 2:]]
    assert not equivalent(events, swapped)


def test_sequences_of_different_events_are_not_equivalent() -> None:
    a = Event(id="e1.0", tick=1, seq=0, op="solo", participants=("ada",))
    b = Event(id="e1.1", tick=1, seq=1, op="solo", participants=("bo",))
    assert not equivalent([a], [b])
    assert not equivalent([a, b], [a])


# --- Foata normal form -------------------------------------------------------------------------

@given(traces(), st.randoms(use_true_random=False))
def test_equivalent_sequences_share_one_foata_form(
    events: list[Event], rnd: random.Random
) -> None:
    assert foata_normal_form(events) == foata_normal_form(relinearise(events, rnd))


@given(traces(), st.randoms(use_true_random=False))
def test_foata_form_tells_traces_apart_exactly_as_equivalence_does(
    events: list[Event], rnd: random.Random
) -> None:
    other = shuffled(events, rnd)
    assert (foata_normal_form(events) == foata_normal_form(other)) == equivalent(events, other)


@given(traces())
def test_linearising_the_foata_form_gives_an_equivalent_sequence(events: list[Event]) -> None:
    assert equivalent(linearize(foata_normal_form(events)), events)


@given(traces())
def test_foata_layers_are_independent_and_each_leans_on_the_one_below(
    events: list[Event],
) -> None:
    layers = foata_normal_form(events)
    assert all(layers)
    for k, layer in enumerate(layers):
        assert layer == sorted(layer, key=lambda e: (e.tick, e.seq, e.id))
        for i, a in enumerate(layer):
            assert all(independent(a, b) for b in layer[i + 1:])
            if k > 0:
                assert any(not independent(a, b) for b in layers[k - 1])


def test_events_without_citizens_sit_in_the_first_layer() -> None:
    storm = Event(id="e2.0", tick=2, seq=0, op="storm", participants=())
    first = Event(id="e1.0", tick=1, seq=0, op="solo", participants=("ada",))
    second = Event(id="e3.0", tick=3, seq=0, op="solo", participants=("ada",))
    assert independent(storm, storm)
    assert foata_normal_form([first, storm, second]) == [[first, storm], [second]]
    assert foata_normal_form([]) == []


# --- Causal past and future --------------------------------------------------------------------

@given(traces(), st.randoms(use_true_random=False))
def test_causal_past_is_the_transitive_closure_of_dependence(
    events: list[Event], rnd: random.Random
) -> None:
    # Any order will do: the past is read in the sequence's own order.
    sequence = shuffled(events, rnd)
    trace = TraceIndex(sequence)
    for i in range(len(sequence)):
        assert trace.past(i) == sorted(past_by_closure(sequence, i))


@given(traces())
def test_causal_past_is_closed_under_dependence(events: list[Event]) -> None:
    trace = TraceIndex(events)
    for e in range(len(events)):
        past = set(trace.past(e))
        for x in past:
            for y in range(x):
                if not independent(events[x], events[y]):
                    assert y in past


@given(traces())
def test_causal_future_is_the_converse_of_the_causal_past(events: list[Event]) -> None:
    trace = TraceIndex(events)
    for x in range(len(events)):
        assert trace.future(x) == [y for y in range(len(events)) if x in trace.past(y)]


@given(traces())
def test_free_functions_agree_with_the_index(events: list[Event]) -> None:
    assume(events)
    trace = TraceIndex(events)
    middle = events[len(events) // 2]
    assert causal_past(events, middle.id) == trace.causal_past(middle.id)
    assert causal_future(events, middle.id) == trace.causal_future(middle.id)


@given(traces())
def test_immediate_predecessors_are_each_participants_previous_event(
    events: list[Event],
) -> None:
    for i, event in enumerate(events):
        expected = set()
        for citizen in event.participants:
            earlier = [j for j in range(i) if citizen in events[j].participants]
            if earlier:
                expected.add(earlier[-1])
        assert immediate_predecessors(events, i) == [events[j] for j in sorted(expected)]


@given(traces(), st.data())
def test_extending_an_index_answers_like_building_it_whole(
    events: list[Event], data: st.DataObject
) -> None:
    cut = data.draw(st.integers(0, len(events)))
    grown = TraceIndex(events[:cut])
    if cut:
        grown.future(0)  # a cached answer must not outlive the extension
    grown.extend(events[cut:])
    whole = TraceIndex(events)
    assert grown.foata() == whole.foata()
    for i in range(len(events)):
        assert grown.past(i) == whole.past(i)
        assert grown.future(i) == whole.future(i)
        assert grown.predecessors(i) == whole.predecessors(i)
        assert grown.successors(i) == whole.successors(i)


def test_a_trace_that_repeats_an_id_is_refused() -> None:
    a = Event(id="e1.0", tick=1, seq=0, op="solo", participants=("ada",))
    with pytest.raises(ValueError, match=r"e1\.0 twice"):
        TraceIndex([a, a])


def test_a_refused_extension_leaves_the_index_as_it_was() -> None:
    a = Event(id="e1.0", tick=1, seq=0, op="solo", participants=("ada",))
    b = Event(id="e2.0", tick=2, seq=0, op="solo", participants=("ada",))
    trace = TraceIndex([a])
    with pytest.raises(ValueError, match=r"e1\.0 twice"):
        trace.extend([b, a])
    assert list(trace.events) == [a]
    assert trace.citizen_positions("ada") == (0,)


def test_an_unknown_event_id_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match=r"e9\.9"):
        causal_past([], "e9.9")


# --- Why chains --------------------------------------------------------------------------------

def story() -> list[Event]:
    """A rumor about tomas starts with mira and reaches ada through bo; cy never hears it."""
    def event(tick: int, op: str, *who: str, **extra: object) -> Event:
        return Event.model_validate(
            {"id": Event.make_id(tick, 0), "tick": tick, "seq": 0, "op": op,
             "participants": who, **extra}
        )

    return [
        event(5, "greet", "ada", "cy"),
        event(10, "rumor", "mira", subject="tomas", perturbation=True, card="rumor"),
        event(20, "solo", "tomas"),
        event(30, "trade", "cy", "tomas"),
        event(40, "gossip", "mira", "bo", subject="tomas"),
        event(45, "greet", "mira", "dee"),
        event(60, "trade", "ada", "cy"),
        event(70, "greet", "dee", "ada"),
        event(90, "gossip", "bo", "ada", subject="tomas"),
    ]


def test_a_rumor_reaches_ada_through_two_gossips() -> None:
    chain = why_chain(story(), "ada", 100)
    assert [e.id for e in chain.events] == ["e10.0", "e40.0", "e90.0"]
    assert chain.lines() == [
        "tick 10 · rumor · mira about tomas (perturbation: rumor)",
        "tick 40 · gossip · mira → bo about tomas",
        "tick 90 · gossip · bo → ada about tomas",
    ]
    assert chain.reason == "rumor at tick 10 reached ada in 2 steps"


def test_the_why_chain_starts_from_the_citizens_state_at_that_tick() -> None:
    # Before bo's gossip, the rumor had reached ada only by the longer road through dee.
    chain = why_chain(story(), "ada", 89)
    assert [e.id for e in chain.events] == ["e10.0", "e40.0", "e45.0", "e70.0"]


def test_a_citizen_no_perturbation_reached_comes_from_the_seed() -> None:
    chain = why_chain(story(), "cy", 100)
    assert chain.events == ()
    assert chain.reason == (
        "no perturbation shaped cy by tick 100: the state comes from the seed alone"
    )
    assert chain.lines() == [chain.reason]


def test_a_citizen_with_no_event_yet_has_an_empty_chain() -> None:
    chain = why_chain(story(), "bo", 39)
    assert chain.events == ()
    assert chain.reason.startswith("bo has no event by tick 39")


def test_a_perturbation_aimed_at_the_citizen_is_its_own_why() -> None:
    chain = why_chain(story(), "mira", 10)
    assert [e.id for e in chain.events] == ["e10.0"]
    assert chain.reason == "rumor at tick 10 reached mira directly"


def _events(*steps: tuple[int, tuple[str, ...], bool]) -> list[Event]:
    return [Event(id=Event.make_id(t, 0), tick=t, seq=0, op="greet", participants=who,
                  perturbation=hit, card="greet" if hit else None) for t, who, hit in steps]


def test_the_most_recent_perturbation_is_the_one_explained() -> None:
    events = _events(
        (10, ("a", "t"), True),
        (20, ("b", "c"), True),
        (30, ("c", "d"), False),
        (40, ("d", "t"), False),
    )
    assert [e.tick for e in why_chain(events, "t", 40).events] == [20, 30, 40]


def test_equally_short_chains_go_through_the_most_recent_event() -> None:
    events = _events(
        (10, ("a", "b"), True),
        (20, ("a", "c"), False),
        (30, ("b", "d"), False),
        (40, ("c", "d", "t"), False),
    )
    assert [e.tick for e in why_chain(events, "t", 40).events] == [10, 30, 40]


def test_failed_events_say_so_in_the_chain() -> None:
    failed = Event(id="e7.0", tick=7, seq=0, op="greet", participants=("ada", "bo"),
                   success=False, reason="bo is resting", perturbation=True, card="greet")
    assert why_chain([failed], "bo", 7).lines() == [
        "tick 7 · greet · ada → bo (perturbation: greet; failed: bo is resting)"
    ]


@given(traces(), st.sampled_from(CITIZENS))
def test_a_why_chain_is_a_shortest_path_from_the_latest_card_to_where_it_reached_the_citizen(
    events: list[Event], citizen: str
) -> None:
    chain = why_chain(events, citizen, 10**6)
    if not chain.events:
        return
    trace = TraceIndex(events)
    ids = [trace.position(e.id) for e in chain.events]
    target = max(i for i, e in enumerate(events) if citizen in e.participants)
    source = max(i for i in [*trace.past(target), target] if events[i].perturbation)
    card = events[source].card
    played = [i for i in [*trace.past(source), source] if events[i].perturbation
              and events[i].card == card and events[i].op == card]
    assert ids[0] == (max(played) if played else source)
    # It ends where the card first reached the citizen on the way to their latest event.
    assert citizen in events[ids[-1]].participants
    assert all(citizen not in events[i].participants for i in ids[:-1])
    assert ids[-1] == target or ids[-1] in trace.past(target)
    for before, after in pairwise(ids):
        assert before in trace.predecessors(after)
    # No shorter path: breadth-first distance from the card along successor edges.
    distance, level = 0, {ids[0]}
    while ids[-1] not in level:
        level = {s for i in level for s in trace.successors(i)}
        distance += 1
    assert len(ids) - 1 == distance


def _festival() -> list[Event]:
    """A festival at tick 5 (everyone but cy and dee in its own event), its walk and
    arrival for ada at 9, then ada trades with cy and cy greets dee."""
    crowd = ("ada", "bo", "eve", "fay", "gus", "hal")
    return [
        Event(id="e5.0", tick=5, seq=0, op="festival", participants=crowd, perturbation=True,
              card="festival"),
        Event(id="e5.1", tick=5, seq=1, op="walk", participants=("ada",), perturbation=True,
              card="festival"),
        Event(id="e9.0", tick=9, seq=0, op="arrive", participants=("ada",), perturbation=True,
              card="festival"),
        Event(id="e12.0", tick=12, seq=0, op="trade", participants=("ada", "cy")),
        Event(id="e20.0", tick=20, seq=0, op="greet", participants=("cy", "dee")),
    ]


def test_the_why_chain_starts_at_the_cards_own_tick_not_its_first_effect() -> None:
    chain = why_chain(_festival(), "dee", 30)
    assert [e.id for e in chain.events] == ["e5.0", "e5.1", "e9.0", "e12.0", "e20.0"]
    assert chain.reason == "festival at tick 5 reached dee in 4 steps"


def test_a_crowd_in_the_why_chain_is_one_name_and_a_count() -> None:
    names = {"ada": "Ada", "bo": "Bo", "cy": "Cy", "dee": "Dee"}
    lines = why_chain(_festival(), "dee", 30).lines(names)
    assert lines[0] == "tick 5 · festival · Ada and 5 others (perturbation: festival)"
    assert max(len(line) for line in lines) < 70


def test_two_citizens_of_one_crowd_get_each_their_own_chain() -> None:
    names = {"ada": "Ada", "bo": "Bo"}
    ada, bo = (TraceIndex(_festival()).why(who, 30, names) for who in ("ada", "bo"))
    assert ada.lines(names) == ["tick 5 · festival · Ada and 5 others (perturbation: festival)"]
    assert bo.lines(names) == ["tick 5 · festival · Bo and 5 others (perturbation: festival)"]
    assert (ada.reason, bo.reason) == ("festival at tick 5 reached Ada directly",
                                       "festival at tick 5 reached Bo directly")
    # cy and dee were not in the crowd: each chain ends where the festival reached them.
    assert [e.id for e in why_chain(_festival(), "cy", 30).events][-1] == "e12.0"
    assert [e.id for e in why_chain(_festival(), "dee", 30).events][-1] == "e20.0"
