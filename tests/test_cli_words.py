"""The command line's words (issue 14): counts in good grammar everywhere, event messages shown
in good grammar without changing the events, GIFs with a --size and a palette of the clip, and
the packaged executable's render saying what its user can do."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from PIL import Image

from game import words
from game.cli import main
from game.demos import video
from game.sim.events import Event
from game.trace.story import caption
from game.wire.commands import _line


@pytest.mark.parametrize(("message", "said"), [
    ("a storm! 1 citizens run for shelter", "a storm! 1 citizen runs for shelter"),
    ("a storm! 0 citizens run for shelter", "a storm! nobody is outdoors: the town waits it out"),
    ("a storm! 7 citizens run for shelter", "a storm! 7 citizens run for shelter"),
    ("a festival! 1 citizens gather in the square", "a festival! 1 citizen gathers in the square"),
    ("a festival! 0 citizens gather in the square", "a festival! but nobody is free to come"),
    ("1 citizens celebrated in the square", "1 citizen celebrated in the square"),
    ("Ada greeted Bruno", "Ada greeted Bruno"),
])
def test_event_messages_are_shown_in_good_grammar(message: str, said: str) -> None:
    assert words.shown(message) == said


def test_follow_and_captions_show_the_message_reworded_and_the_event_keeps_its_own() -> None:
    storm = Event(id="e9.0", tick=9, seq=0, op="storm", participants=("ada",),
                  message="a storm! 1 citizens run for shelter", perturbation=True, card="storm")
    body = {"branch": "main", "event": storm.model_dump(mode="json")}
    line = _line("town.afternoon.storm", json.dumps(body), as_json=False)
    assert line is not None and line.endswith("main   a storm! 1 citizen runs for shelter")
    assert caption(storm, {}) == "a storm! 1 citizen runs for shelter"
    assert storm.message == "a storm! 1 citizens run for shelter"  # pinned digests keep it
    lone = Event(id="e9.1", tick=9, seq=1, op="celebrate", participants=("ada",))
    assert caption(lone, {"ada": "Ada"}) == "1 citizen celebrates in the square"


def test_the_run_summary_counts_one_citizen_as_one() -> None:
    out = io.StringIO()
    assert main(["run", "--scenario", "city:1", "--ticks", "0"], out=out) == 0
    assert " · 1 citizen\n" in out.getvalue() and "perturbations: 0 events" in out.getvalue()


def test_verify_counts_one_branch_as_one(village_save: Path) -> None:
    out = io.StringIO()
    assert main(["verify", str(village_save)], out=out) == 0
    assert "1 branch," in out.getvalue() and "branch(es)" not in out.getvalue()


def test_render_writes_a_gif_at_the_size_asked_and_a_small_one_by_default(
        village_save: Path, tmp_path: Path) -> None:
    asked, default = tmp_path / "asked.gif", tmp_path / "default.gif"
    for argv in (["--size", "320x180", "--out", str(asked)], ["--out", str(default)]):
        assert main(["render", str(village_save), "--to", "6", *argv], out=io.StringIO()) == 0
    with Image.open(asked) as gif, Image.open(default) as small:
        assert gif.size == (320, 180) and small.size == video.GIF_SIZE == (480, 270)


def test_renders_help_tells_the_sizes_it_makes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["render", "--help"], out=io.StringIO())
    said = " ".join(capsys.readouterr().out.split())
    assert "(default: 1280x720 for .mp4, 480x270 for .gif)" in said
    assert video.GIF_SIZE == (480, 270)


@pytest.mark.parametrize(("size", "said"), [
    ("640", "a size is WIDTHxHEIGHT, e.g. 640x360, got '640'"),
    ("641x360", "a video's width and height are even numbers, got '641x360'"),
    ("10x10", "a size is from 64x36 to 3840x2160, got '10x10'"),
])
def test_a_bad_size_is_one_line(village_save: Path, tmp_path: Path, size: str, said: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(village_save), "--size", size, "--out", str(tmp_path / "x.gif")],
                out=io.StringIO()) == 2
    assert capsys.readouterr().err == f"agent-town: argument --size: {said}\n"


def test_the_packaged_executable_says_what_to_do_instead_of_pip_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    with pytest.raises(video.VideoError) as err:
        video.open_writer(tmp_path / "clip.gif", (64, 36))
    said = str(err.value)
    assert "pip" not in said and "F12" in said and "screen recorder" in said


def test_why_starts_at_the_cards_tick_is_short_and_answers_for_the_citizen_asked(
        tmp_path: Path) -> None:
    cards, path = tmp_path / "cards.json", tmp_path / "festival.town"
    cards.write_text(json.dumps([{"tick": 40, "card": "festival"}]))
    assert main(["run", "--ticks", "400", "--perturb", str(cards), "--out", str(path)],
                out=io.StringIO()) == 0
    said = {}
    for who in ("ada", "wren"):
        out = io.StringIO()
        assert main(["why", str(path), "--citizen", who, "--tick", "399"], out=out) == 0
        said[who] = out.getvalue().splitlines()
    for who, lines in said.items():
        name = who.capitalize()
        assert lines[1] == f"  festival at tick 40 reached {name} directly"
        assert lines[2].startswith(f"  tick 40 · festival · {name} and ")
        assert all(len(line) < 100 for line in lines)  # no step lists the crowd
    assert said["ada"][1:] != said["wren"][1:]
