"""The limits (issue 17 §3) and the inputs that used to slip past them (§4): each small hostile
input is refused quickly with one line that names the problem, never an unexpected error."""

from __future__ import annotations

import copy
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from game import limits
from game.cli import main
from game.demos import script as demo
from game.sim.cards import Perturbation
from game.sim.flux import TownFlux
from game.trace import store
from game.trace.timeline import MAIN, Timeline, snapshot_bytes
from tests.helpers import village_save


def one_line(capsys: pytest.CaptureFixture[str], argv: list[str], status: int = 2) -> str:
    """Run the command line; assert the status and exactly one line on stderr; that line."""
    assert main(argv, out=io.StringIO()) == status
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("agent-town: "), err
    assert "unexpected error" not in err and "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def good_record() -> dict[str, Any]:
    """A small save as JSON: village, main to tick 900, b1 forked at 500 with a card."""
    return village_save(festival=100, head=900, fork=500)


@pytest.fixture
def town_file(tmp_path: Path, good_record: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """A copy of the good record to spoil, and the path to write it to."""
    yield tmp_path / "spoiled.town", copy.deepcopy(good_record)


def write(path: Path, raw: object) -> str:
    path.write_text(json.dumps(raw))
    return str(path)


# --- the limits, stated once ---------------------------------------------------------------------


def test_a_year_of_ticks_and_the_other_limits_are_stated_in_one_place() -> None:
    assert limits.MAX_TICKS == 365 * 1600
    assert limits.MAX_CITIZENS >= 2500  # the benchmark's city
    with pytest.raises(limits.LimitError, match="limit of 584,000 ticks"):
        limits.check_ticks(10**12)
    assert limits.number(10**5000) == "a 5001-digit number"


def test_a_big_town_is_refused_before_allocating_when_memory_is_short_and_allowed_if_it_fits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(limits.LimitError, match=r"10,000 citizens need about 394 MB of memory; "
                                                r"this machine has 300 MB free"):
        limits.check_citizens(10_000, available=300 * 1024**2)
    assert limits.check_citizens(10_000, available=400 * 1024**2) == 10_000  # it fits
    assert limits.memory_size(limits.memory_needed(10_000) * 4) == "1.5 GB"

    monkeypatch.setattr(limits, "available_memory", lambda: 50 * 1024**2)
    with pytest.raises(ValueError, match="citizens need about"):
        TownFlux("city:300")


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "--ticks", str(10**12)], "--ticks: 1,000,000,000,000 is past the limit of 584,000"),
    (["run", "--days", "366"], "--days: 366 days (a simulated year): the limit is 365"),
    (["run", "--scenario", "city:20000"], "a town holds 1 to 10,000 citizens, got 20,000"),
    (["run", "--scenario", "city:0"], "a town holds 1 to 10,000 citizens, got 0"),
    (["run", "--seed", str(2**64)], "--seed: a 20-digit number as a seed: the limit is"),
    (["run", "--ticks", "9" * 5000], "expected a whole number, got '99999"),
    (["seek", "x.town", "--tick", str(10**12)], "--tick: 1,000,000,000,000 is past the limit"),
    (["events", "x.town", "--to", "584001"], "--to: 584,001 is past the limit"),
    (["--start-tick", str(10**9), "--frames", "1"], "--start-tick: 1,000,000,000 is past"),
    (["--frames", str(10**9)], "--frames: 1,000,000,000 frames (an hour at 60 fps)"),
])
def test_the_command_line_refuses_beyond_the_limits_at_once(
        capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    started = time.perf_counter()
    assert message in one_line(capsys, argv)
    assert time.perf_counter() - started < 2


def test_a_card_file_beyond_the_limit_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cards = [{"tick": 5, "card": "festival"}] * (limits.MAX_CARDS + 1)
    line = one_line(capsys, ["run", "--perturb", write(tmp_path / "c.json", cards)])
    assert "10,001 cards: the limit is 10,000" in line


def test_ten_thousand_cards_load_in_linear_time(tmp_path: Path) -> None:
    cards = [Perturbation(tick=1 + k // 3, card="festival") for k in range(limits.MAX_CARDS)]
    timeline = Timeline("village", 1)
    started = time.perf_counter()
    timeline.add_perturbations(cards)
    assert time.perf_counter() - started < 1.0  # re-sorting after every card took ~8 s
    assert timeline.branch.perturbations == cards


def test_cards_of_one_tick_keep_the_order_they_were_played() -> None:
    timeline = Timeline("village", 1)
    played = [Perturbation(tick=t, card=c) for t, c in ((9, "storm"), (5, "festival"),
                                                          (9, "festival"), (5, "storm"))]
    for p in played:
        timeline.add_perturbation(p)
    bulk = Timeline("village", 1)
    bulk.add_perturbations(played)
    expected = [played[1], played[3], played[0], played[2]]
    assert timeline.branch.perturbations == bulk.branch.perturbations == expected


# --- .town files ---------------------------------------------------------------------------------


def spoil(raw: dict[str, Any], how: str) -> dict[str, Any]:
    main_b, b1 = raw["branches"]
    if how == "two mains":
        raw["branches"].append(copy.deepcopy(main_b))
    elif how == "fork past the parent's head":
        b1["fork_tick"], b1["head"] = 950, 1000
        b1["hashes"] = {"1000": b1["hashes"]["600"]}
        b1["perturbations"] = []
    elif how == "head before the fork":
        b1["head"], b1["hashes"] = 400, {}
    elif how == "no hashes":
        for b in raw["branches"]:
            b["hashes"] = {}
    elif how == "true as a tick":
        b1["fork_tick"] = True
    elif how == "true as a seed":
        raw["seed"] = True
    elif how == "a negative hash tick":
        main_b["hashes"]["-5"] = "0123456789abcdef"
    elif how == "a hash past the head":
        main_b["hashes"]["5000"] = "0123456789abcdef"
    elif how == "a head a trillion ticks away":
        main_b["head"] = 10**12
    elif how == "a history of more than a year":
        main_b["head"] = limits.MAX_TICKS
        main_b["hashes"] = {str(limits.MAX_TICKS): "0123456789abcdef"}
    elif how == "too many branches":
        raw["branches"] += [dict(copy.deepcopy(b1), name=f"c{k}") for k in range(300)]
    elif how == "a 10,000-character name":
        b1["name"] = raw["current"] = "b" * 10_000
    elif how == "a name with an escape code":
        b1["name"] = raw["current"] = "\x1b[2J\x1b[31mOK"
    elif how == "a name with a newline":
        b1["name"] = raw["current"] = "b1\nOK fake.town"
    elif how == "a hash at every tick":
        main_b["hashes"].update({str(t): "0123456789abcdef" for t in range(1, 900)})
    elif how == "a hash that is no hash":
        main_b["hashes"]["900"] = "x" * 5000
    return raw


@pytest.mark.parametrize(("how", "message"), [
    ("two mains", "branch 'main' is declared twice"),
    ("fork past the parent's head", "forks at tick 950, past its parent's head (tick 900)"),
    ("head before the fork", "head 400 is before the fork at tick 500"),
    ("no hashes", "no state hash at the head (tick 900)"),
    ("true as a tick", "fork_tick: Input should be a valid integer"),
    ("true as a seed", "seed: Input should be a valid integer"),
    ("a negative hash tick", "a hash at tick -5 lies outside the branch"),
    ("a hash past the head", "a hash at tick 5,000 lies outside the branch"),
    ("a head a trillion ticks away", "1,000,000,000,000 is past the limit of 584,000 ticks"),
    ("a history of more than a year", "(all branches) reach 584,100 is past the limit"),
    ("too many branches", "302 branches: the limit is 256"),
    ("a 10,000-character name", "is 10,000 characters long: the limit is 64"),
    ("a name with an escape code", r"name '\x1b[2J\x1b[31mOK' holds control characters"),
    ("a name with a newline", r"name 'b1\nOK fake.town' holds control characters"),
    ("a hash that is no hash", "String should match pattern"),
    ("a hash at every tick", "a hash at tick 1 is neither at a day's end nor at the head"),
])
def test_a_spoiled_town_file_is_refused_in_one_line_before_any_simulation(
        town_file: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str],
        how: str, message: str) -> None:
    path, raw = town_file
    started = time.perf_counter()
    line = one_line(capsys, ["verify", write(path, spoil(raw, how))])
    assert message in line and "\x1b" not in line
    assert time.perf_counter() - started < 2


def test_a_town_of_cards_only_verifies_nothing_and_says_so(
        town_file: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    path, raw = town_file
    for b in raw["branches"]:
        b["head"], b["hashes"] = b["fork_tick"], {}
    line = one_line(capsys, ["verify", write(path, raw)])
    assert line.endswith("holds no state hashes: nothing to verify")


def test_verify_says_how_many_hashes_it_checked(
        town_file: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    path, raw = town_file
    out = io.StringIO()
    assert main(["verify", write(path, raw)], out=out) == 0
    assert "2 branches, 2 state hashes checked" in out.getvalue()


def test_verify_reports_progress_over_the_whole_history(
        town_file: tuple[Path, dict[str, Any]]) -> None:
    path, raw = town_file
    record = store.read(write(path, raw))
    heard: list[tuple[int, int]] = []
    store.verify(record, store.build(record), progress=lambda done, total: heard.append(
        (done, total)))
    assert heard[-1] == (1000, 1000)  # main's 900 ticks and b1's 100
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)


def test_a_long_walk_reports_every_thousand_ticks() -> None:
    timeline = Timeline("mpp", 1)
    seen: list[int] = []
    timeline.walk(3500, MAIN, seen.append)
    assert seen == [1000, 2000, 3000, 3500] and timeline.cursor == 3500


# --- JSON a person wrote -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('[{"tick": ' + "9" * 5001 + ', "card": "greet"}]', "a number is too long"),
])
@pytest.mark.parametrize("command", ["verify", "perturb", "demo"])
def test_deep_nesting_and_huge_numbers_are_one_line_naming_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str,
        command: str) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(text)
    if command == "demo":
        with pytest.raises(demo.DemoError) as err:
            demo.load(path)
        line = str(err.value)
    else:
        argv = ["verify", str(path)] if command == "verify" else ["run", "--perturb", str(path)]
        line = one_line(capsys, argv)
    assert str(path) in line and line.endswith(message)


@pytest.mark.parametrize(("step", "message"), [
    ({"at": 1e308, "do": "wait"}, "at: 1e+308 s is past the limit of 3,600 s"),
    ({"at": float("inf"), "do": "wait"}, "at: Input should be a finite number"),
    ({"at": float("nan"), "do": "wait"}, "at: Input should be a finite number"),
    ({"at": 1, "do": "caption", "text": "hi", "seconds": float("inf")}, "seconds: Input should"),
    ({"at": 1, "do": "speed", "speed": True}, "speed: Input should be a valid integer"),
    ({"at": 1, "do": "overlay", "name": "hud", "on": 1}, "on: Input should be a valid boolean"),
    ({"at": 1, "do": "scrub", "tick": 10**12}, "tick: 1,000,000,000,000 is past the limit"),
    ({"at": 1, "do": "branch", "name": "b1\n\x1b[31m"}, "holds control characters"),
    ({"at": 1, "do": "caption", "text": "line\nforged"}, "holds control characters"),
])
def test_a_demo_step_out_of_bounds_is_one_clean_line(
        tmp_path: Path, step: dict[str, object], message: str) -> None:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps({"steps": [step]}))  # json writes Infinity and NaN as Python does
    with pytest.raises(demo.DemoError, match="step 0") as err:
        demo.load(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_card_tick_given_as_true_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cards = write(tmp_path / "c.json", [{"tick": True, "card": "festival"}])
    assert "item 0.tick: Input should be a valid integer" in one_line(
        capsys, ["run", "--perturb", cards])


# --- options that were silently ignored, output paths, --load -------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "--perturb", ""], "argument --perturb: expected a file name, got ''"),
    (["run", "--out", ""], "argument --out: expected a file name, got ''"),
    (["run", "--events", ""], "argument --events: expected a file name, got ''"),
    (["seek", "x.town", "--tick", "1", "--branch", ""], "argument --branch: branch name is empty"),
    (["run", "--ticks", "600", "--hash-at", "300,700"],
     "--hash-at: tick 700 is after the run's last tick (600)"),
])
def test_an_option_that_would_be_ignored_is_refused(
        capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert message in one_line(capsys, argv)


@pytest.mark.parametrize("argv", [
    ["run", "--ticks", "50000", "--out", "{dir}"],
    ["run", "--ticks", "50000", "--events", "{dir}"],
    ["run", "--ticks", "50000", "--events", "{file}/events.jsonl"],
    ["--frames", "1", "--screenshot", "{dir}"],
    ["render", "--out", "{dir}"],
    ["render", "--out", "{file}.avi"],
])
def test_an_output_path_that_cannot_be_written_is_refused_before_the_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    plain = tmp_path / "plain.txt"
    plain.write_text("keep")
    args = [a.replace("{dir}", str(folder)).replace("{file}", str(plain)) for a in argv]
    started = time.perf_counter()
    line = one_line(capsys, args)
    assert time.perf_counter() - started < 2  # 50,000 ticks would take several seconds
    assert line.startswith("agent-town: cannot write ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "plain.txt"]
    assert list(folder.iterdir()) == [] and plain.read_text() == "keep"


def test_a_headless_load_that_fails_exits_2_instead_of_showing_the_default_town(
        town_file: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    path, raw = town_file
    shot = path.with_suffix(".png")
    missing = one_line(capsys, ["--load", str(path), "--frames", "1"])
    assert missing.startswith(f"agent-town: cannot open {path}")
    raw["branches"][0]["hashes"]["900"] = "0123456789abcdef"
    line = one_line(capsys, ["--load", write(path, raw), "--frames", "1",
                             "--screenshot", str(shot)])
    assert "state hash at tick 900 is" in line and not shot.exists()


def test_a_window_asked_to_load_a_missing_or_broken_file_says_so_and_opens_no_town(
        town_file: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import game.view.window

    def no_window(*args: object, **kwargs: object) -> int:
        raise AssertionError("a window opened on another town")
    monkeypatch.setattr(game.view.window, "run_app", no_window)
    path, _ = town_file
    assert one_line(capsys, ["--load", str(path)]) == (
        f"agent-town: cannot open {path}: No such file or directory")
    path.write_text("garbage")
    assert one_line(capsys, ["--load", str(path)]) == (
        f"agent-town: cannot open {path}: not JSON: line 1: expecting value")


# --- a history that grows live (the window, the timeline) -----------------------------------------


def test_the_timeline_stops_at_the_history_limit_counting_every_branch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TICKS", 300)
    timeline = Timeline("mpp", 1)
    timeline.advance(300)
    with pytest.raises(limits.LimitError, match="the history holds 300 ticks"):
        timeline.advance(1)
    timeline.seek(250)
    timeline.play("festival")  # a fork: its ticks count too
    with pytest.raises(limits.LimitError):
        timeline.advance(1)
    assert timeline.ticks_held() == 300 and timeline.cursor == 250


def test_branches_and_cards_stop_at_their_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_BRANCHES", 2)
    monkeypatch.setattr(limits, "MAX_CARDS", 2)
    timeline = Timeline("mpp", 1)
    timeline.advance(10)
    timeline.seek(5)
    timeline.play("festival")
    timeline.seek(3)
    with pytest.raises(limits.LimitError, match="3 branches: the limit is 2"):
        timeline.play("storm")
    timeline.add_perturbations([Perturbation(tick=20, card="storm")])
    with pytest.raises(limits.LimitError, match="3 cards on branch b1: the limit is 2"):
        timeline.add_perturbation(Perturbation(tick=30, card="storm"))


def test_the_window_pauses_at_the_limit_and_says_why(
        assets: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from game.view.app import App
    from game.view.intents import SetSpeed

    monkeypatch.setattr(limits, "MAX_TICKS", 30)
    app = App(Timeline("mpp", 1), reproducible=True, assets=assets)  # type: ignore[arg-type]
    app.apply(SetSpeed(5))  # 16×
    for _ in range(5):
        app.frame(1 / 60 * 10)
    assert app.timeline.cursor == 30 and app.ui.speed == 0
    assert any("the history holds 30 ticks" in t for t in app.widgets.toasts.texts_shown())


def test_the_command_line_refuses_ticks_past_a_saved_head_even_of_a_full_history(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    timeline = Timeline("mpp", 1)
    timeline.advance(200)
    timeline.seek(100)
    timeline.play("festival")
    timeline.advance(100)
    saved = tmp_path / "full.town"
    store.save(timeline, saved)  # main holds 200 ticks, b1 101
    monkeypatch.setattr(limits, "MAX_TICKS", 320)
    # The command line never simulates past a saved head, so never meets the limit there.
    for argv in (["events", str(saved), "--to", "250"], ["state", str(saved), "--tick", "250"],
                 ["why", str(saved), "--citizen", "ada", "--tick", "250"],
                 ["events", str(saved), "--from", "250"]):
        line = one_line(capsys, [*argv, "--branch", "main"])
        assert line == ("agent-town: tick 250 is past the head of branch main (tick 200): "
                        "choose a tick up to 200"), argv
    timeline.advance(10)  # b1 to 210: its head is not main's
    store.save(timeline, saved)
    line = one_line(capsys, ["events", str(saved), "--to", "250", "--branch", "b1"])
    assert line == ("agent-town: tick 250 is past the head of branch b1 (tick 210): "
                    "choose a tick up to 210")


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_output_cut_short_by_a_closed_pipe_is_no_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--ticks", "20"], out=ClosedPipe()) == 141
    assert capsys.readouterr().err == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("command", [
    ["verify"], ["seek", "--tick", "900", "--branch", "main"],
    ["events", "--to", "900", "--branch", "main"],
    ["why", "--citizen", "ada", "--tick", "900", "--branch", "main"],
])
def test_loading_and_seeking_show_progress_on_a_terminal(
        town_file: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
        command: list[str]) -> None:
    import functools
    import sys

    import game.cli

    path, raw = town_file
    monkeypatch.setattr(game.cli, "Progress", functools.partial(game.cli.Progress, minimum=0))
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    argv = [command[0], write(path, raw), *command[1:]]
    assert main(argv, out=io.StringIO()) == 0
    shown = terminal.getvalue()
    bars = 1 if command[0] == "verify" else 2  # loading, then the way past the head
    assert shown.count("100%") == bars and shown.endswith("\r")  # wiped when done


@pytest.mark.parametrize(("version", "shown"), [
    (True, "save version True is not read by this Agent Town (it reads version 2)"),
    ("x" * 10_000, "save version 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"),
    ("\x1b[31m", r"save version '\x1b[31m' is not read"),
])
def test_a_version_that_is_no_version_is_one_short_clean_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], version: object, shown: str) -> None:
    path = write(tmp_path / "v.town", {"format": "agent-town", "version": version})
    line = one_line(capsys, ["verify", path])
    assert shown in line and len(line) < 300


def test_a_render_longer_than_an_hour_is_refused_before_drawing(
        town_file: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path, raw = town_file
    out = path.with_suffix(".gif")
    # An hour of frames at 1× is 72,000 ticks: a shorter hour stands in for a longer history.
    monkeypatch.setattr(limits, "MAX_FRAMES", 1_500)
    line = one_line(capsys, ["render", write(path, raw), "--to", "600", "--out", str(out)])
    assert "ticks 0 to 600 at 1× make 1,800 frames: the limit is 1,500" in line
    assert not out.exists()


def test_a_write_that_fails_after_the_work_is_one_line_not_an_unexpected_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "a.town"))

    monkeypatch.setattr(store, "save", full_disk)
    line = one_line(capsys, ["run", "--scenario", "mpp", "--ticks", "5",
                             "--out", str(tmp_path / "a.town")])
    assert line == f"agent-town: cannot write {tmp_path / 'a.town'}: No space left on device"


def chain(branches: int, budget_mb: float) -> Timeline:
    """Main to tick 400, then each branch forked 5 ticks before its parent's head and run 15."""
    timeline = Timeline("mpp", 2, keyframe_budget_mb=budget_mb)
    timeline.add_perturbation(Perturbation(tick=90, card="festival"))
    timeline.advance(400)
    for _ in range(branches):
        timeline.seek(timeline.cursor - 5)
        timeline.play("storm" if timeline.cursor % 2 else "festival")
        timeline.advance(15)
    return timeline


def test_a_chain_of_branches_verifies_in_the_ticks_it_holds_not_a_replay_per_branch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    record = store.to_save(chain(40, 50.0))
    fresh = store.build(record)
    # Room for three keyframes, as a big town has (city:300's are 7 MB each): the grid's
    # keyframes near each fork are long gone when the chain reaches it.
    fresh.budget = 3 * snapshot_bytes(fresh.flux.state)
    ran = 0
    step = Timeline._step  # where the flux is stepped (its own class may be compiled)

    def counted(self: Timeline, told: bool = True) -> list[Any]:
        nonlocal ran
        ran += 1
        return step(self, told)

    monkeypatch.setattr(Timeline, "_step", counted)
    store.verify(record, fresh)
    assert store.history_ticks(record) == 400 + 40 * 15
    assert 0 < ran <= 2 * store.history_ticks(record)  # replaying each fork: 40 × 400 more


def test_switching_to_a_branch_that_shares_the_past_gives_the_same_town() -> None:
    kept = chain(6, 0.0)
    for name, branch in kept.branches.items():
        for tick in (branch.fork_tick, branch.head):
            fresh = chain(6, 0.0)
            fresh.seek(0, MAIN)
            assert kept.hash_at(tick, name) == fresh.hash_at(tick, name), (name, tick)
