"""The terminal UI, driven by Textual's pilot: it starts on a saved history showing its clock,
hash, citizens and feed — the same projections as the JSON document — scrubs and switches branch
by keys, filters the feed, and plays a town run here; it follows a town served by a real uvicorn
and plays cards on it by key."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from game.cli import main
from game.projections.document import TownDocument, document
from game.switches import Switches
from game.trace import store
from game.trace.timeline import Timeline
from game.tui import rows
from game.tui.app import TownApp
from game.tui.source import CARD_LOD, FEED_ROWS, HistorySource, LiveSource
from game.wire import server
from tests.helpers import village_save
from tests.wire import serving

SIZE = (140, 40)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A village with a festival on main and a branch b1 forked at 120 with a greet."""
    path = tmp_path_factory.mktemp("tui") / "village.town"
    path.write_text(json.dumps(village_save(festival=40, head=300, fork=120)))
    return path


def drive(app: TownApp, steps: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await steps(pilot)
    asyncio.run(run())


def opened(path: Path) -> TownApp:
    timeline, _, _ = store.load(path)
    return TownApp(HistorySource(timeline, path.name))


def table_rows(app: TownApp, which: str) -> list[tuple[str, ...]]:
    table = app.query_one(f"#{which}", DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


def fresh_document(path: Path, branch: str, tick: int, lod: int = CARD_LOD) -> TownDocument:
    """The document of a freshly loaded history sought to (branch, tick)."""
    timeline, _, _ = store.load(path)
    timeline.seek(tick, branch)
    return document(timeline, lod, FEED_ROWS)


def clock_text(app: TownApp) -> str:
    return str(app.query_one("#clock", Static).render())


def test_it_starts_showing_the_documents_clock_citizens_and_feed(saved: Path) -> None:
    app = opened(saved)

    async def steps(pilot: Pilot[None]) -> None:
        doc = app.document
        assert doc == fresh_document(saved, "b1", 220)  # the file's cursor: b1's head
        assert "b1 · tick 220 of 220" in clock_text(app) and doc.hash in clock_text(app)
        assert table_rows(app, "citizens") == rows.citizen_rows(doc)
        assert table_rows(app, "feed") == rows.feed_rows(doc) and len(doc.feed) >= 10
        assert table_rows(app, "feed")[0][3] == doc.feed[0].text  # newest first
    drive(app, steps)


@pytest.mark.slow  # two seconds and more of a terminal driven key by key
def test_keys_scrub_a_history_and_switch_its_branch(saved: Path) -> None:
    app = opened(saved)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("left", "left", "comma")
        assert app.source.moment().tick == 199
        assert app.document == fresh_document(saved, "b1", 199)
        assert app.document.hash in clock_text(app)
        await pilot.press("left_square_bracket")
        assert app.source.moment().tick == 0  # a phase back, stopped at the start
        await pilot.press("end")
        assert app.source.moment().tick == 220
        await pilot.press("b")
        assert app.source.moment().branch == "main" and app.document.clock.branch == "main"
        assert table_rows(app, "feed") == rows.feed_rows(fresh_document(saved, "main", 220))
    drive(app, steps)


@pytest.mark.slow  # two seconds and more of a terminal driven key by key
def test_the_feed_filters_on_what_is_typed_and_time_keys_type_into_it(saved: Path) -> None:
    app = opened(saved)

    async def steps(pilot: Pilot[None]) -> None:
        every = table_rows(app, "feed")
        await pilot.press("slash", *"walk", "left")
        shown = table_rows(app, "feed")
        assert shown and len(shown) < len(every)
        assert all("walk" in " ".join(row).lower() for row in shown)
        assert app.source.moment().tick == 220  # ← moved the text cursor, not time
        await pilot.press("escape", "left")
        assert app.source.moment().tick == 210
    drive(app, steps)


@pytest.mark.slow  # two seconds and more of a terminal driven key by key
def test_the_highlighted_citizens_card_shows_at_the_level_asked_and_follows_time(
        saved: Path) -> None:
    app = opened(saved)

    async def steps(pilot: Pilot[None]) -> None:
        assert app.card is not None and app.card.view.index == 0 and app.card.view.lod == 2
        app.query_one("#citizens", DataTable).focus()
        await pilot.press("down", "down", "plus", "plus")
        assert app.card.view == fresh_document(saved, "b1", 220, lod=4).citizens[2]
        shown = str(app.query_one("#card", Static).render())
        assert app.card.view.name in shown and "detail 4/5" in shown and "closest:" in shown
        await pilot.press("left", "minus", "minus", "minus", "minus", "minus")
        assert app.source.moment().tick == 210
        assert app.card.view == fresh_document(saved, "b1", 210, lod=0).citizens[2]
        assert app.query_one("#citizens", DataTable).cursor_row == 2  # kept through the refill
    drive(app, steps)


@pytest.mark.slow  # two seconds and more of a terminal driven key by key
def test_a_town_run_here_plays_and_pauses(tmp_path: Path) -> None:
    app = TownApp(HistorySource(Timeline("town", 3), "town · seed 3", playing=True,
                                ticks_per_second=200))

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.pause(0.8)
        moved = app.source.moment().tick
        assert moved > 0 and app.document.clock.tick > 0 and "playing" in clock_text(app)
        await pilot.press("space")
        paused_at = app.source.moment().tick
        shown = app.shown
        await pilot.pause(0.6)
        assert app.source.moment().tick == paused_at and "paused" in clock_text(app)
        assert app.shown is shown  # the same moment: nothing projected again
    drive(app, steps)


def test_tui_without_textual_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "game.tui.app", None)
    assert main(["tui"], out=io.StringIO()) == 2
    assert capsys.readouterr().err == (
        "agent-town: the terminal UI needs Textual: pip install 'agent-town[tui]'\n")


def followed(served_url: str) -> TownApp:
    return TownApp(LiveSource.open(served_url))


def answer_text(app: TownApp) -> str:
    return str(app.query_one("#answer", Static).render())


@pytest.mark.slow  # a served town followed for seconds
def test_it_follows_a_served_town_and_plays_a_card_that_comes_back_in_its_feed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "KEEPALIVE_SECONDS", 0.2)  # keep-alives pass by: followed on
    with serving(speed=16) as served:
        app = followed(served.url)

        async def steps(pilot: Pilot[None]) -> None:
            first = app.document.clock.tick
            assert table_rows(app, "citizens") == rows.citizen_rows(app.document)
            assert "1 Greet" in answer_text(app) and app.check_action("scrub", (-10,)) is False
            await pilot.pause(1.0)
            assert app.document.clock.tick > first  # it follows the live town
            assert f"tick {app.document.clock.tick:,}" in clock_text(app)
            assert app.document.hash in clock_text(app) and len(table_rows(app, "feed")) > 5
            await pilot.press("left")  # no scrubbing a served town
            assert app.source.problem == ""
            await pilot.press("5")  # Festival
            assert answer_text(app).startswith("festival played at tick ")
            played = int(answer_text(app).split("tick ")[1].split()[0])
            await pilot.pause(1.0)
            assert any(row[0] == str(played) and row[2] == "festival"
                       for row in table_rows(app, "feed"))  # the card's own event
        drive(app, steps)
        told = [app.source.play("storm", []), app.source.play("storm", []),
                app.source.play("greet", ["nobody"])]
    assert told[0].startswith("storm played at tick ")
    assert told[1].startswith("storm refused (429): cards from one client are 1 s apart")
    assert told[2].startswith("greet refused (422): ") and "\n" not in told[2]


@pytest.mark.slow  # a served town followed for seconds
def test_cards_aim_at_the_marked_citizens_and_a_refusal_is_one_line() -> None:
    with serving(speed=16, switches=Switches(perturbation=False)) as served:
        app = followed(served.url)

        async def steps(pilot: Pilot[None]) -> None:
            app.query_one("#citizens", DataTable).focus()
            for key in ("down", "m", "down", "m"):
                await pilot.press(key)
                await pilot.pause()  # the highlight moves the card's citizen a message later
            names = [c.name for c in app.document.citizens[1:3]]
            assert app.marked == [1, 2] and answer_text(app) == f"targets: {', '.join(names)}"
            await pilot.press("1")  # Greet: switched off for this town
            assert answer_text(app) == ("greet refused (403): perturbation is switched off for "
                                        "this town")
        drive(app, steps)


def test_a_history_takes_no_cards_and_a_town_that_is_not_there_is_told(
        saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = opened(saved)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("5")
        assert not app.query_one("#answer", Static).display and app.source.live is False
    drive(app, steps)
    assert main(["tui", "http://127.0.0.1:9"], out=io.StringIO()) == 2
    assert capsys.readouterr().err.startswith(
        "agent-town: http://127.0.0.1:9: no town answered (ConnectError)")
