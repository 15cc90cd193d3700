"""One run of a sweep: simulate (scenario, seed, cards), sample the town at the planned ticks,
and record the history as a `.town` (seed, cards, and the state hashes a save keeps).

`run` is what a Dask worker executes: plain data in (`RunPlan`), plain data out (`RunResult`),
nothing written, no clock read, so its result is the same bits on any worker, in any order.
Pure: never imports pygame, the view or the command line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from game import __version__
from game.experiments.spec import RunPlan, Sample, columns_for
from game.sim.events import EVENT_KINDS
from game.sim.flux import TownFlux
from game.trace import store
from game.trace.timeline import MAIN, Timeline

Value = int | float | str | list[int] | list[float]
Columns = dict[str, list[Value]]
@dataclass(frozen=True)
class RunResult:
    """A finished run: its rows as columns, its history as the text of a `.town` file, and
    the Agent Town that ran it."""

    run: str
    columns: Columns
    town: str
    version: str = __version__


def run(plan: RunPlan) -> RunResult:
    """Simulate one run from tick 0 to its last sample and sample it on the way."""
    timeline = Timeline(plan.scenario, plan.seed, keyframe_budget_mb=0.0)
    timeline.add_perturbations(list(plan.cards))
    head = plan.sample_ticks[-1]
    checks = set(store.checkpoints(head, 0))
    samples = set(plan.sample_ticks)
    hashes: dict[int, str] = {}
    counts: Counter[str] = Counter()
    columns: Columns = {name: [] for name in columns_for(plan.what)}
    samplers = [SAMPLERS[s] for s in Sample if s in plan.what]
    for stop in sorted(checks | samples):
        counts.update(r.op for r in timeline.advance_records(stop - timeline.cursor))
        state_hash = timeline.flux.state_hash()
        if stop in checks:
            hashes[stop] = state_hash
        if stop not in samples:
            continue
        row: dict[str, Value] = {
            "run": plan.run, "scenario": plan.scenario, "variant": plan.variant,
            "seed": plan.seed, "tick": stop, "day": TownFlux.day_of(stop),
            "state_hash": state_hash,
        }
        for sampler in samplers:
            row.update(sampler(timeline.flux, counts))
        for name, values in columns.items():
            values.append(row[name])
    return RunResult(plan.run, columns, _town(plan, head, hashes))


def _town(plan: RunPlan, head: int, hashes: dict[int, str]) -> str:
    """The run's history as a `.town` record: what `store.to_save` writes for the timeline,
    with the checkpoint hashes taken on the way rather than by seeking back."""
    branch = store.SavedBranch(name=MAIN, fork_tick=0, label=MAIN, head=head,
                               perturbations=list(plan.cards), hashes=hashes)
    record = store.SaveFile(format=store.FORMAT, version=store.VERSION,
                            app_version=__version__, scenario=plan.scenario, seed=plan.seed,
                            title=f"sweep run {plan.run}", current=MAIN, cursor=head,
                            branches=[branch])
    return record.model_dump_json(indent=1) + "\n"


def _metrics(flux: TownFlux, counts: Counter[str]) -> dict[str, Value]:
    m = flux.metrics()
    return {"tension": m["tension"], "cooperation": m["cooperation"], "surplus": m["surplus"],
            "drama": m["drama"], "events_today": int(m["events_today"]),
            "tokens": flux.state.tokens}


def _coalitions(flux: TownFlux, counts: Counter[str]) -> dict[str, Value]:
    sizes = sorted((len(c.members) for c in flux.state.coalitions), reverse=True)
    members = set().union(*(c.members for c in flux.state.coalitions))
    return {"coalitions": len(sizes), "coalition_largest": sizes[0] if sizes else 0,
            "coalition_members": len(members), "coalition_sizes": sizes}


def _events(flux: TownFlux, counts: Counter[str]) -> dict[str, Value]:
    out: dict[str, Value] = {f"events_{k}": counts[k] for k in EVENT_KINDS}
    out["events_total"] = sum(counts.values())
    return out


def _reputation(flux: TownFlux, counts: Counter[str]) -> dict[str, Value]:
    return {"reputation": [float(r) for r in flux.state.reputation]}


SAMPLERS: dict[Sample, Callable[[TownFlux, Counter[str]], dict[str, Value]]] = {
    Sample.METRICS: _metrics, Sample.COALITIONS: _coalitions, Sample.EVENTS: _events,
    Sample.REPUTATION: _reputation,
}
