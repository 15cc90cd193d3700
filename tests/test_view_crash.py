"""An unexpected error in the loop: the history is autosaved and verifies, an error screen is
shown, the process exits cleanly, and the next start offers to reopen the autosave."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pygame
import pytest

from game.trace import store
from game.trace.timeline import Timeline
from game.userfiles import paths
from game.view import crash
from game.view.app import App
from game.view.assets import Assets

# A run of the real command line whose loop breaks at frame 40, after a card was played.
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


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.slow
def test_a_crash_autosaves_shows_the_error_screen_and_exits_cleanly(
        home: Path, tmp_path: Path) -> None:
    shot = tmp_path / "crash.png"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    proc = subprocess.run([sys.executable, "-c", FAULTY_RUN, str(shot)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "stopped on an unexpected error (RuntimeError: the renderer tripped" in line
    autosave = paths.autosave_path()
    assert f"history saved to {autosave}" in line
    # The autosave verifies and holds the card played before the crash.
    timeline, record, _ = store.load(autosave)
    assert [p.card for p in timeline.perturbations()] == ["festival"]
    assert record.title == "autosave after an error"
    # The log has the traceback; the note tells the next start.
    log_text = (home / "logs" / "agent-town.log").read_text()
    assert "the renderer tripped over a teapot" in log_text and "Traceback" in log_text
    note = crash.pending()
    assert note is not None and note.autosave == autosave
    # The error screen was on the window: a dimmed town with a panel of text in the middle.
    image = pygame.image.load(str(shot))
    corner = image.get_at((20, 100))
    assert max(corner.r, corner.g, corner.b) < 110
    centre = {tuple(image.get_at((x, 360)))[:3] for x in range(400, 880, 4)}
    assert len(centre) >= 2


def test_the_next_start_offers_to_reopen_the_autosave(home: Path, assets: Assets) -> None:
    saved = Timeline("town", 7)
    saved.advance(300)
    saved.play("storm")
    saved.advance(100)
    crash.record(RuntimeError("boom"), crash.save_history(saved))
    note = crash.pending()
    assert note is not None
    app = App(Timeline("town", 7), speed=0, reproducible=True, assets=assets)
    app.offer_reopen(note)
    app.frame(0.0)
    assert app.ui.top_modal == "reopen"
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_y, mod=0))
    app.frame(0.0)
    assert "reopen" not in app.ui.modals and crash.pending() is None
    assert [p.card for p in app.timeline.perturbations()] == ["storm"]


def test_declining_the_offer_starts_fresh_and_forgets_it(home: Path, assets: Assets) -> None:
    saved = Timeline("town", 7)
    saved.advance(50)
    crash.record(RuntimeError("boom"), crash.save_history(saved))
    app = App(Timeline("town", 3), speed=0, reproducible=True, assets=assets)
    note = crash.pending()
    assert note is not None
    app.offer_reopen(note)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_n, mod=0))
    app.frame(0.0)
    assert "reopen" not in app.ui.modals and crash.pending() is None and app.timeline.seed == 3


def test_a_broken_crash_note_is_ignored(home: Path) -> None:
    crash.note_path().parent.mkdir(parents=True, exist_ok=True)
    crash.note_path().write_text("{not json")
    assert crash.pending() is None
