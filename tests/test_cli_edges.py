"""The command line at its edges: a reader that goes away, a render stopped by SIGTERM, zero,
spans the wrong way round, and ticks past a saved history's head. Each ends with a clear line or
quietly, never a traceback."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.cli import main

ROOT = Path(__file__).resolve().parent.parent



def one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    out = io.StringIO()
    assert main(argv, out=out) == 2
    assert out.getvalue() == ""
    [line] = capsys.readouterr().err.splitlines()
    return line


def test_zero_days_runs_no_tick_as_zero_ticks_does() -> None:
    by_days, by_ticks = io.StringIO(), io.StringIO()
    assert main(["run", "--days", "0"], out=by_days) == 0
    assert main(["run", "--ticks", "0"], out=by_ticks) == 0
    assert "events: 0\n" in by_days.getvalue()
    assert "time: at the start: day 1 morning 06:00 (tick 0)" in by_days.getvalue()
    assert by_days.getvalue() == by_ticks.getvalue()


def test_events_from_after_to_is_one_clear_line(
        village_save: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line(capsys, ["events", str(village_save), "--from", "900", "--to", "300"])
    assert line == "agent-town: --to 300 is before --from 900: no tick lies between"


def test_events_of_a_single_tick_are_still_asked_for_with_from_equal_to(village_save: Path) -> None:
    every = io.StringIO()
    assert main(["events", str(village_save)], out=every) == 0
    ticks = [json.loads(line)["tick"] for line in every.getvalue().splitlines()]
    busy = ticks[len(ticks) // 2]
    one = io.StringIO()
    assert main(["events", str(village_save), "--from", str(busy), "--to", str(busy)], out=one) == 0
    assert len(one.getvalue().splitlines()) == ticks.count(busy) > 0


def test_seek_past_the_saved_head_is_refused_naming_the_head(
        village_save: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line(capsys, ["seek", str(village_save), "--tick", "99999"])
    assert line == ("agent-town: tick 99,999 is past the head of branch main (tick 300): "
                    "choose a tick up to 300")
    out = io.StringIO()
    # The head itself is there.
    assert main(["seek", str(village_save), "--tick", "300"], out=out) == 0
    assert out.getvalue().startswith("branch main · tick 300\n")


def closed_pipe_run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command line with its output on a pipe whose reader has already gone."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run([sys.executable, "-m", "game", *argv], stdout=writer,
                              stderr=subprocess.PIPE, text=True, cwd=cwd, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT),
                                   "AGENT_TOWN_HOME": str(cwd / "home")})
    finally:
        os.close(writer)


@pytest.mark.slow
def test_every_command_ends_quietly_with_141_when_its_reader_has_gone(
        village_save: Path, tmp_path: Path) -> None:
    commands = [
        ["run", "--ticks", "20"],
        ["verify", str(village_save)],
        ["seek", str(village_save), "--tick", "100"],
        ["events", str(village_save)],
        ["why", str(village_save), "--citizen", "ada", "--tick", "300"],
        ["render", str(village_save), "--to", "10", "--out", str(tmp_path / "clip.gif")],
    ]
    for argv in commands:
        done = closed_pipe_run(argv, tmp_path)
        assert (done.returncode, done.stderr) == (141, ""), argv
    # --help and --version: argparse ignores a failed write of its text and exits 0, quietly.
    for argv in (["--help"], ["--version"], ["events", "--help"]):
        done = closed_pipe_run(argv, tmp_path)
        assert (done.returncode, done.stderr) == (0, ""), argv


@pytest.mark.slow
def test_events_piped_into_head_ends_quietly(village_save: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AGENT_TOWN_HOME": str(tmp_path)}
    done = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$0" -m game events "$1" | head -1; '
         'echo "status ${PIPESTATUS[0]}" >&2', sys.executable, str(village_save)],
        capture_output=True, text=True, env=env, timeout=120)
    assert done.stdout.count("\n") == 1 and done.stdout.startswith('{"id":')
    # 141 when head closed the pipe before the last lines; 0 when they all fit in the pipe
    # before head went (timing): quiet either way.
    assert done.stderr in ("status 141\n", "status 0\n")


def test_a_render_stopped_by_sigterm_leaves_no_file_and_says_so(
        village_save: Path, tmp_path: Path) -> None:
    out = tmp_path / "clip.gif"
    render = subprocess.Popen(
        [sys.executable, "-m", "game", "render", str(village_save), "--to", "300",
         "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "AGENT_TOWN_HOME": str(tmp_path / "home")})
    spool = tmp_path / ".clip.frames"
    deadline = time.monotonic() + 60
    while not (spool.exists() and spool.stat().st_size):  # frames are being written
        assert render.poll() is None and time.monotonic() < deadline, "the render never began"
        time.sleep(0.05)
    render.terminate()
    stdout, stderr = render.communicate(timeout=60)
    assert render.returncode == 143
    assert stdout == "" and stderr.rstrip().endswith("agent-town: stopped (SIGTERM)")
    assert not out.exists() and not spool.exists()


def test_a_cards_file_is_refused_in_words_when_its_cards_never_run_or_it_is_no_list(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    late, whole, bom = tmp_path / "late.json", tmp_path / "whole.json", tmp_path / "bom.json"
    late.write_text('[{"tick": 5, "card": "storm"}, {"tick": 50, "card": "greet"}]')
    whole.write_text('{"tick": 1}')
    line = one_line(capsys, ["run", "--ticks", "10", "--perturb", str(late), "--out",
                             str(tmp_path / "late.town")])
    assert line == f"agent-town: {late}: card 'greet' at tick 50 is after the run's last tick (10)"
    assert not (tmp_path / "late.town").exists()  # a card it never ran is not saved as run
    line = one_line(capsys, ["run", "--ticks", "10", "--perturb", str(whole)])
    assert line == (f"agent-town: {whole}: a list of cards is expected, e.g. "
                    '[{"tick": 300, "card": "festival"}]')
    # A byte-order mark, as some editors write, is read past.
    bom.write_bytes(b'\xef\xbb\xbf[{"tick": 5, "card": "festival"}]')
    out = io.StringIO()
    assert main(["run", "--ticks", "10", "--perturb", str(bom)], out=out) == 0
    assert "festival" in out.getvalue()
