"""An unexpected error in the loop: the history is kept in its own crash file that nothing but
the person deletes, an error screen is shown, the process exits cleanly, and the next start
offers a way back in — where it stopped, or at its start — that never loops. Counted runs never
touch the person's files; the note names only files in the saves folder."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game.trace import store
from game.trace.timeline import Timeline
from game.userfiles import paths
from game.view import crash, files
from game.view.app import App
from game.view.assets import Assets
from game.view.window import run_app
from tests.window import click, key

# A counted run of the real command line whose loop breaks at frame 40, after a card was played.
FAULTY_RUN = textwrap.dedent("""
    import sys
    import pygame
    from game.cli import main
    from game.view.app import App

    real_frame = App.frame
    count = 0

    def frame(self, dt):
        global count
        count += 1
        if count == 10:
            self.timeline.play("festival")
        if count == 40:
            raise RuntimeError("the renderer tripped over a teapot")
        return real_frame(self, dt)

    App.frame = frame
    sys.exit(main(["--frames", "80", "--speed", "4", "--screenshot", sys.argv[1]]))
""")

# A person's window (no --frames) driven by a plan: at frame N, the actions named (a card, a
# crash, a key, a report of what the window shows on stdout, quitting).
PERSON_RUN = textwrap.dedent("""
    import json, os, sys
    import pygame
    from game.cli import main
    from game.view import files
    from game.view.app import App

    plan = {int(k): v for k, v in json.loads(sys.argv[1]).items()}
    real_frame = App.frame
    count = 0

    def press(key):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=""))

    def report(app):
        lines = [t for t, _ in app.widgets.reopen.lines] if app.ui.top_modal == "reopen" else []
        print(json.dumps({"modal": app.ui.top_modal, "prompt": lines,
                          "toasts": app.widgets.toasts.texts_shown(),
                          "cursor": app.timeline.cursor, "speed": app.ui.speed,
                          "cards": [p.card for p in app.timeline.perturbations()]}), flush=True)

    def frame(self, dt):
        global count
        count += 1
        for action in plan.get(count, "").split():
            if action == "festival":
                self.timeline.play("festival")
            elif action == "report":
                report(self)
            elif action == "crash":
                press(pygame.K_SPACE)  # the error screen waits for a key: this one
                raise RuntimeError("the renderer tripped over a teapot")
            elif action == "quit":
                pygame.event.post(pygame.event.Event(pygame.QUIT))
            else:
                press(getattr(pygame, "K_" + action))
        return real_frame(self, dt)

    App.frame = frame
    files.AUTOSAVE_SECONDS = float(os.environ.get("TEST_AUTOSAVE_SECONDS", "180"))
    sys.exit(main(["--speed", "4"]))
""")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def person_run(plan: dict[int, str], **more_env: str
               ) -> tuple[int, list[dict[str, object]], str]:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", **more_env}
    proc = subprocess.run([sys.executable, "-c", PERSON_RUN, json.dumps(plan)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in proc.stderr
    reports = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return proc.returncode, reports, proc.stderr


def crash_files() -> list[Path]:
    return sorted(paths.saves_dir().glob("crash-*.town"))


@pytest.mark.slow
def test_a_counted_run_that_crashes_keeps_its_history_outside_the_persons_files(
        home: Path, tmp_path: Path) -> None:
    shot = tmp_path / "crash.png"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    proc = subprocess.run([sys.executable, "-c", FAULTY_RUN, str(shot)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "stopped on an unexpected error (RuntimeError: the renderer tripped" in line
    kept = Path(line.split("history saved to ")[1].split(";")[0])
    assert kept.name == "crash.town" and kept.parent.name.startswith("agent-town-crash-")
    assert home not in kept.parents
    # The kept history verifies and holds the card played before the crash.
    timeline, record, _ = store.load(kept)
    assert [p.card for p in timeline.perturbations()] == ["festival"]
    assert record.title == "history kept after an error"
    # The log has the traceback; the person's saves, settings and crash note were not touched.
    log_text = (home / "logs" / "agent-town.log").read_text()
    assert "the renderer tripped over a teapot" in log_text and "Traceback" in log_text
    assert not (home / "data").exists() and not (home / "config").exists()
    # The error screen was on the window: a dimmed town with a panel of text in the middle.
    image = pygame.image.load(str(shot))
    corner = image.get_at((20, 100))
    assert max(corner.r, corner.g, corner.b) < 110
    centre = {tuple(image.get_at((x, 360)))[:3] for x in range(400, 880, 4)}
    assert len(centre) >= 2


@pytest.mark.slow
def test_a_crash_then_closing_unanswered_then_reopening_that_crashes_never_loops(
        home: Path) -> None:
    # 1. A person's window stops on an error after a card: its history gets its own file.
    status, _, stderr = person_run({10: "festival", 40: "crash"})
    [first] = crash_files()
    assert status == 1 and f"history saved to {first}" in stderr
    assert [p.card for p in store.load(first)[0].perturbations()] == ["festival"]
    kept = first.read_bytes()
    note = crash.pending()
    assert note is not None and note.history == first and note.ways == ("end", "start")
    # 2. The next start offers it; closing the window unanswered autosaves elsewhere.
    status, [shown], _ = person_run({3: "report", 6: "quit"})
    assert status == 0 and shown["modal"] == "reopen"
    assert f"Its history is kept in {first.name}." in shown["prompt"]
    assert "Y / Enter / click: reopen where it stopped" in shown["prompt"]
    assert paths.autosave_path(1).is_file() and first.read_bytes() == kept
    assert crash.pending() == note
    # 3. Reopening where it stopped stops on an error again.
    status, [reopened], _ = person_run({3: "y", 5: "report", 8: "crash"})
    assert status == 1 and reopened["modal"] is None and reopened["cards"] == ["festival"]
    assert len(crash_files()) == 2 and first.read_bytes() == kept
    again = crash.pending()
    assert again is not None and again.history == first and again.ways == ("start",)
    # 4. Now only its start is offered; that way in stops on an error too.
    status, [offered, at_start], _ = person_run({3: "report", 4: "RETURN", 6: "report",
                                                 8: "crash"})
    assert status == 1
    assert offered["prompt"][0] == "Reopening it where it stopped failed too."
    assert "Y / S / Enter / click: reopen at its start, paused" in offered["prompt"]
    assert at_start["cursor"] == 0 and at_start["speed"] == 0
    assert at_start["cards"] == ["festival"]
    # 5. Nothing is offered any more: one toast says where the file stays, then it is quiet.
    status, [last], _ = person_run({3: "report", 5: "quit"})
    assert status == 0 and last["modal"] is None
    assert crash.given_up(again) in last["toasts"]
    assert crash.pending() is None and first.read_bytes() == kept


def crashed(home: Path, ticks: int = 300) -> crash.Kept:
    """A crash in a person's window after a storm card: what it kept."""
    saved = Timeline("town", 7)
    saved.advance(ticks)
    saved.play("storm")
    saved.advance(100)
    kept = crash.keep(RuntimeError("boom"), saved, own_files=True)
    assert kept.history is not None and kept.note is not None
    return kept


def offered(assets: Assets, seed: int = 7) -> App:
    note = crash.pending()
    assert note is not None
    pygame.event.clear()
    app = App(Timeline("town", seed), speed=1, reproducible=True, assets=assets)
    app.offer_reopen(note)
    app.frame(0.0)
    return app


def test_a_crash_keeps_its_history_in_a_file_autosaves_never_touch(
        home: Path, assets: Assets) -> None:
    kept = crashed(home)
    assert kept.history is not None and kept.history.parent == paths.saves_dir()
    assert kept.history.name.startswith("crash-") and kept.history.suffix == ".town"
    before = kept.history.read_bytes()
    for n in range(paths.AUTOSAVES_KEPT + 2):
        timeline = Timeline("town", 7)
        timeline.advance(10 * (n + 1))
        assert files.autosave(timeline) is None
    assert kept.history.read_bytes() == before
    assert crash.pending() == kept.note and kept.note is not None
    assert kept.note.history == kept.history


def test_autosaves_rotate_newest_first_and_an_unchanged_history_does_not_rotate(
        home: Path) -> None:
    for n in range(1, paths.AUTOSAVES_KEPT + 3):
        timeline = Timeline("town", 7)
        timeline.advance(n)
        files.autosave(timeline)
        files.autosave(timeline)  # the same history again: the ring does not move
    heads = [store.read(paths.autosave_path(k)).branches[0].head
             for k in range(1, paths.AUTOSAVES_KEPT + 1)]
    assert heads == [7, 6, 5, 4, 3]
    assert not paths.autosave_path(paths.AUTOSAVES_KEPT + 1).exists()


def test_a_failed_autosave_is_shown_in_the_window(home: Path, assets: Assets) -> None:
    paths.data_dir().mkdir(parents=True)
    paths.saves_dir().write_text("a file where the saves folder should be")
    app = App(Timeline("town", 7), speed=1, reproducible=True, assets=assets,
              autosave_seconds=1.0)
    app.frame(1.5)
    [said] = app.widgets.toasts.texts_shown()
    assert said.startswith("autosave failed: ") and str(paths.saves_dir()) in said


def test_an_unreadable_autosave_is_kept_aside_at_start_and_said_once(home: Path) -> None:
    files.autosave(Timeline("town", 7))
    files.rotate_autosaves()
    paths.autosave_path(1).write_text('{"format": "agent-town", "vers')
    [said] = files.keep_broken_autosaves()
    [aside] = paths.saves_dir().glob("autosave-1.town.broken-*")
    assert said.error and said.text == f"autosave-1.town was unreadable: kept as {aside.name}"
    assert aside.read_text() == '{"format": "agent-town", "vers'
    assert files.keep_broken_autosaves() == [] and paths.autosave_path(2).is_file()


def test_the_next_start_reopens_where_it_stopped_and_forgets_the_note_once_it_runs(
        home: Path, assets: Assets) -> None:
    crashed(home)
    app = offered(assets)
    assert app.ui.top_modal == "reopen"
    key(app, pygame.K_y)
    assert "reopen" not in app.ui.modals
    assert [p.card for p in app.timeline.perturbations()] == ["storm"]
    assert app.timeline.cursor == 400
    trying = crash.pending()  # marked until the reopened town has run a while
    assert trying is not None and trying.tried == ("end",)
    app.frame(crash.TRIAL_SECONDS)
    assert crash.pending() is None and app.trial.note is None


def test_reopening_at_its_start_is_paused_at_tick_0_and_simulates_nothing(
        home: Path, assets: Assets) -> None:
    kept = crashed(home, ticks=2000)
    app = offered(assets)
    key(app, pygame.K_s)
    assert app.timeline.cursor == 0 and app.timeline.current == "main"
    assert app.timeline.branch.head == 0 and app.ui.speed == 0
    assert [p.card for p in app.timeline.perturbations()] == ["storm"]
    assert kept.history is not None
    assert f"opened {kept.history.name} at its start, paused" in app.widgets.toasts.texts_shown()
    app.timeline.advance(2200)  # played on, the card plays again at its tick
    assert any(e.card == "storm" for e in app.timeline.events())


def test_declining_starts_fresh_forgets_the_note_and_keeps_the_file(
        home: Path, assets: Assets) -> None:
    kept = crashed(home, ticks=50)
    app = offered(assets, seed=3)
    key(app, pygame.K_a)  # a stray key leaves the question open
    click(app, (5, 5))  # and so does a click outside the box
    assert app.ui.top_modal == "reopen"
    key(app, pygame.K_n)
    assert "reopen" not in app.ui.modals and crash.pending() is None and app.timeline.seed == 3
    assert kept.history is not None and kept.history.is_file()


def test_an_error_while_reopening_offers_only_the_start_then_nothing(
        home: Path, assets: Assets) -> None:
    first = crashed(home).history
    app = offered(assets)
    key(app, pygame.K_RETURN)
    crash.keep(RuntimeError("again"), app.timeline, own_files=True, reopening=app.trial.note)
    note = crash.pending()
    assert note is not None and note.history == first and note.ways == ("start",)
    assert note.error == "RuntimeError: again"
    assert crash.next_start(note) == f"Next start offers {first.name} at its start only."
    app = offered(assets)
    key(app, pygame.K_y)  # Y now means the start, the one way offered
    assert app.timeline.cursor == 0
    kept = crash.keep(RuntimeError("third"), app.timeline, own_files=True,
                      reopening=app.trial.note)
    assert kept.note is not None and kept.note.ways == ()
    app = App(Timeline("town", 7), speed=1, reproducible=True, assets=assets)
    app.offer_reopen(kept.note)
    assert "reopen" not in app.ui.modals
    assert app.widgets.toasts.texts_shown() == [crash.given_up(kept.note)]
    assert crash.pending() is None and first.is_file()


def test_a_process_killed_while_reopening_counts_that_way_as_failed(
        home: Path, assets: Assets) -> None:
    crashed(home)
    app = offered(assets)
    key(app, pygame.K_y)
    # No error handler ran (kill -9, a crash in SDL): the note already says what was tried.
    note = crash.pending()
    assert note is not None and note.ways == ("start",)


def test_ctrl_q_at_the_prompt_quits_and_the_next_start_asks_again(
        home: Path, assets: Assets) -> None:
    kept = crashed(home)
    app = offered(assets)
    key(app, pygame.K_q, pygame.KMOD_LCTRL)
    assert not app.running and crash.pending() == kept.note


def test_a_window_closed_normally_after_reopening_forgets_the_note(
        home: Path, assets: Assets) -> None:
    crashed(home)
    app = offered(assets)
    key(app, pygame.K_s)
    app.trial.settle(app.now, done=True)
    assert crash.pending() is None


def window_again() -> None:
    """run_app closed pygame: the module's window back for the tests after it."""
    pygame.display.init()
    pygame.display.set_mode((1280, 720))


def write_note(raw: object) -> None:
    crash.note_path().parent.mkdir(parents=True, exist_ok=True)
    crash.note_path().write_text(json.dumps(raw))


@pytest.mark.parametrize("named", ["/etc/passwd", "../../outside.town", "{outside}",
                                   "linked.town", "sub/inner.town", "notes.txt"])
def test_a_crash_note_naming_a_file_outside_the_saves_folder_is_ignored(
        home: Path, named: str, caplog: pytest.LogCaptureFixture) -> None:
    outside = home / "outside.town"
    paths.saves_dir().mkdir(parents=True)
    (paths.saves_dir() / "sub").mkdir()
    for path in (outside, paths.saves_dir() / "sub" / "inner.town",
                 paths.saves_dir() / "notes.txt"):
        path.write_text("{}")
    (paths.saves_dir() / "linked.town").symlink_to(outside)
    write_note({"history": named.format(outside=outside), "error": "boom"})
    assert crash.pending() is None
    assert "outside the saves folder" in caplog.text


def test_a_crash_note_from_before_naming_its_file_by_full_path_is_still_offered(
        home: Path) -> None:
    old = paths.saves_dir() / "autosave.town"
    old.parent.mkdir(parents=True)
    store.save(Timeline("town", 7), old)
    write_note({"autosave": str(old), "error": "RuntimeError: boom"})
    assert crash.pending() == crash.CrashNote(old.resolve(), "RuntimeError: boom")


@pytest.mark.parametrize("text", ["{not json", "[]", '{"history": 5}', "[" * 100_000,
                                  '{"history": "a.town", "tried": ' + "1" * 5001 + "}"])
def test_a_broken_crash_note_is_ignored(home: Path, text: str) -> None:
    crash.note_path().parent.mkdir(parents=True, exist_ok=True)
    crash.note_path().write_text(text)
    assert crash.pending() is None


def test_a_counted_run_never_reads_or_writes_the_persons_files(
        home: Path, assets: Assets) -> None:
    pygame.event.clear()
    assert run_app("town", 7, frames=3) == 0
    window_again()
    assert not home.exists()
    kept = crash.keep(RuntimeError("boom"), Timeline("town", 7), own_files=False)
    assert kept.note is None and kept.history is not None and home not in kept.history.parents
    assert not home.exists()


def test_a_persons_start_clears_litter_and_says_once_what_was_set_aside(
        home: Path, assets: Assets) -> None:
    from game.view.window import _greet

    paths.config_dir().mkdir(parents=True)
    (paths.config_dir() / "settings.json").write_text("{broken")
    files.autosave(Timeline("town", 7))
    paths.autosave_path(1).write_text("[]")
    litter = paths.saves_dir() / ".autosave-1.town.k1ll3d_x.tmp"
    litter.write_text("half a save")
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert run_app("town", 7) == 0  # a person's window: it starts, greets and closes
    window_again()
    assert not litter.exists()
    [aside] = paths.config_dir().glob("settings.json.broken-*")
    assert aside.read_text() == "{broken"
    app = App(Timeline("town", 7), speed=1, reproducible=True, assets=assets)
    _greet(app, "settings.json was unreadable: kept as x, using defaults")
    shown = app.widgets.toasts.texts_shown()
    assert shown[0] == "settings.json was unreadable: kept as x, using defaults"
    assert len(shown) == 1  # the broken autosave was set aside by the first start, said there


@contextlib.contextmanager
def read_only(home: Path) -> Iterator[None]:
    """`home`, filled by the caller inside the block's first part, then made read-only: as root
    (who ignores file modes) a small tmpfs remounted read-only, else the modes 0555/0444."""
    home.mkdir(parents=True)
    as_root = os.geteuid() == 0
    if as_root:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(home)], check=True)
    try:
        yield
        if as_root:
            subprocess.run(["mount", "-o", "remount,ro", str(home)], check=True)
        else:
            for path in home.rglob("*"):
                path.chmod(0o555 if path.is_dir() else 0o444)
            home.chmod(0o555)
    except BaseException:
        if as_root:
            subprocess.run(["umount", str(home)], check=False)
        raise


def unmount(home: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["umount", str(home)], check=True)
    else:
        for path in [home, *home.rglob("*")]:
            path.chmod(0o755)


@pytest.mark.slow
def test_a_read_only_home_starts_reopens_says_what_failed_and_keeps_a_crash_elsewhere(
        home: Path) -> None:
    with read_only(home):
        paths.config_dir().mkdir(parents=True)
        (paths.config_dir() / "settings.json").write_text("{broken")
        saved = Timeline("town", 7)
        saved.advance(120)
        saved.play("festival")
        saved.advance(30)
        kept = crash.keep(RuntimeError("boom"), saved, own_files=True)
        stale = paths.saves_dir() / ".autosave-1.town.abcdefgh.tmp"
        stale.write_text("half")
    try:
        probe = home / "probe"
        with pytest.raises(OSError):
            probe.write_text("x")
        before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
        status, [start, reopened], stderr = person_run(
            {3: "report", 4: "y", 30: "report", 32: "crash"}, TEST_AUTOSAVE_SECONDS="0.2")
        after = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    finally:
        unmount(home)
    # It started and said once what it could not use; the crashed history was offered.
    assert start["modal"] == "reopen"
    assert "settings.json was unreadable: using defaults" in start["toasts"]
    # Reopened where it stopped; the autosave that could not be written was shown, not hidden.
    assert reopened["cards"] == ["festival"] and reopened["modal"] is None
    assert any(t.startswith("autosave failed: Read-only file system") or
               t.startswith("autosave failed: Permission denied") for t in reopened["toasts"])
    # The crash kept its history in a temp folder, named on the one line; nothing changed here.
    assert status == 1 and "Traceback" not in stderr
    [line] = stderr.strip().splitlines()
    elsewhere = Path(line.split("history saved to ")[1].split(";")[0])
    assert home not in elsewhere.parents and elsewhere.is_file()
    assert [p.card for p in store.load(elsewhere)[0].perturbations()] == ["festival"]
    assert after == before and kept.history in before
