"""Demo scripts played through the app: frame-exact, the same path as a person's input, and the
command line's `demo` and `render` (videos with every frame, no partial files, clear errors)."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import pygame
import pytest

from game.cli import main
from game.demos import script as demo
from game.demos import video
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.assets import Assets
from game.view.playback import ScriptPlayer, frames_for, play_script

SHORT = {
    "fps": 30,
    "steps": [
        {"at": 0.0, "do": "overlay", "name": "presentation", "on": True},
        {"at": 0.0, "do": "speed", "speed": 16},
        {"at": 0.0, "do": "caption", "text": "a short demo", "seconds": 2},
        {"at": 1.0, "do": "card", "card": "rumor", "targets": ["igor", "hugo"]},
        {"at": 1.0, "do": "overlay", "name": "coalitions", "on": True},
        {"at": 1.5, "do": "select", "citizen": "hugo", "lod": 3},
        {"at": 2.0, "do": "overlay", "name": "presentation", "on": False},
        {"at": 2.0, "do": "scrub", "tick": 100},
        {"at": 3.0, "do": "card", "card": "festival"},
        {"at": 3.5, "do": "branch", "name": "main"},
        {"at": 4.0, "do": "wait"},
    ],
}
CHOSEN = (15, 45, 75, 100, 120, 149)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def frame_hashes(script: demo.DemoScript) -> dict[int, str]:
    hashes: dict[int, str] = {}

    def keep(frame: int, surface: pygame.Surface) -> None:
        if frame in CHOSEN:
            hashes[frame] = hashlib.blake2b(pygame.image.tobytes(surface, "RGB")).hexdigest()

    assert play_script(script, "short", window=False, on_frame=keep) == script.frames
    return hashes


@pytest.mark.slow
def test_the_same_script_plays_the_same_demo_frame_for_frame(home: Path) -> None:
    script = demo.parse(SHORT, "short")
    first, second = frame_hashes(script), frame_hashes(script)
    assert sorted(first) == list(CHOSEN)
    assert first == second
    assert len(set(first.values())) == len(CHOSEN)  # the demo moves: no two chosen frames alike
    assert not home.exists()  # neither settings nor autosave were written


def test_a_card_step_takes_the_path_of_clicking_the_card_then_its_targets(
        assets: Assets) -> None:
    timeline = Timeline("town", 7)
    timeline.advance(560)
    app = App(timeline, speed=0, reproducible=True, assets=assets)
    script = demo.parse({"steps": [
        {"at": 0, "do": "card", "card": "rumor", "targets": ["igor", "hugo"]},
        {"at": 0, "do": "card", "card": "gossip", "targets": ["tomas"]},
        {"at": 0, "do": "select", "citizen": "elsa", "lod": 5},
    ]})
    ScriptPlayer(script, "test").play(app, 0)
    first, second = timeline.perturbations()
    assert (first.tick, first.card, first.targets) == (561, "rumor", ("igor", "hugo"))
    # Fewer targets than the card takes: played as Enter would, the flux picks the rest.
    assert (second.card, second.targets) == ("gossip", ("tomas",))
    assert app.ui.selected == timeline.flux.index["elsa"] and app.ui.detail == 5
    event = next(e for e in timeline.events(start=561, end=561) if e.op == "rumor")
    assert event.perturbation and event.participants == ("hugo",)


def test_a_malformed_script_is_one_line_naming_the_step(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"steps": [{"at": 0, "do": "wait"},
                                         {"at": 1, "do": "card", "card": "party"}]}))
    out = tmp_path / "never.mp4"
    for argv in (["demo", str(bad)], ["render", "--script", str(bad), "--out", str(out)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err == f"agent-town: {bad}: step 1 (card): card: unknown card 'party' " \
                      "(cards: greet, gossip, trade, solo, festival, storm, rumor, dispute, " \
                      "teach, wake)\n"
    assert not out.exists()


def test_a_step_that_cannot_play_stops_the_render_and_leaves_no_file(
        tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "lost.json"
    script.write_text(json.dumps({"steps": [{"at": 0.1, "do": "branch", "name": "b7"}]}))
    out = tmp_path / "lost.mp4"
    assert main(["render", "--script", str(script), "--out", str(out)], out=io.StringIO()) == 2
    assert capsys.readouterr().err == (f"agent-town: {script}: step 0 (branch): no branch 'b7' "
                                       "at 0.1 s (branches then: main)\n")
    assert list(tmp_path.iterdir()) == [script]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("render") / "short.town"
    assert main(["run", "--ticks", "200", "--out", str(path)], out=io.StringIO()) == 0
    return path


@pytest.mark.parametrize(("name", "kept"), [("clip.mp4", 1), ("clip.gif", video.GIF_STEP)])
def test_render_writes_every_frame_of_the_span(saved: Path, tmp_path: Path, home: Path,
                                                name: str, kept: int) -> None:
    out = tmp_path / name
    report = io.StringIO()
    assert main(["render", str(saved), "--from", "100", "--to", "110", "--speed", "1",
                 "--out", str(out)], out=report) == 0
    frames = frames_for(10, 1)
    assert frames == 30  # 10 ticks at 20 ticks a second, 60 frames a second
    assert report.getvalue() == f"wrote {out}: 30 frames (0.5 s at 60 fps)\n"
    assert video.count_frames(out) == frames // kept
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_render_without_the_record_extra_says_what_to_install(
        saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    out = tmp_path / "clip.mp4"
    assert main(["render", str(saved), "--to", "30", "--out", str(out)]) == 2
    assert capsys.readouterr().err == ("agent-town: MP4 export needs the optional 'record' "
                                       "extra: pip install 'agent-town[record]'\n")
    assert not out.exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["render", "--out", "x.mp4", "--from", "10"], "--from, --to, --branch and --hud go with"),
    (["render", "f.town", "--script", "default", "--out", "x.mp4"], "not both"),
    (["render", "SAVED", "--from", "50", "--to", "40", "--out", "x.mp4"],
     "--to (40) must be after --from (50)"),
    (["render", "SAVED", "--speed", "0", "--out", "x.mp4"], "speed must be one of 1, 2, 4, 8, 16"),
    (["render", "SAVED", "--branch", "b9", "--out", "x.mp4"], "no branch 'b9'"),
    (["render", "SAVED", "--out", "x.avi"], "choose a .mp4 or .gif"),
])
def test_render_refuses_bad_arguments_in_one_line(
        saved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
        message: str) -> None:
    argv = [str(saved) if a == "SAVED" else str(tmp_path / a) if a.startswith("x.") else a
            for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("agent-town: ") and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_demo_plays_a_script_in_the_window_then_closes_it(tmp_path: Path, home: Path) -> None:
    script = tmp_path / "tiny.json"
    script.write_text(json.dumps({"fps": 30, "steps": [
        {"at": 0, "do": "overlay", "name": "presentation"},
        {"at": 0.5, "do": "caption", "text": "hello"}]}))
    assert main(["demo", str(script)]) == 0
    assert pygame.display.get_surface() is None  # the window is closed
    assert not (home / "config").exists() and not (home / "data").exists()
