"""Continue and open: the start offers the last session's autosave with its day, branches and
cards; `agent-town --continue` opens it; the open dialog lists saves newest first with their
date, scenario, seed, day reached and branches, read from the files; its path field opens a
.town file from anywhere."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pygame
import pytest

from game import cli, config
from game.trace import store
from game.trace.timeline import Timeline
from game.userfiles import paths
from game.view import files, picker
from game.view.app import App
from game.view.assets import Assets
from game.view.window import _greet
from tests.window import click, key, post


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path / "home"))
    return tmp_path


def last_session() -> Timeline:
    """A history two days and a bit long, with three cards over two branches, autosaved."""
    timeline = Timeline("village", 3)
    timeline.advance(config.DAY_TICKS + 100)
    timeline.play("festival")
    timeline.advance(50)
    timeline.seek(300)
    timeline.play("storm")  # in the past: a new branch
    timeline.advance(config.DAY_TICKS * 2)
    timeline.play("festival")
    timeline.advance(10)
    assert files.autosave(timeline) is None
    return timeline


def fresh_app(assets: Assets) -> App:
    pygame.event.clear()
    app = App(Timeline("town", 7), speed=0, reproducible=True, assets=assets)
    app.frame(0.0)
    return app


def write_save(path: Path, scenario: str, seed: int, ticks: int, modified: float) -> None:
    timeline = Timeline(scenario, seed)
    timeline.advance(ticks)
    store.save(timeline, path)
    os.utime(path, (modified, modified))


# --- the offer at start --------------------------------------------------------------------

def test_the_start_offers_the_autosave_with_its_day_branches_and_cards(assets: Assets) -> None:
    session = last_session()
    app = fresh_app(assets)
    _greet(app, None)
    assert app.ui.top_modal == "continue"
    lines = [text for text, _ in app.widgets.resume.lines]
    assert lines[1] == "village seed 3 · day 3"  # b1 reaches tick 2 × 1440 + 310
    assert lines[2] == "2 branches · 3 cards"
    assert session.branch.head // config.DAY_TICKS + 1 == 3
    app.frame(0.0)  # drawn: the buttons have their places
    assert len(app.widgets.resume.buttons) == 2


def test_continue_opens_the_autosave_where_it_was(assets: Assets) -> None:
    session = last_session()
    app = fresh_app(assets)
    _greet(app, None)
    app.frame(0.0)
    click(app, app.widgets.resume.buttons[0].center)  # Continue
    assert app.ui.modals == ()
    assert (app.timeline.scenario, app.timeline.seed) == ("village", 3)
    assert app.timeline.current == session.current and app.timeline.cursor == session.cursor
    assert set(app.timeline.branches) == set(session.branches)


def test_new_town_keeps_the_fresh_town_and_the_file(assets: Assets) -> None:
    last_session()
    app = fresh_app(assets)
    _greet(app, None)
    key(app, pygame.K_n)
    assert app.ui.modals == () and app.timeline.scenario == "town"
    assert paths.autosave_path(1).is_file()


def test_the_fresh_town_behind_an_unanswered_offer_is_never_autosaved(
        assets: Assets, monkeypatch: pytest.MonkeyPatch) -> None:
    """Left waiting past an autosave's period, the offer still opens the last session: the
    fresh town behind it did not push that file down the ring. Answered, autosaves resume."""
    monkeypatch.setattr(files, "AUTOSAVE_SECONDS", 0.5)
    session = last_session()
    offered = paths.autosave_path(1).read_bytes()
    pygame.event.clear()
    app = App(Timeline("town", 7), speed=4, reproducible=True, assets=assets,
              autosave_seconds=0.5)
    _greet(app, None)
    for _ in range(90):  # a second and a half of the fresh town playing behind the question
        app.frame(1 / 60)
    assert paths.autosave_path(1).read_bytes() == offered
    assert not paths.autosave_path(2).exists()
    key(app, pygame.K_c)  # Continue
    assert (app.timeline.scenario, app.timeline.seed) == ("village", 3)
    assert app.timeline.cursor == session.cursor
    for _ in range(60):
        app.frame(1 / 60)
    ring = [paths.autosave_path(n) for n in range(1, paths.AUTOSAVES_KEPT + 1)]
    kept = [path.read_bytes() for path in ring if path.exists()]
    assert offered in kept[1:]  # down the ring, under the continued town's newer saves
    assert store.read(ring[0]).scenario == "village" and kept[0] != offered


def test_no_offer_without_an_autosave_or_with_a_file_to_open(assets: Assets) -> None:
    app = fresh_app(assets)
    _greet(app, None)
    assert app.ui.modals == ()
    last_session()
    _greet(app, None, offer_continue=False)  # --load, --join, --scenario or --seed
    assert app.ui.modals == ()


# --- agent-town --continue -----------------------------------------------------------------

def test_dash_dash_continue_opens_the_autosave(monkeypatch: pytest.MonkeyPatch) -> None:
    last_session()
    opened: dict[str, Any] = {}

    def run_app(*args: Any, **kwargs: Any) -> int:
        opened.update(kwargs)
        return 0

    monkeypatch.setattr("game.view.window.run_app", run_app)
    assert cli.main(["--continue"], io.StringIO()) == 0
    assert opened["load"] == str(paths.autosave_path(1))


def test_dash_dash_continue_really_opens_it_in_a_counted_run(tmp_path: Path) -> None:
    last_session()
    shot = tmp_path / "continued.png"
    assert cli.main(["--continue", "--frames", "2", "--screenshot", str(shot)],
                    io.StringIO()) == 0
    assert shot.is_file()
    pygame.display.init()  # the run closed pygame: the module's window back for the others
    pygame.display.set_mode((1280, 720))


def test_dash_dash_continue_with_nothing_to_continue_says_so_in_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["--continue"], io.StringIO())
    err = capsys.readouterr().err
    assert status != 0 and err.count("\n") == 1
    assert "nothing to continue: no autosave in" in err


# --- the open dialog -----------------------------------------------------------------------

def test_the_picker_lists_saves_newest_first_with_what_they_hold(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    write_save(folder / "old.town", "village", 5, 100, 1_700_000_000)
    write_save(folder / "new.town", "mpp", 9, config.DAY_TICKS * 2 + 5, 1_750_000_000)
    write_save(folder / "mid.town", "village", 7, config.DAY_TICKS, 1_720_000_000)
    (folder / "junk.town").write_text("not a save")
    os.utime(folder / "junk.town", (1_600_000_000, 1_600_000_000))
    (folder / "gone.town").symlink_to(folder / "nowhere.town")
    listed, unreadable = picker.list_saves(folder)
    assert [f.path.name for f in listed] == ["new.town", "mid.town", "old.town", "junk.town"]
    new, mid = listed[0].save, listed[1].save
    assert new is not None and mid is not None
    assert (new.scenario, new.seed, new.day, new.branches, new.cards) == ("mpp", 9, 3, 1, 0)
    assert (mid.scenario, mid.seed, mid.day) == ("village", 7, 2)
    assert listed[0].told == "mpp seed 9 · day 3 · 1 branch · 0 cards"
    assert listed[0].date == time.strftime("%Y-%m-%d %H:%M", time.localtime(1_750_000_000))
    assert listed[3].save is None and listed[3].told.startswith("cannot read: ")
    assert unreadable == 1  # the dangling link


def test_the_open_dialog_shows_each_save_with_its_details(assets: Assets) -> None:
    last_session()
    app = fresh_app(assets)
    key(app, pygame.K_o, pygame.KMOD_LCTRL)
    assert app.ui.top_modal == "picker"
    [(_, path)] = app.widgets.picker.rows
    assert path == paths.autosave_path(1)
    assert app.widgets.picker.saves[0].told == "village seed 3 · day 3 · 2 branches · 3 cards"


def test_a_path_typed_into_the_field_opens_that_file(assets: Assets, tmp_path: Path) -> None:
    elsewhere = tmp_path / "far away" / "story.town"
    elsewhere.parent.mkdir()
    write_save(elsewhere, "village", 11, 300, 1_700_000_000)
    app = fresh_app(assets)
    key(app, pygame.K_o, pygame.KMOD_LCTRL)
    post(pygame.TEXTINPUT, text=str(elsewhere) + "x")
    key(app, pygame.K_BACKSPACE)
    assert app.widgets.picker.typed == str(elsewhere)
    app.frame(0.0)  # drawn with the long path in its field
    key(app, pygame.K_RETURN)
    assert app.ui.modals == ()
    assert (app.timeline.scenario, app.timeline.seed, app.timeline.cursor) == ("village", 11, 300)


def test_a_pasted_path_opens_that_file(assets: Assets, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "pasted.town"
    write_save(elsewhere, "village", 12, 200, 1_700_000_000)
    monkeypatch.setattr(picker, "pasted", lambda: f"  {elsewhere}\n")
    app = fresh_app(assets)
    key(app, pygame.K_o, pygame.KMOD_LCTRL)
    key(app, pygame.K_v, pygame.KMOD_LCTRL)
    key(app, pygame.K_RETURN)
    assert (app.timeline.scenario, app.timeline.seed) == ("village", 12)


def test_a_typed_path_that_is_no_save_says_why_and_the_town_stays(
        assets: Assets, tmp_path: Path) -> None:
    app = fresh_app(assets)
    before = app.timeline
    key(app, pygame.K_o, pygame.KMOD_LCTRL)
    post(pygame.TEXTINPUT, text=str(tmp_path / "missing.town"))
    key(app, pygame.K_RETURN)
    assert app.timeline is before
    assert any("missing.town" in t for t in app.widgets.toasts.texts_shown())


def test_a_window_asked_for_a_scenario_or_seed_opens_on_it_without_the_offer(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import game.view.window
    from game.cli import main

    opened: list[tuple[str, int, bool]] = []

    def run_app(scenario: str, seed: int, *args: object, asked: bool, **kwargs: object) -> int:
        opened.append((scenario, seed, asked))
        return 0
    monkeypatch.setattr(game.view.window, "run_app", run_app)
    for argv in ([], ["--scenario", "village"], ["--seed", "3"]):
        assert main(argv) == 0
    assert opened == [("town", 7, False), ("village", 7, True), ("town", 3, True)]
