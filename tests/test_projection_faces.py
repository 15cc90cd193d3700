"""One state, every face: the window (dummy SDL), `agent-town state` and its JSON document,
`GET /state`, the dashboard and the terminal UI show the same projections."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pygame
import pytest
from pydantic_core import to_jsonable_python

from game.cli import main
from game.dashboard import widgets
from game.dashboard.sources import HistoryTown, LiveTown
from game.projections.card import CardAsk
from game.projections.document import document, to_data
from game.projections.history import FEED_SIZE
from game.projections.projected import Moment
from game.sim.cards import Perturbation
from game.trace.timeline import Timeline
from game.tui.source import HistorySource, LiveSource, Source
from game.view.app import App
from game.view.assets import Assets
from game.view.feedwords import told
from game.view.intents import ChangeDetail, Select
from game.wire.client import endpoint
from tests.helpers import village_save
from tests.test_headless import PROBE, ROOT
from tests.window import key
from tests.wire import serving

CHOSEN = 6  # the citizen whose card every face shows
Face = dict[str, Any]


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """`town` seed 7 over 1,200 ticks with a festival and a rumor, and a branch with a storm."""
    cards = tmp_path / "cards.json"
    cards.write_text(json.dumps([{"tick": 300, "card": "festival"},
                                 {"tick": 700, "card": "rumor", "targets": ["igor"]}]))
    path = tmp_path / "story.town"
    assert main(["run", "--ticks", "1200", "--perturb", str(cards), "--out", str(path)],
                out=io.StringIO()) == 0
    return path


def state_json(*argv: str) -> Any:
    out = io.StringIO()
    assert main(["state", *argv], out=out) == 0
    text = out.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1  # one document a line: pipe-safe
    return json.loads(text)


def test_the_window_and_the_json_document_show_the_same_projections(
        assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    timeline = Timeline("town", 7)
    timeline.add_perturbation(Perturbation(tick=300, card="festival"))
    timeline.advance(1500)
    pygame.event.clear()
    app = App(timeline, speed=0, reproducible=True, assets=assets)
    key(app, pygame.K_c)  # coalition lines on, and a frame drawn with no card: a long feed
    doc = document(app.timeline)
    # The feed widget tells the same rows in the window's words (`game.view.feedwords.told`).
    assert app.widgets.feed.rows and [item for _, item in app.widgets.feed.rows] == list(
        told(doc.feed)[:len(app.widgets.feed.rows)])
    assert app.readout.coalitions() == doc.coalitions and doc.coalitions
    app.apply(Select(6))
    app.frame(0.0)
    view = app.view_state()
    doc = document(app.timeline, lod=view.detail)
    assert view.citizen == doc.citizens[6] and view.hash == doc.hash
    assert view.scatter == doc.scatter and app.widgets.scatter.placed == 25
    assert view.feed == doc.feed
    app.apply(ChangeDetail(3))  # to the last level
    app.frame(0.0)
    view = app.view_state()
    assert view.detail == 5 and view.citizen == document(app.timeline, lod=5).citizens[6]


def festival_town() -> Timeline:
    """`town` seed 7 at tick 1,500, a festival played at 300."""
    timeline = Timeline("town", 7)
    timeline.add_perturbation(Perturbation(tick=300, card="festival"))
    timeline.advance(1500)
    return timeline


def face(hashed: str, scatter: Any, coalitions: Any, feed: Any, card: Any) -> Face:
    """What a face shows of the town, as JSON data: the scatter as the dashboard's points,
    the coalitions, the feed's latest rows and the chosen citizen's card."""
    return {"hash": hashed, "points": widgets.points({"scatter": to_jsonable_python(scatter)}),
            "coalitions": to_jsonable_python(coalitions),
            "feed": to_jsonable_python(feed)[:FEED_SIZE], "card": to_jsonable_python(card)}


def document_face(data: dict[str, Any]) -> Face:
    """A JSON document's (`agent-town state`, `GET /state`) at its own level of detail."""
    return face(data["hash"], data["scatter"], data["coalitions"], data["feed"],
                data["citizens"][CHOSEN])


def window_face(app: App) -> Face:
    """The window's inspector: its scatter, coalition lines, feed and card."""
    view = app.view_state()
    return face(view.hash, view.scatter, app.readout.coalitions(), view.feed, view.citizen)


def dashboard_face(data: dict[str, Any], lod: int) -> Face:
    """The dashboard's: its document's data as its cells draw it (the scatter's points, the
    feed unfiltered, the card cut to the slider's level)."""
    return face(data["hash"], data["scatter"], data["coalitions"],
                widgets.feed_rows(data["feed"]), widgets.at_lod(data["citizens"][CHOSEN], lod))


def tui_face(source: Source, lod: int) -> Face:
    """The terminal UI's: the document its tables show, the card its card pane shows."""
    moment = source.moment()
    doc = source.project(moment)
    return face(doc.hash, doc.scatter, doc.coalitions, doc.feed,
                source.project_card(CardAsk(moment, CHOSEN, lod)))


def test_one_state_shows_the_same_projections_on_every_face(
        assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window, `GET /state` of the same town served (paused), the dashboard and the
    terminal UI following it, and both on the window's own history."""
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    timeline = festival_town()
    pygame.event.clear()
    app = App(timeline, speed=0, reproducible=True, assets=assets)
    app.apply(Select(CHOSEN))
    app.apply(ChangeDetail(1))
    app.frame(0.0)
    lod = app.view_state().detail
    want = document_face(to_data(document(timeline, lod)))
    assert lod == 3 and want["coalitions"] and want["card"]["ties"]["bonds"]
    faces = {"window": window_face(app)}
    with serving(speed=0, timeline=festival_town()) as served:
        got = httpx.get(endpoint(served.url, "state"), params={"lod": lod}, timeout=10)
        faces["GET /state"] = document_face(got.json())
        faces["dashboard following"] = dashboard_face(LiveTown(served.url).document(), lod)
        live = LiveSource.open(served.url)
        try:
            faces["terminal following"] = tui_face(live, lod)
        finally:
            live.close()
    here = Moment.of(timeline)
    faces["dashboard on a history"] = dashboard_face(
        HistoryTown(timeline, "festival", {here.branch: here.tick}).document(
            here.branch, here.tick), lod)
    faces["terminal on a history"] = tui_face(HistorySource(timeline, "festival"), lod)
    for name, shown in faces.items():
        assert shown == want, name
    assert Moment.of(timeline) == here and len(want["feed"]) == FEED_SIZE


def test_state_prints_the_document_of_the_tick_with_seeks_hash(saved: Path) -> None:
    data = state_json(str(saved), "--tick", "900", "--lod", "2")
    out = io.StringIO()
    assert main(["seek", str(saved), "--tick", "900"], out=out) == 0
    assert f"state hash: {data['hash']}" in out.getvalue()
    timeline = Timeline("town", 7)
    timeline.add_perturbations([Perturbation(tick=300, card="festival"),
                                Perturbation(tick=700, card="rumor", targets=("igor",))])
    timeline.advance(900)
    assert data == to_data(document(timeline, lod=2))


def test_state_at_the_head_and_not_past_it(
        saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = state_json(str(saved), "--tick", "1200")
    assert data["clock"] == {"branch": "main", "tick": 1200, "day": 1, "phase": "NIGHT",
                             "time": "00:00"}
    assert main(["state", str(saved), "--tick", "1500"], out=io.StringIO()) == 2
    assert capsys.readouterr().err == ("agent-town: tick 1,500 is past the head of branch main "
                                       "(tick 1,200): choose a tick up to 1,200\n")


def test_state_on_a_branch_shows_that_branchs_town(tmp_path: Path) -> None:
    path = tmp_path / "village.town"
    path.write_text(json.dumps(village_save(festival=40, head=300, fork=120)))
    forked = state_json(str(path), "--tick", "121", "--branch", "b1", "--lod", "1")
    main_line = state_json(str(path), "--tick", "121", "--branch", "main", "--lod", "1")
    assert forked["clock"]["branch"] == "b1" and forked["hash"] != main_line["hash"]

    def carded(data: Any) -> list[Any]:  # the rows of a card's doing (b1's greet sets off)
        return [row for row in data["feed"] if row["tick"] == 121 and row["perturbation"]]
    assert carded(forked) and not carded(main_line)


@pytest.mark.parametrize(("argv", "message"), [
    (["--tick", "x"], "argument --tick: expected a whole number, got 'x'"),
    (["--tick", "99999999"], "past the limit"),
    (["--tick", "5", "--lod", "6"], "argument --lod: a level of detail is 0 to 5, got 6"),
    (["--tick", "5", "--lod", "two"], "argument --lod: expected a whole number"),
    (["--tick", "5", "--branch", "nope"], "no branch 'nope' (branches: main)"),
    ([], "the following arguments are required: --tick"),
])
def test_state_refuses_bad_flags_in_one_line(saved: Path, argv: list[str],
                                             message: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "game", "state", str(saved), *argv],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("agent-town: ") and message in err[0], err


def test_state_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "game", "state", str(tmp_path / "no.town"),
                           "--tick", "3"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "cannot open" in proc.stderr


def test_state_never_loads_pygame(saved: Path, tmp_path: Path) -> None:
    argv_file = tmp_path / "argv.json"
    argv_file.write_text(json.dumps([["state", str(saved), "--tick", "600", "--lod", "5"]]))
    done = subprocess.run([sys.executable, "-c", PROBE, str(argv_file)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    probe = json.loads(next(line for line in done.stdout.splitlines()
                            if line.startswith("PROBE ")).removeprefix("PROBE "))
    assert probe["code"] == 0 and probe["loaded"] == []
