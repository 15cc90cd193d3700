"""Save files: round trips, verification, clear errors for bad files, atomic writes."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game import config
from game.cli import main
from game.sim.cards import CARDS, Perturbation
from game.trace import store
from game.trace.timeline import MAIN, Timeline
from game.userfiles import storage


def history() -> Timeline:
    tl = Timeline("town", 7)
    tl.add_perturbation(Perturbation(tick=40, card="festival"))
    tl.advance(2000)
    tl.seek(900)
    tl.play("rumor", ["igor"])
    tl.advance(700)
    return tl


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("saves") / "story.town"
    store.save(history(), path, title="a story")
    return path


def test_save_then_load_verifies_every_branch(saved: Path) -> None:
    original = history()
    timeline, record, finals = store.load(saved)
    assert record.title == "a story" and set(finals) == {MAIN, "b1"}
    assert timeline.current == "b1" and timeline.cursor == 1600
    assert finals[MAIN] == original.hash_at(2000, MAIN)
    assert finals["b1"] == original.hash_at(1600, "b1")
    assert timeline.branches["b1"].fork_tick == 900
    assert timeline.events(MAIN) == original.events(MAIN)


def test_a_save_holds_seed_and_cards_not_events(saved: Path) -> None:
    raw = json.loads(saved.read_text())
    assert raw["format"] == "agent-town" and raw["version"] == 2 and raw["seed"] == 7
    assert {b["name"] for b in raw["branches"]} == {"main", "b1"}
    assert "events" not in saved.read_text()


@pytest.mark.slow
def test_an_hour_of_play_with_a_hundred_cards_is_a_few_tens_of_kb(tmp_path: Path) -> None:
    tl = Timeline("town", 7)
    hour = 3600 * config.TICKS_PER_SECOND
    cards = list(CARDS)
    for k in range(100):
        tl.add_perturbation(Perturbation(tick=(k + 1) * (hour // 101), card=cards[k % 10]))
    tl.advance(hour)
    path = tmp_path / "hour.town"
    store.save(tl, path)
    assert path.stat().st_size < 40_000


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, 600), st.sampled_from(sorted(CARDS))), max_size=6),
       st.integers(0, 2**31))
def test_save_and_load_round_trip_any_history(tmp_path: Path, cards: list[tuple[int, str]],
                                              seed: int) -> None:
    tl = Timeline("village", seed)
    for tick, card in sorted(cards):
        tl.add_perturbation(Perturbation(tick=tick, card=card))
    tl.advance(650)
    path = tmp_path / "any.town"
    store.save(tl, path)
    loaded, _, finals = store.load(path)
    assert finals[MAIN] == tl.hash_at(650)
    assert loaded.events() == tl.events()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.town"
    path.write_text(text)
    return path


def edited(saved: Path, change: dict[str, object]) -> str:
    raw = json.loads(saved.read_text())
    for key, value in change.items():
        target = raw
        *parents, last = key.split("/")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return json.dumps(raw)


@pytest.mark.parametrize(("change", "message"), [
    ({"version": 9}, "save version 9 is not read by this Agent Town"),
    ({"format": "other"}, "not an Agent Town save file"),
    ({"scenario": "moon"}, "unknown scenario 'moon'"),
    ({"branches/0/perturbations/0/card": "party"}, "unknown card 'party'"),
    ({"branches/1/perturbations/0/targets": ["zed"]}, "unknown citizen 'zed'"),
    ({"branches/0/perturbations/0/targets": ["zed"]}, "festival takes no targets"),
    ({"branches/0/hashes/1600": "0000000000000000"}, "state hash at tick 1600"),
    ({"branches/1/parent": "nowhere"}, "parent 'nowhere'"),
    ({"current": "b9"}, "current branch 'b9'"),
    ({"seed": -1}, "seed"),
])
def test_every_bad_file_gives_one_clear_error(saved: Path, tmp_path: Path,
                                              change: dict[str, object], message: str) -> None:
    path = write(tmp_path, edited(saved, change))
    with pytest.raises(store.SaveError, match=message) as err:
        store.load(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_truncated_and_non_json_files_are_clear_errors(saved: Path, tmp_path: Path) -> None:
    text = saved.read_text()
    with pytest.raises(store.SaveError, match=r"line \d+"):
        store.load(write(tmp_path, text[: len(text) // 2]))
    with pytest.raises(store.SaveError, match="not an Agent Town save file"):
        store.load(write(tmp_path, "[1, 2, 3]"))
    with pytest.raises(store.SaveError, match="cannot open"):
        store.load(tmp_path / "missing.town")
    binary = tmp_path / "binary.town"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(store.SaveError, match="cannot open"):
        store.load(binary)


def test_cli_reports_a_bad_file_in_one_line_and_exits_2(saved: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    path = write(tmp_path, edited(saved, {"branches/0/hashes/1600": "0" * 16}))
    assert main(["verify", str(path)], out=io.StringIO()) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "state hash at tick 1600" in err[0]


def test_an_interrupted_write_leaves_the_old_file_intact(saved: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keep.town"
    target.write_text(saved.read_text())

    def crash(*_: object) -> None:
        raise OSError("disk vanished")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk vanished"):
        storage.atomic_write_text(target, "half a file")
    assert target.read_text() == saved.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.town"]


def test_verify_seek_events_and_why_commands(saved: Path) -> None:
    out = io.StringIO()
    assert main(["verify", str(saved)], out=out) == 0
    assert out.getvalue().startswith(f"OK {saved}")
    out = io.StringIO()
    assert main(["seek", str(saved), "--tick", "1200", "--branch", "main"], out=out) == 0
    assert out.getvalue().splitlines()[-1] == f"state hash: {history().hash_at(1200, MAIN)}"
    out = io.StringIO()
    assert main(["events", str(saved), "--from", "40", "--to", "40"], out=out) == 0
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert lines and all(e["tick"] == 40 for e in lines)
    assert any(e["op"] == "festival" for e in lines)
    out = io.StringIO()
    assert main(["why", str(saved), "--citizen", "Igor", "--tick", "1500"], out=out) == 0
    assert "perturbation" in out.getvalue()


def test_seek_matches_run_hash_at(tmp_path: Path) -> None:
    path = tmp_path / "run.town"
    ran = io.StringIO()
    assert main(["run", "--ticks", "1000", "--hash-at", "777", "--out", str(path)], out=ran) == 0
    sought = io.StringIO()
    assert main(["seek", str(path), "--tick", "777"], out=sought) == 0
    expected = next(x for x in ran.getvalue().splitlines() if x.startswith("tick 777:"))
    assert sought.getvalue().splitlines()[-1] == "state hash: " + expected.split(": ")[1]
