"""Sweeps without a cluster: the spec and its one-line errors, one run sampled, its `.town`,
and the table's files. (The Dask runs are in test_sweep_dask.py.)"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from game.cli import main
from game.experiments import sampling, spec, table
from game.experiments.spec import Sample
from game.trace import store
from game.trace.timeline import Timeline

SMALL: dict[str, Any] = {
    "name": "small", "scenarios": ["village"], "seeds": {"from": 1, "to": 3}, "ticks": 900,
    "variants": [{"name": "quiet"},
                 {"name": "rumor", "cards": [{"card": "rumor", "tick": 450}]}],
    "sample": {"every": 300, "what": ["metrics", "coalitions", "events", "reputation"]},
}


def with_(**changes: Any) -> dict[str, Any]:
    return {**SMALL, **changes}


def test_runs_follow_the_spec_scenario_then_variant_then_seed() -> None:
    s = spec.parse(with_(scenarios=["village", "mpp"], seeds=[9, 2]), "x")
    assert [r.run for r in s.runs()] == [
        "village-quiet-s9", "village-quiet-s2", "village-rumor-s9", "village-rumor-s2",
        "mpp-quiet-s9", "mpp-quiet-s2", "mpp-rumor-s9", "mpp-rumor-s2"]
    assert s.sample_ticks() == [0, 300, 600, 900]
    assert spec.parse(with_(ticks=1000), "x").sample_ticks() == [0, 300, 600, 900, 1000]


def test_a_card_over_a_tick_range_plays_at_each_tick() -> None:
    storms = {"name": "storms", "cards": [
        {"card": "storm", "ticks": {"from": 100, "to": 700, "every": 300}},
        {"card": "festival", "tick": 400}]}
    s = spec.parse(with_(variants=[storms]), "x")
    assert [(p.tick, p.card) for p in s.runs()[0].cards] == [
        (100, "storm"), (400, "storm"), (400, "festival"), (700, "storm")]


def test_days_set_the_length_in_whole_days() -> None:
    s = spec.parse({k: v for k, v in with_(days=2).items() if k != "ticks"}, "x")
    assert s.length == 3200 and s.sample_ticks()[-1] == 3200


@pytest.mark.parametrize("changes, said", [
    ({"scenarios": ["town", "hamlet"]}, "scenarios.1: unknown scenario 'hamlet'"),
    ({"seeds": {"from": 5, "to": 2}}, "seeds: seeds from 5 to 2"),
    ({"seeds": [1, 1]}, "a seed is listed twice"),
    ({"seeds": "many"}, "seeds: Input should be a valid list"),
    ({"days": 2}, "give either 'days' or 'ticks'"),
    ({"variants": [{"name": "x", "cards": [{"card": "rumour", "tick": 5}]}]},
     "variants.0.cards.0: unknown card 'rumour'"),
    ({"variants": [{"name": "x", "cards": [{"card": "storm"}]}]}, "either a 'tick' or 'ticks'"),
    ({"variants": [{"name": "x", "cards": [{"card": "greet", "tick": 5,
                                              "targets": ["zed"]}]}]},
     "variant 'x' in scenario 'village': card 'greet': unknown citizen 'zed'"),
    ({"variants": [{"name": "late", "cards": [{"card": "storm", "tick": 5000}]}]},
     "card 'storm' at tick 5,000 is after the run's last tick (900)"),
    ({"variants": [{"name": "A b"}, {"name": "a-B"}]}, "would name the same runs"),
    ({"sample": {"every": 0}}, "sample.every: Input should be greater than or equal to 1"),
    ({"sample": {"what": ["moods"]}}, "sample.what.0: Input should be 'metrics'"),
    ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ({"report": {"metrics": ["tension", "reputation"]}},
     "report.metrics: the sweep samples no column 'reputation' (it samples tension,"),
    ({"report": {"since": 600, "until": 300}}, "expected since < until"),
])
def test_a_bad_spec_is_refused_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, Any],
        said: str) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(with_(**changes)))
    code = main(["sweep", str(path), "--out", str(tmp_path / "out")], out=io.StringIO())
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith(f"agent-town: {path}: ") and said in lines[0], lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv, said", [
    (["sweep", "{spec}"], "sweep needs --out DIR"),
    (["sweep", "{spec}", "--out", "{out}", "--workers", "2", "--scheduler", "tcp://x:1"],
     "--workers sizes a local cluster"),
    (["sweep", "{spec}", "--out", "{out}", "--workers", "0"],
     "a local cluster takes 1 to 256 workers, got 0"),
    (["sweep", "report"], "sweep report needs the sweep's folder"),
    pytest.param(["sweep", "report", "{out}"], "holds no finished sweep",
                 marks=pytest.mark.slow),  # loads matplotlib: a second or more
    (["sweep", "{tmp}/missing.json", "--out", "{out}"], "cannot read"),
])
def test_bad_sweep_commands_say_why_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SMALL))
    names = {"spec": str(path), "out": str(tmp_path / "out"), "tmp": str(tmp_path)}
    code = main([a.format(**names) for a in argv], out=io.StringIO())
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and said in lines[0], lines


def test_a_run_samples_the_same_town_the_timeline_runs() -> None:
    plan = spec.parse(SMALL, "x").runs()[4]  # village, rumor, seed 2
    result = sampling.run(plan)
    cols = result.columns
    assert cols["tick"] == [0, 300, 600, 900] and set(cols["run"]) == {"village-rumor-s2"}
    assert list(cols) == list(spec.columns_for(tuple(Sample)))
    timeline = Timeline("village", 2, keyframe_budget_mb=0.0)
    timeline.add_perturbations(list(plan.cards))
    events = timeline.advance(600)
    assert cols["state_hash"][2] == timeline.flux.state_hash()
    assert cols["events_total"][2] == len(events)
    assert cols["events_rumor"][2] == sum(e.op == "rumor" for e in events) > 0
    assert cols["tension"][2] == timeline.flux.metrics()["tension"]
    assert cols["coalitions"][2] == len(timeline.flux.state.coalitions)
    assert cols["reputation"][2] == timeline.flux.state.reputation.tolist()


def test_a_runs_town_file_is_its_history_and_verifies(tmp_path: Path) -> None:
    plan = spec.parse(with_(ticks=3300), "x").runs()[5]
    result = sampling.run(plan)
    path = tmp_path / "run.town"
    path.write_text(result.town)
    timeline, record, finals = store.load(path)
    assert (record.scenario, record.seed) == ("village", 3)
    assert list(record.branches[0].perturbations) == list(plan.cards)
    assert sorted(record.branches[0].hashes) == [1600, 3200, 3300]
    assert finals["main"] == result.columns["state_hash"][-1]
    timeline.seek(1500)
    assert timeline.flux.state_hash() == result.columns["state_hash"][5]


def test_the_table_is_assembled_in_the_spec_order_with_the_spec_inside(tmp_path: Path) -> None:
    s = spec.parse(with_(seeds=[1, 2], ticks=600), "x")
    results = [sampling.run(plan) for plan in s.runs()]
    for result in reversed(results):  # the order runs come back in changes nothing
        table.write_run(tmp_path, result, table.encode(s, result))
    first = table.assemble(tmp_path, s).read_bytes()
    rows, stored = table.read(tmp_path)
    assert stored == s
    assert rows.column("run").to_pylist()[::3] == [r.run for r in s.runs()]
    assert json.loads(rows.schema.metadata[table.META_CITIZENS])["village"][0] == "ada"
    for result in results:
        table.write_run(tmp_path, result, table.encode(s, result))
    assert table.assemble(tmp_path, s).read_bytes() == first
    assert pq.read_table(tmp_path / table.TABLE).equals(rows)
