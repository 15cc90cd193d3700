"""The headless command line: summaries, event files, perturbation files, readable errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import Progress, main
from game.sim.events import Event


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_run_prints_a_summary_ending_with_the_state_hash() -> None:
    code, out = run_cli("run", "--scenario", "town", "--seed", "7", "--days", "1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("scenario town · seed 7 · 25 citizens")
    for needed in ("events:", "perturbations:", "coalitions:", "strongest bonds:", "metrics:"):
        assert any(line.startswith(needed) for line in lines), needed
    assert lines[-1].startswith("state hash: ") and len(lines[-1].split()[-1]) == 16


def test_hash_at_prints_one_line_per_tick_matching_a_shorter_run() -> None:
    _, long_run = run_cli("run", "--ticks", "600", "--hash-at", "0,300,600")
    _, short_run = run_cli("run", "--ticks", "300")
    at = [line for line in long_run.splitlines() if line.startswith("tick ")]
    assert [line.split(":")[0] for line in at] == ["tick 0", "tick 300", "tick 600"]
    assert at[1].split(": ")[1] == short_run.splitlines()[-1].split(": ")[1]


def test_events_file_holds_every_event_as_json_lines(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    code, out = run_cli("run", "--ticks", "400", "--events", str(target))
    assert code == 0
    events = [Event.model_validate_json(line) for line in target.read_text().splitlines()]
    assert events and f"events: {len(events)}" in out
    assert [(e.tick, e.seq) for e in events] == sorted((e.tick, e.seq) for e in events)


def test_perturbation_file_injects_cards_at_their_ticks(tmp_path: Path) -> None:
    cards = tmp_path / "cards.json"
    cards.write_text(json.dumps([{"tick": 40, "card": "festival"},
                                 {"tick": 60, "card": "greet", "targets": ["ada", "tomas"]}]))
    events_file = tmp_path / "e.jsonl"
    code, out = run_cli("run", "--ticks", "100", "--perturb", str(cards),
                        "--events", str(events_file))
    assert code == 0
    events = [Event.model_validate_json(x) for x in events_file.read_text().splitlines()]
    assert any(e.tick == 40 and e.op == "festival" and e.perturbation for e in events)
    assert any(e.tick == 60 and e.card == "greet" for e in events)
    assert "festival" in next(line for line in out.splitlines()
                              if line.startswith("perturbations:"))


@pytest.mark.parametrize(("argv", "content", "message"), [
    (["run", "--scenario", "moon"], None, "unknown scenario 'moon'"),
    (["run", "--ticks", "-3"], None, "must not be negative"),
    (["run", "--days", "x"], None, "expected a whole number"),
    (["run", "--perturb", "{file}"], '[{"tick": 5, "card": "party"}]', "unknown card 'party'"),
    (["run", "--perturb", "{file}"], '[{"tick": 5, "card": "greet", "targets": ["zed"]}]',
     "unknown citizen 'zed'"),
    (["run", "--perturb", "{file}"], '[{"tick": 5, "card": "greet"', "line 1"),
    (["run", "--perturb", "{file}"], '[{"tick": -1, "card": "greet"}]', "item 0.tick"),
    (["run", "--perturb", "/nonexistent/cards.json"], None, "cannot read"),
    (["run", "--hash-at", "a,b"], None, "expected ticks"),
    (["fly"], None, "invalid choice"),
])
def test_bad_input_exits_non_zero_with_one_clear_line(
        tmp_path: Path, argv: list[str], content: str | None, message: str) -> None:
    file = tmp_path / "cards.json"
    if content is not None:
        file.write_text(content)
    args = [a.replace("{file}", str(file)) for a in argv]
    proc = subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True)
    assert proc.returncode == 2
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("agent-town: ") and message in err[0], err
    assert "Traceback" not in proc.stderr


def test_a_failed_run_leaves_no_partial_events_file(tmp_path: Path) -> None:
    target = tmp_path / "events.jsonl"
    target.write_text("old\n")
    code, _ = run_cli("run", "--ticks", "10", "--perturb", str(tmp_path / "missing.json"),
                      "--events", str(target))
    assert code == 2
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_long_runs_show_progress_on_a_terminal_and_stay_quiet_otherwise() -> None:
    tty = FakeTerminal()
    bar = Progress(40000, tty)
    for t in range(0, 40001, 1000):
        bar.update(t)
    bar.close()
    assert "100%" in tty.getvalue() and "[" in tty.getvalue()
    piped = io.StringIO()
    quiet = Progress(40000, piped)
    quiet.update(20000)
    quiet.close()
    assert piped.getvalue() == ""


def test_no_command_opens_the_window_and_can_screenshot(tmp_path: Path) -> None:
    import pygame

    shot = tmp_path / "shot.png"
    assert main(["--frames", "5", "--screenshot", str(shot), "--seed", "3"]) == 0
    image = pygame.image.load(str(shot))
    assert image.get_size() == (1280, 720)
    colours = {tuple(image.get_at((x, y)))[:3] for x in range(0, 1280, 64)
               for y in range(0, 720, 48)}
    assert len(colours) > 8  # a town, not a blank frame


def test_window_options_are_checked_before_the_window_opens() -> None:
    proc = subprocess.run([sys.executable, "-m", "game", "--scenario", "moon", "--frames", "1"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "agent-town: unknown scenario 'moon' (choose mpp, village, town, city:N)")


def test_load_opens_a_saved_history_in_the_window(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path / "home"))
    saved = tmp_path / "two.town"
    assert main(["run", "--ticks", "900", "--out", str(saved)], out=io.StringIO()) == 0
    shot = tmp_path / "loaded.png"
    assert main(["--load", str(saved), "--frames", "3", "--screenshot", str(shot)]) == 0
    assert shot.exists()


def test_a_bug_in_a_command_is_one_line_and_a_logged_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    import game.cli

    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))

    def broken(args: object, out: object) -> int:
        raise ZeroDivisionError("division by zero in a summary")

    monkeypatch.setitem(game.cli.COMMANDS, "run", broken)
    root = logging.getLogger()
    kept = list(root.handlers)
    try:
        assert main(["run", "--ticks", "1"]) == 1
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = kept
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unexpected error (ZeroDivisionError" in err[0]
    log_text = (tmp_path / "logs" / "agent-town.log").read_text()
    assert "Traceback" in log_text and "division by zero in a summary" in log_text
