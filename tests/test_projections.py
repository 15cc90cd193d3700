"""The projections (`game.projections`), one by one, and the whole JSON document: what any face
shows of the town is a function of its state."""

from __future__ import annotations

import json

import numpy as np
import pytest

from game import config
from game.projections.card import (
    LINES_WINDOW,
    MAX_LOD,
    Bond,
    Card,
    Ties,
    card,
    cards,
    check_lod,
    spoken,
)
from game.projections.coalitions import BondEdge, CoalitionView, bond_edges, coalitions, membership
from game.projections.document import STATE_FORMAT, document, to_data, to_json
from game.projections.history import FEED_SIZE, FEED_WINDOW, feed, stories
from game.projections.projected import names_of, recent
from game.projections.rumors import carried_by, told_rumors
from game.projections.scatter import scatter
from game.projections.town import clock, clock_text, metric_series, metrics
from game.sim.cards import Perturbation
from game.sim.model import Coalition
from game.sim.social import pca_2d
from game.trace.story import story_markers
from game.trace.timeline import Timeline

SECTIONS = ("temper", "voice", "ties", "measures", "opacity")  # what LOD 1, 2, … add


@pytest.fixture(scope="module")
def town() -> Timeline:
    """`town` seed 7 two days in, with a festival and a rumor about Igor on the way."""
    tl = Timeline("town", 7)
    tl.add_perturbations([Perturbation(tick=300, card="festival"),
                          Perturbation(tick=900, card="rumor", targets=("igor",))])
    tl.advance(2 * config.DAY_TICKS)
    return tl


def test_the_scatter_is_the_pca_of_personalities_scaled_into_the_unit_square(
        town: Timeline) -> None:
    s = town.flux.state
    sc = scatter(s, town.flux.citizens)
    assert len(sc.x) == len(sc.y) == len(sc.ids) == s.n == 25
    assert min(sc.x) == 0.0 and max(sc.x) == 1.0 and min(sc.y) == 0.0 and max(sc.y) == 1.0
    xy = pca_2d(s.personality)
    # The scaling keeps the order along each axis: the same picture, fitted to the square.
    assert np.argsort(xy[:, 0]).tolist() == np.argsort(np.array(sc.x)).tolist()
    assert sc.names == tuple(c.name for c in town.flux.citizens)


def test_scatter_colours_follow_coalitions_and_bridges_are_those_in_two(town: Timeline) -> None:
    s = town.flux.state.copy()
    s.coalitions = [Coalition(3, frozenset({0, 1, 2})), Coalition(5, frozenset({2, 4, 6}))]
    sc = scatter(s, town.flux.citizens)
    assert sc.coalition[0] == sc.coalition[1] == 3 and sc.coalition[4] == 5
    assert sc.coalition[9] == -1
    assert sc.bridges == (2,)
    assert sc.point(2).bridge and not sc.point(1).bridge and sc.point(2).name == sc.names[2]


def test_coalitions_list_members_by_name_with_their_bridges(town: Timeline) -> None:
    s = town.flux.state.copy()
    s.coalitions = [Coalition(3, frozenset({2, 0, 1})), Coalition(5, frozenset({6, 2, 4}))]
    citizens = town.flux.citizens
    views = coalitions(s, citizens)
    assert [(v.id, v.number, v.members) for v in views] == [("c3", 3, (0, 1, 2)),
                                                          ("c5", 5, (2, 4, 6))]
    assert views[1].names == tuple(citizens[i].name for i in (2, 4, 6))
    assert views[0].bridges == views[1].bridges == (2,)
    held = membership(views, s.n)
    assert held[2] == ("c3", "c5") and held[0] == ("c3",) and held[9] == ()


def test_a_coalitions_graph_joins_the_members_among_each_others_strongest_bonds(
        town: Timeline) -> None:
    s, citizens = town.flux.state, town.flux.citizens
    every = cards(s, citizens, 3, [])
    views = coalitions(s, citizens)
    assert views

    def strongest(i: int) -> list[int]:  # by the whole row: the strongest first, then by index
        return sorted((j for j in range(s.n) if j != i), key=lambda j: (-s.bond(i, j), j))[:3]
    for view in views:
        want = [BondEdge(a, b, s.bond(a, b) if b in strongest(a) else s.bond(b, a))
                for a in view.members for b in view.members
                if a < b and (b in strongest(a) or a in strongest(b))]
        assert list(bond_edges(view, every)) == want
    assert any(bond_edges(view, every) for view in views)
    assert bond_edges(views[0], cards(s, citizens, 2, [])) == ()  # cards without ties


def test_a_coalitions_graph_keeps_to_its_members_and_takes_a_pairs_weight_once() -> None:
    view = CoalitionView("c1", 1, (0, 2, 5), ("A", "C", "F"), (2,))

    def held(i: int, *bonds: tuple[int, float]) -> Card:
        return Card(3, i, f"x{i}", f"X{i}", "square", "idle", "idle at the square",
                    ties=Ties((), tuple(Bond(j, f"X{j}", w) for j, w in bonds)))
    got = bond_edges(view, [held(0, (2, 0.5), (1, 0.9)), held(1, (0, 0.9)),
                            held(2, (0, 0.4), (5, 0.3)), held(5, (2, 0.2), (9, 0.8))])
    assert got == (BondEdge(0, 2, 0.5), BondEdge(2, 5, 0.3))


def test_each_level_of_detail_adds_its_section_to_the_card(town: Timeline) -> None:
    s, citizens = town.flux.state, town.flux.citizens
    events = recent(town, LINES_WINDOW)
    for lod in range(MAX_LOD + 1):
        c = card(s, citizens, 4, lod, events)
        present = [name for name in SECTIONS if getattr(c, name) is not None]
        assert present == list(SECTIONS[:lod]), lod
        assert (c.lod, c.index, c.id, c.name) == (lod, 4, citizens[4].id, citizens[4].name)
    full = card(s, citizens, 4, MAX_LOD, events)
    assert full.measures is not None and full.ties is not None and full.voice is not None
    assert [t.value for t in full.measures.personality] == s.personality[4].tolist()
    assert [t.dimension for t in full.measures.personality] == list(config.DIMENSIONS)
    assert full.measures.surplus == float(s.surplus[4])
    assert full.ties.bonds[0].weight == max(v for j, v in enumerate(s.bonds_of(4)) if j != 4)
    assert full.opacity == citizens[4].worldview.opacity
    assert full.doing.endswith(full.region)


def test_a_cards_lines_are_what_the_citizen_said_lately_newest_first(town: Timeline) -> None:
    events = recent(town, LINES_WINDOW)
    said = spoken(events)
    speaker = next(cid for cid, lines in said.items() if len(lines) >= 2)
    i = town.flux.index[speaker]
    c = card(town.flux.state, town.flux.citizens, i, 2, events)
    assert c.voice is not None and c.voice.lines == (said[speaker][-1], said[speaker][-2])
    assert cards(town.flux.state, town.flux.citizens, 2, events)[i] == c


def test_a_level_of_detail_outside_0_to_5_is_refused() -> None:
    assert check_lod(0) == 0 and check_lod(MAX_LOD) == MAX_LOD
    for bad in (-1, MAX_LOD + 1):
        with pytest.raises(ValueError, match="0 to 5"):
            check_lod(bad)


def test_metrics_and_their_series_are_the_flux_and_the_timelines(town: Timeline) -> None:
    m = metrics(town.flux)
    now = town.flux.metrics()
    assert (m.tension, m.cooperation, m.surplus, m.drama) == (
        now["tension"], now["cooperation"], now["surplus"], now["drama"])
    series = metric_series(town.metrics_series())
    assert [p.tick for p in series] == list(range(config.METRIC_SAMPLE_TICKS, town.cursor + 1,
                                                  config.METRIC_SAMPLE_TICKS))
    assert series[-1].tension == m.tension and series[-1].surplus == m.surplus


def test_the_clock_starts_at_six_in_the_morning_and_names_day_and_phase(
        town: Timeline) -> None:
    assert clock_text(0) == "06:00" and clock_text(config.DAY_TICKS // 2) == "18:00"
    c = clock(town.flux, "main")
    assert (c.branch, c.tick, c.day, c.phase) == ("main", town.cursor, 3, "MORNING")


def test_the_feed_is_the_latest_events_newest_first_with_names(town: Timeline) -> None:
    events = recent(town, FEED_WINDOW)
    rows = feed(events, names_of(town))
    assert len(rows) == FEED_SIZE
    assert [r.event_id for r in rows] == [e.id for e in reversed(events[-FEED_SIZE:])]
    assert rows[0].who == tuple(town.flux.name(town.flux.index[c])
                                for c in events[-1].participants)
    assert feed(events, names_of(town), size=3) == rows[:3]
    festival = feed(town.events(start=300, end=300), names_of(town))
    assert festival and all(r.perturbation for r in festival if r.op == "festival")


def test_a_historys_feed_read_as_briefs_is_the_feed_of_its_events(town: Timeline) -> None:
    names = names_of(town)
    for start, end in ((0, 2 * config.DAY_TICKS), (880, 960), (300, 300)):
        events = town.events(start=start, end=end)
        for size in (FEED_SIZE, 1000, 0):
            assert feed(events, names, size) == feed(list(events), names, size)


def test_story_markers_are_the_trace_storys(town: Timeline) -> None:
    events = town.events(end=town.cursor)
    marks = stories(events, names_of(town))
    assert marks == tuple(story_markers(events, names_of(town)))
    assert any(m.kind == "festival" and m.tick >= 300 for m in marks)


def test_the_document_is_one_line_of_json_carrying_the_hash_and_every_projection(
        town: Timeline) -> None:
    doc = document(town, lod=3)
    text = to_json(doc)
    assert "\n" not in text
    data = json.loads(text)
    assert data == to_data(doc)
    assert data["format"] == STATE_FORMAT
    assert data["hash"] == town.flux.state_hash()
    assert data["clock"]["tick"] == town.cursor
    assert len(data["scatter"]["x"]) == 25 and len(data["citizens"]) == 25
    assert {c["lod"] for c in data["citizens"]} == {3} and data["citizens"][0]["measures"] is None
    assert data["feed"][0]["event_id"] == doc.feed[0].event_id
    assert [s["kind"] for s in data["stories"]] == [s.kind for s in doc.stories]


def test_the_document_reads_the_timeline_and_never_moves_it(town: Timeline) -> None:
    where = (town.current, town.cursor, town.flux.state_hash())
    document(town, lod=5)
    assert (town.current, town.cursor, town.flux.state_hash()) == where


def test_a_cards_strongest_bonds_are_a_stable_sort_of_the_whole_row() -> None:
    tl = Timeline("village", 3)
    tl.advance(400)
    s = tl.flux.state.copy()
    others = np.arange(s.n)
    s.bonds.scatter(np.full(s.n, 2), others, np.full(s.n, 0.5))  # every bond of citizen 2 ties:
    s.set_bond(2, 5, 0.9)  # the lowest indexes win, as in a full sort
    for i in range(s.n):
        row = s.bonds_of(i)
        row[i] = -np.inf
        expected = np.argsort(-row, kind="stable")[:3].tolist()
        c = card(s, tl.flux.citizens, i, 3, [])
        assert c.ties is not None and [b.index for b in c.ties.bonds] == expected
    c = card(s, tl.flux.citizens, 2, 3, [])
    assert c.ties is not None and [b.index for b in c.ties.bonds] == [5, 0, 1]


def test_a_rumor_is_told_by_all_who_heard_it_but_its_subject_until_its_day_is_over() -> None:
    tl = Timeline("town", 7)
    tl.add_perturbations([Perturbation(tick=300, card="rumor", targets=("wren", "ivo")),
                          Perturbation(tick=400, card="rumor", targets=("bruno",))])
    tl.advance(400 + config.RUMOR_TICKS // 2)
    s = tl.flux.state
    wren, bruno = s.rumors
    told = told_rumors(s, tl.flux.citizens)
    assert [(r.id, r.subject, r.about, r.until) for r in told] == [  # the freshest first
        (bruno.id, 0, "Bruno", 400 + config.RUMOR_TICKS),
        (wren.id, 9, "Wren", 300 + config.RUMOR_TICKS)]
    assert told[1].carriers == tuple(sorted(wren.reached)) and len(wren.reached) > 2
    assert 9 not in told[1].carriers and carried_by(told, 9) is None
    assert carried_by(told, 10) == told[0] and 10 in told[1].carriers  # the fresher of two
    assert carried_by(told, 11) == told[1]
    tl.advance(301 + config.RUMOR_TICKS - s.tick)
    assert [r.id for r in told_rumors(tl.flux.state, tl.flux.citizens)] == [bruno.id]
    tl.advance(100)
    assert told_rumors(tl.flux.state, tl.flux.citizens) == ()
    assert len(tl.flux.state.rumors) == 2  # kept in the state, told no longer
