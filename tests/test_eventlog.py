"""The columnar event log gives back every event exactly as the flux recorded it."""

from __future__ import annotations

import pytest

from game.sim.cards import CARDS, Perturbation
from game.sim.events import Event, Record
from game.sim.flux import TownFlux
from game.sim.scenarios import scenario
from game.trace.eventlog import EventLog, Events, template
from game.trace.timeline import Timeline


def every_card(ticks: int, every: int) -> list[Perturbation]:
    names = sorted(CARDS)
    return [Perturbation(tick=t, card=names[k % len(names)])
            for k, t in enumerate(range(every, ticks, every))]


def flux_records(name: str, seed: int, cards: list[Perturbation], ticks: int) -> list[Record]:
    """The records of a plain flux run."""
    flux = TownFlux(name, seed)
    for p in cards:
        flux.inject(p)
    return [record for _ in range(ticks) for record in flux.step()]


def flux_events(name: str, seed: int, cards: list[Perturbation], ticks: int) -> list[Event]:
    """The events of a plain flux run: the pydantic models its records make."""
    ids = [c.id for c in scenario(name).citizens]
    return [r.event(ids) for r in flux_records(name, seed, cards, ticks)]


def same_field_for_field(got: Event, want: Event) -> bool:
    return (got == want and got.model_dump() == want.model_dump()
            and got.model_fields_set == want.model_fields_set
            and [type(v) for v in got.metadata.values()]
            == [type(v) for v in want.metadata.values()])


@pytest.mark.slow
@pytest.mark.parametrize(("name", "seed"), [("town", 7), ("town", 3), ("city:120", 5)])
def test_a_long_run_with_every_card_reads_back_exactly(name: str, seed: int) -> None:
    ticks = 8 * 1600
    cards = every_card(ticks, 97)
    want = flux_events(name, seed, cards, ticks)
    timeline = Timeline(name, seed)
    timeline.add_perturbations(cards)
    timeline.advance(ticks)
    got = timeline.events()
    assert len(got) == len(want)
    assert all(same_field_for_field(g, w) for g, w in zip(got, want, strict=True))
    assert {e.op for e in want} >= {"festival", "storm", "rumor", "celebrate", "wake", "rest"}
    assert any(e.card for e in want) and any(not e.success for e in want)


def test_a_day_with_cards_reads_back_exactly_and_in_little_memory() -> None:
    cards = every_card(1600, 53)
    records = flux_records("town", 7, cards, 1600)
    ids = [c.id for c in scenario("town").citizens]
    want = [r.event(ids) for r in records]
    log = EventLog(scenario("town").citizens)
    log.append(records)
    got = [log.event(k) for k in range(len(log))]
    assert all(same_field_for_field(g, w) for g, w in zip(got, want, strict=True))
    assert len(got) == len(want)
    assert log.nbytes() / len(log) < 150


def test_texts_become_templates_shared_by_every_pair() -> None:
    names = ["Ada", "Bruno", ""]
    assert template("Ada greeted Bruno", names) == "{0} greeted {1}"
    assert template("Ada {greeted} Bruno", names).format(*names) == "Ada {greeted} Bruno"
    assert template("Bruno, Bruno, and Ada", names).format(*names) == "Bruno, Bruno, and Ada"
    assert template("Anna met Ann", ["Ann", "Anna", ""]) == "{1} met {0}"  # the longest first
    assert template("Ann sat", ["Ann", "Anna", "Bo"]) == "{0} sat"


MPP = [c.id for c in scenario("mpp").citizens]


def odd_record(**fields: object) -> Record:
    base = Record(tick=5, seq=1, op="greet", who=(0,), subject=-1, region=-1, success=True,
                  reason=None, message="", dialogue=None, tokens=0, drama=0.0, card=None,
                  metadata={})
    return base._replace(**fields)


@pytest.mark.parametrize("record", [
    odd_record(metadata={"nested": {"a": 1}, "none": None}),  # values the columns cannot hold
    odd_record(metadata={"big": 2**60, "list": [[1.0]]}),
    odd_record(seq=2**40),
])
def test_a_record_the_columns_cannot_hold_is_kept_as_its_event(record: Record) -> None:
    log = EventLog(scenario("mpp").citizens)
    plain = odd_record(seq=0, metadata={"k": [1, 2.5, "x", True], "s": "word"})
    log.append([plain, record])
    assert log.event(0) == plain.event(MPP)
    assert log.event(0).metadata["k"] == [1, 2.5, "x", True]
    assert log.event(1) == record.event(MPP)


def test_texts_a_template_would_not_give_back_are_kept_whole() -> None:
    citizens = scenario("mpp").citizens
    message = f"{citizens[0].name} said {{0}} and {{{citizens[0].name}}}"
    record = odd_record(message=message, dialogue="{}{", reason="}}")
    log = EventLog(citizens)
    log.append([record])
    assert log.event(0) == record.event(MPP)


def test_events_read_lazily_slice_and_compare_like_a_list() -> None:
    records = flux_records("village", 2, [], 3200)
    want = [r.event([c.id for c in scenario("village").citizens]) for r in records]
    log = EventLog(scenario("village").citizens)
    log.append(records[:100])
    other = EventLog(scenario("village").citizens)
    other.append(records[100:])
    events = Events([(log, 0, 100), (other, 0, len(want) - 100)])
    assert events == want and len(events) == len(want)
    assert events[-3:] == want[-3:] and events[95:105] == want[95:105]
    assert events[99] == want[99] and events[-1] == want[-1]
    assert [events.tick_at(k) for k in (0, 100, -1)] == [want[0].tick, want[100].tick,
                                                          want[-1].tick]
    assert events[5:5] == [] and not events[len(want):]
    with pytest.raises(IndexError):
        events.tick_at(len(want))


def test_a_brief_reads_what_the_event_says_without_building_it() -> None:
    """The feed's search reads whole histories as briefs: each says what its event says, for
    events in the columns and events kept whole alike."""
    records = flux_records("town", 7, every_card(1600, 53), 1600)
    odd = odd_record(tick=1601, seq=records[-1].seq + 1, message="Ada {did} it", card="greet",
                     metadata={"kept": None})  # kept as its event
    log = EventLog(scenario("town").citizens)
    log.append([*records, odd])
    ids = [c.id for c in scenario("town").citizens]
    want = [r.event(ids) for r in records]
    odd_event = odd.event(ids)
    briefs = list(Events([(log, 0, len(log))]).briefs())
    assert briefs == [(e.id, e.tick, e.op, e.message, e.participants, e.perturbation,
                       e.success) for e in [*want, odd_event]]
    assert any(not b.success for b in briefs) and any(b.perturbation for b in briefs)
    ticks, codes, ops = Events([(log, 0, len(log))]).op_columns()  # the timeline bar's marks
    assert list(zip(ticks.tolist(), [ops[c] for c in codes], strict=True)) == [
        (e.tick, e.op) for e in [*want, odd_event]]
    assert not log._built  # no event was built to read them
