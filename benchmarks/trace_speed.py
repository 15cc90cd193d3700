"""How fast the trace answers on a 10-day-sized trace: 50,000 events over 25 citizens; and what
the columnar event log costs on the records of a real town run.

Prints one figure per line, each the median of several runs:
  foata               Foata normal form from the raw events (building the index included)
  causal past median  one causal past query on an index built once, as the timeline asks it
  equivalent          trace equivalence of the run against its Foata linearisation
  event log write     writing an event into the log's columns (10 days of `town` with cards)
  event log read      building an `Event` back from them
  event log size      the log's bytes per event

Run with the project installed: `python benchmarks/trace_speed.py`. Imports only numpy and
`game.sim` / `game.trace`; never pygame or the view.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from game.sim.cards import CARDS, Perturbation
from game.sim.events import Event
from game.sim.flux import TownFlux
from game.trace.eventlog import EventLog
from game.trace.monoid import TraceIndex, equivalent, foata_normal_form, linearize

EVENTS = 50_000
CITIZENS = 25
SEED = 7
RUNS = 5
QUERIES = 200
# Roughly the town's mix: mostly pairs, some lone citizens, a rare crowd (celebrate, share).
ARITIES = np.array([1, 2, 3, 6])
ARITY_P = np.array([0.35, 0.6, 0.04, 0.01])
PERTURBATION_P = 0.002


def synthetic_trace(rng: np.random.Generator) -> list[Event]:
    """A run-shaped trace in (tick, seq) order: a few events per tick, random citizens."""
    names = [f"citizen-{k:02d}" for k in range(CITIZENS)]
    events: list[Event] = []
    tick, seq = 0, 0
    for _ in range(EVENTS):
        if rng.random() < 0.4:
            tick, seq = tick + int(rng.integers(1, 4)), 0
        arity = int(rng.choice(ARITIES, p=ARITY_P))
        who = tuple(names[k] for k in rng.choice(CITIZENS, size=arity, replace=False))
        perturbation = bool(rng.random() < PERTURBATION_P)
        events.append(Event(
            id=Event.make_id(tick, seq), tick=tick, seq=seq, op="greet", participants=who,
            perturbation=perturbation, card="greet" if perturbation else None,
        ))
        seq += 1
    return events


def median_ms(run: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return 1000 * statistics.median(samples)


def main() -> None:
    rng = np.random.default_rng(SEED)
    events = synthetic_trace(rng)
    foata_ms = median_ms(lambda: foata_normal_form(events), RUNS)

    trace = TraceIndex(events)
    queries = [events[int(i)].id for i in rng.integers(0, EVENTS, size=QUERIES)]
    samples = []
    for event_id in queries:
        start = time.perf_counter()
        trace.causal_past(event_id)
        samples.append(time.perf_counter() - start)
    past_ms = 1000 * statistics.median(samples)

    relinearised = linearize(trace.foata())
    equivalent_ms = median_ms(lambda: equivalent(events, relinearised), RUNS)

    print(f"foata: {foata_ms:.1f} ms")
    print(f"causal past median: {past_ms:.2f} ms")
    print(f"equivalent: {equivalent_ms:.1f} ms")
    event_log()


def event_log() -> None:
    flux = TownFlux("town", SEED)
    names = sorted(CARDS)
    for k, tick in enumerate(range(530, 16_000, 530)):
        flux.inject(Perturbation(tick=tick, card=names[k % len(names)]))
    records = [record for _ in range(16_000) for record in flux.step()]
    write_ms = median_ms(lambda: EventLog(flux.citizens).append(records), RUNS)
    log = EventLog(flux.citizens)
    log.append(records)
    read_ms = median_ms(lambda: [log.event(k) for k in range(len(log))], RUNS)
    print(f"event log write: {1000 * write_ms / len(records):.2f} µs per event")
    print(f"event log read: {1000 * read_ms / len(records):.2f} µs per event")
    print(f"event log size: {log.nbytes() / len(records):.0f} B per event")


if __name__ == "__main__":
    main()
