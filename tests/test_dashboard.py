"""The dashboard without a browser: the notebook run headless (`app.run()`) on a saved history
and on a served town, what it draws as functions of the projections' document, and the
`agent-town dashboard` command line."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from game.cli import main
from game.dashboard import launch, serve, sources, widgets
from game.projections.card import LINES_WINDOW, card
from game.projections.coalitions import bond_edges
from game.projections.document import document, to_data
from game.projections.projected import recent
from game.sim.cards import Perturbation
from game.switches import Switches
from game.trace import store
from game.trace.timeline import Timeline
from tests.dashboard import dashboard
from tests.helpers import village_save
from tests.wire import serving


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`town` seed 7 over 900 ticks with a festival."""
    folder = tmp_path_factory.mktemp("dash")
    cards = folder / "cards.json"
    cards.write_text(json.dumps([{"tick": 300, "card": "festival"}]))
    path = folder / "story.town"
    assert main(["run", "--ticks", "900", "--perturb", str(cards), "--out", str(path)],
                out=io.StringIO()) == 0
    return path


def seek_hash(path: Path, tick: int, branch: str | None = None) -> str:
    out = io.StringIO()
    assert main(["seek", str(path), "--tick", str(tick),
                 *(["--branch", branch] if branch else [])], out=out) == 0
    return out.getvalue().split("state hash: ")[1].split()[0]


def run_notebook(source: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, Any]]:
    """The page's text (every cell's output) and the notebook's definitions."""
    from game.dashboard.town import app
    monkeypatch.setenv(sources.ENV, source)
    outputs, defs = app.run()
    return "".join(out.text for out in outputs if out is not None), dict(defs)


def test_the_notebook_runs_headless_with_the_hash_and_25_points(
        saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page, defs = run_notebook(str(saved), monkeypatch)
    assert defs["doc"]["hash"] == seek_hash(saved, 900)  # it opens at the branch's head
    assert f"state hash {defs['doc']['hash']}" in page
    assert len(defs["scatter"].points) == 25
    assert [p["name"] for p in defs["scatter"].points] == defs["doc"]["scatter"]["names"]
    assert "A saved history" in page and "Ada" in page  # no pads; Ada's card


def test_the_notebook_following_a_served_town_shows_its_state_and_pads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(speed=1) as served:
        page, defs = run_notebook(served.url, monkeypatch)
    assert defs["town"].live and defs["doc"]["scenario"] == "town"
    assert len(defs["scatter"].points) == 25
    assert "Festival" in page and "switched off" not in page


def test_the_pads_say_so_when_the_town_takes_no_cards(monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(speed=1, switches=Switches(perturbation=False)) as served:
        page, _ = run_notebook(served.url, monkeypatch)
        assert not sources.LiveTown(served.url).can_play()
    assert "Perturbation is switched off for this town" in page
    assert "Festival" not in page


def test_a_card_goes_to_the_owner_and_its_answer_is_told() -> None:
    with serving(speed=1) as served:
        town = sources.LiveTown(served.url)
        played = town.play("festival", [])
        refused = town.play("greet", ["nobody"])
    assert played.status == 202 and played.text("festival").startswith("festival played at")
    assert refused.status == 422 and "refused (422)" in refused.text("greet")


def test_a_tick_and_a_branch_show_the_state_seek_reaches(tmp_path: Path) -> None:
    path = tmp_path / "village.town"
    path.write_text(json.dumps(village_save(festival=40, head=300, fork=120)))
    town = sources.HistoryTown.load(str(path))
    assert set(town.branches()) == {"main", "b1"}
    for branch, tick in (("b1", 150), ("main", 150), ("b1", 121), ("main", 0)):
        doc = town.document(branch, tick)
        assert doc["hash"] == seek_hash(path, tick, branch)
        assert doc["clock"]["branch"] == branch and doc["clock"]["tick"] == tick
    assert town.document("main", 10**6)["clock"]["tick"] == town.head("main")


def test_the_card_cut_to_a_level_of_detail_is_the_card_projection() -> None:
    timeline = Timeline("town", 7)
    timeline.advance(400)
    full = to_data(document(timeline, 5))
    flux = timeline.flux
    for lod in range(6):
        made = card(flux.state, flux.citizens, 3, lod, recent(timeline, LINES_WINDOW))
        wanted = to_data_card(made)
        assert widgets.at_lod(full["citizens"][3], lod) == wanted


def to_data_card(c: Any) -> dict[str, Any]:
    from pydantic import TypeAdapter
    data: dict[str, Any] = TypeAdapter(type(c)).dump_python(c, mode="json")
    return data


def test_the_scatter_points_are_the_scatter_projection() -> None:
    timeline = Timeline("town", 7)
    timeline.advance(1200)
    doc = to_data(document(timeline))
    points = widgets.points(doc)
    s = doc["scatter"]
    assert [(p["x"], p["y"], p["coalition"]) for p in points] == list(
        zip(s["x"], s["y"], s["coalition"], strict=True))
    assert [p["index"] for p in points if p["bridge"]] == s["bridges"]
    assert all(p["colour"] == widgets.NO_COALITION for p in points if p["coalition"] < 0)


def test_a_coalition_graph_draws_the_projections_bond_edges() -> None:
    timeline = Timeline("town", 7)
    timeline.add_perturbation(Perturbation(tick=300, card="festival"))
    timeline.advance(1500)
    doc = document(timeline, lod=3)
    data = to_data(doc)
    assert doc.coalitions
    for view, shown in zip(doc.coalitions, data["coalitions"], strict=True):
        edges = bond_edges(view, doc.citizens)
        svg = widgets.coalition_svg(shown, data["citizens"])
        assert svg.count("<line") == len(edges) and svg.count("<circle") == len(view.members)
        assert svg.count(widgets.BRIDGE) == len(view.bridges)
    assert any(bond_edges(view, doc.citizens) for view in doc.coalitions)


def test_the_feed_filters_by_words_and_cards() -> None:
    rows = [{"event_id": str(i), "tick": i, "op": op, "text": text, "who": who,
             "perturbation": card, "success": True}
            for i, (op, text, who, card) in enumerate([
                ("greet", "Ada greeted Bruno", ["Ada", "Bruno"], False),
                ("festival", "a festival", [], True),
                ("trade", "Bruno traded with Otto", ["Bruno", "Otto"], False)])]

    def ticks(words: str = "", cards_only: bool = False) -> list[int]:
        return [r["tick"] for r in widgets.feed_rows(rows, widgets.feed_wanted(words,
                                                                               cards_only))]
    assert ticks("bruno") == [0, 2] and ticks("BRUNO otto") == [2] and ticks("trade") == [2]
    assert ticks(cards_only=True) == [1] and ticks("fest", cards_only=True) == [1]
    assert ticks() == [0, 1, 2] and ticks("ada", cards_only=True) == []
    assert widgets.feed_html(rows[1:2]).count('class="card"') == 1


def test_a_live_feed_keeps_what_earlier_polls_saw_and_the_cards_longest() -> None:
    def row(i: int, card: bool = False) -> dict[str, Any]:
        return {"event_id": f"e{i}", "perturbation": card}
    older = [row(i, card=i == 3) for i in range(sources.FEED_KEPT + 10, 0, -1)]
    newest = [row(i) for i in range(sources.FEED_KEPT + 20, sources.FEED_KEPT + 5, -1)]
    got = sources.kept(newest, older)
    ids = [r["event_id"] for r in got]
    assert len(ids) == len(set(ids)) == sources.FEED_KEPT + 1
    assert ids[0] == f"e{sources.FEED_KEPT + 20}" and ids[-1] == "e3"


def test_the_streams_events_become_the_feed_projections_rows() -> None:
    timeline = Timeline("town", 7)
    timeline.advance(300)
    doc = to_data(document(timeline, feed_size=40))
    events = list(timeline.events(start=251, end=300))
    got = [("town.x", {"branch": "main", "event": e.model_dump(mode="json")}) for e in events]
    got.insert(3, ("town.tick", {"branch": "main", "tick": 260}))  # a heartbeat: no row
    got.append(("town.x", {"branch": "b1", "event": events[0].model_dump(mode="json")}))
    assert sources.feed_of(got, doc) == [r for r in doc["feed"] if r["tick"] >= 251]


def test_a_followed_town_pushes_a_cards_row_as_it_is_recorded() -> None:
    """The follower's threads against a served town: the card's row reaches `on_feed` with
    the owner's answer still fresh, the document follows the town, both stop when asked."""
    with serving(speed=16) as served:
        town = sources.LiveTown(served.url)
        first = town.document()
        feeds: list[list[dict[str, Any]]] = []
        beats: list[dict[str, Any]] = []
        docs: list[dict[str, Any]] = []

        def drawn(doc: dict[str, Any]) -> None:
            docs.append(doc)
            town.drawn()
        stop = threading.Event()
        threads = [threading.Thread(target=town.follow_feed,
                                    args=(feeds.append, beats.append, stop.is_set)),
                   threading.Thread(target=town.follow_documents, args=(drawn, stop.is_set))]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        played = town.play("festival", [])
        deadline = time.monotonic() + 5
        while not any(r["perturbation"] and r["op"] == "festival"
                      for r in (feeds[-1] if feeds else [])):
            assert time.monotonic() < deadline, "the card's row never came"
            time.sleep(0.01)
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
            assert not thread.is_alive()
    row = next(r for r in feeds[-1] if r["op"] == "festival")
    assert row["tick"] == played.body["tick"] and "Bruno" in row["who"]  # named, not ids
    assert docs and docs[-1]["clock"]["tick"] > first["clock"]["tick"]
    assert beats and beats[-1]["tick"] > first["clock"]["tick"] and beats[-1]["branch"] == "main"
    assert town.feed is feeds[-1] and len({r["event_id"] for r in town.feed}) == len(town.feed)


def test_the_live_clock_tells_a_heartbeat() -> None:
    line = widgets.tick_html({"branch": "main", "tick": 4800, "hash": None}, "ab12")
    assert "main · tick 4,800 · 06:00 · state hash ab12" in line


def test_the_feed_widget_shows_the_filtered_rows() -> None:
    rows = [{"event_id": f"e{i}", "tick": i, "op": "greet", "text": f"row {i}", "who": [],
             "perturbation": i == 7, "success": True} for i in range(100, 0, -1)]
    assert widgets.shown_feed(rows).count("<tr class") == widgets.FEED_SHOWN
    only = widgets.shown_feed(rows, widgets.feed_wanted(cards_only=True))
    assert only.count("<tr class") == 1 and "row 7" in only
    feed = widgets.HtmlWidget()
    feed.html = only
    assert feed.get_state()["html"] == only  # what the page is sent


def test_metrics_charts_end_at_the_value_the_header_shows() -> None:
    series = [{"tick": t, "tension": t / 10, "cooperation": 0.2, "surplus": 5.0 + t,
               "drama": 1.0} for t in range(0, 400, 100)]
    now = {"tension": 0.0254, "cooperation": 0.2196, "surplus": 863.74, "drama": 9.43,
           "events_today": 3}
    svg = widgets.metrics_svg(series, now, 350)
    assert svg.count("<polyline") == 4
    assert widgets.metrics_words(now) == ("tension 0.025 · cooperation 0.220 · "
                                          "surplus 863.7 · drama 9.4")
    for name in widgets.METRICS:  # each chart's label is the header's words for it
        label = f"<b>{name}</b> {widgets.metric_text(name, now[name])}<"
        assert label in svg and f"{name} {widgets.metric_text(name, now[name])}" in \
            widgets.metrics_words(now)
    assert "surplus</b> 305.0" not in svg  # not the last sample's

    def points(chart: str) -> int:  # the first chart's points
        return len(chart.split('<polyline points="')[1].split('"')[0].split())
    assert points(svg) == 5  # four samples, then now
    assert points(widgets.metrics_svg(series, now, 300)) == 4  # now stands for tick 300's
    assert widgets.metrics_svg([], now, 0).count("<polyline") == 0


def test_the_command_runs_marimo_on_the_shipped_notebook(tmp_path: Path) -> None:
    town = tmp_path / "t.town"
    cmd = launch.command(str(town), port=2799, browser=False)
    assert cmd[1:4] == ["-m", "game.dashboard.serve", "run"] and Path(cmd[4]).name == "town.py"
    assert Path(cmd[4]).is_file()
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and "--headless" in cmd
    assert cmd[-2:] == ["--town", str(town.resolve())]
    assert launch.command("http://127.0.0.1:8000")[-1] == "http://127.0.0.1:8000"
    assert "--headless" not in launch.command(None) and "--" not in launch.command(None)


def test_the_town_is_opened_before_the_page_asks(saved: Path) -> None:
    argv = launch.command(str(saved))
    assert serve.town_of(argv) == str(saved.resolve()) and serve.town_of(argv[:-3]) is None
    serve.warm(str(saved))
    town = sources.open_town(str(saved))  # the one preloaded: handed to the first page
    assert isinstance(town, sources.HistoryTown)
    assert town is not sources.open_town(str(saved))  # the next page opens its own
    sources.preload(str(saved.parent / "gone.town"))
    with pytest.raises(store.SaveError, match=r"gone\.town"):  # a failed preload: told
        sources.open_town(str(saved.parent / "gone.town"))


@pytest.mark.parametrize(("argv", "message"), [
    (["nowhere.town"], "'nowhere.town': no such file"),
    (["--port", "70000"], "a port is at most 65535"),
])
def test_the_command_refuses_in_one_line(argv: list[str], message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_without_marimo_the_command_names_the_extra(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    real = launch.util.find_spec
    monkeypatch.setattr(launch.util, "find_spec",
                        lambda name: None if name == "marimo" else real(name))
    assert main(["dashboard"]) == 2
    assert "pip install 'agent-town[dashboard]'" in capsys.readouterr().err


def test_a_broken_file_is_told_before_the_browser(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.town"
    bad.write_text("{not json")
    assert main(["dashboard", str(bad)]) == 2
    assert "bad.town" in capsys.readouterr().err


@pytest.mark.slow
def test_the_command_becomes_marimo_and_stops_with_it(saved: Path) -> None:
    with dashboard(str(saved)) as url:
        assert "marimo" in httpx.get(url, timeout=10).text.lower()
    with pytest.raises(httpx.ConnectError):  # stopping the command stopped the page's server
        httpx.get(url, timeout=2)


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished sweep of two village runs (a rumor and none), written without a cluster."""
    from game.experiments import sampling, spec, table
    out = tmp_path_factory.mktemp("sweep")
    s = spec.parse({"name": "tiny", "scenarios": ["village"], "seeds": [3], "ticks": 600,
                    "variants": [{"name": "quiet"},
                                 {"name": "rumor", "cards": [{"card": "rumor", "tick": 250}]}],
                    "sample": {"every": 200, "what": ["metrics", "coalitions"]}}, "x")
    table.write_spec(out, s)
    for plan in s.runs():
        result = sampling.run(plan)
        table.write_run(out, result, table.encode(s, result))
    table.assemble(out, s)
    return out


def test_a_sweeps_row_opens_its_run_at_the_rows_tick(swept: Path) -> None:
    from game.dashboard.sweeps import Sweep, is_sweep
    assert is_sweep(str(swept)) and not is_sweep(str(swept / "runs")) and not is_sweep(None)
    sweep = Sweep.open(str(swept))
    assert len(sweep.rows) == 8 and sweep.rows[0]["tick"] == 0
    for row in (sweep.rows[2], sweep.rows[7]):  # quiet at 400; the rumor's run at 600
        town = sweep.town(row)
        assert town.document(town.current(), row["tick"])["hash"] == row["state_hash"]
        assert sweep.command(row) == (f"agent-town --load {swept}/runs/{row['run']}.town "
                                      f"--start-tick {row['tick']}")


def test_the_notebook_on_a_sweep_shows_its_runs_and_the_first_rows_town(
        swept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from game.dashboard.town import app
    monkeypatch.setattr("marimo.cli_args", lambda: {"town": str(swept)})
    outputs, defs = app.run()
    page = "".join(out.text for out in outputs if out is not None)
    first = defs["sweep"].rows[0]
    assert "The sweep&#x27;s runs (8 rows" in page or "The sweep's runs (8 rows" in page
    assert f"--start-tick {first['tick']}" in page and f"{first['run']}.town" in page
    assert defs["tick"].value == first["tick"] and defs["doc"]["hash"] == first["state_hash"]


def test_the_command_takes_a_sweeps_folder_and_refuses_another(
        swept: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert launch.command(str(swept))[-1] == str(swept.resolve())
    assert main(["dashboard", str(tmp_path)]) == 2
    assert "no finished sweep here" in capsys.readouterr().err


def test_a_taken_port_is_told_in_one_line_before_marimo_starts(
        capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["dashboard", "--no-browser", "--port", str(port)]) == 2
    assert capsys.readouterr().err == (f"agent-town: cannot serve the dashboard on "
                                       f"127.0.0.1:{port} (is the port taken?)\n")
