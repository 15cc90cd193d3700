"""Bonds and trust stored only where they moved equal the dense N × N computation (hypothesis).

- `PairValues` under random writes, merges and relaxations reads back exactly what a dense
  matrix holds, one pair, a block of pairs, a row, a column or the whole matrix at a time;
- a phase end of a town played with random cards equals the dense phase end written out in
  full: bonds relaxed bit for bit, coalitions identical, reputation within 1e-9, metrics equal;
- the strongest bonds and the hashed pairs are those of the dense matrices.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import config
from game.sim import phases, social
from game.sim.bonds import (
    FEW_BASES,
    MERGE_AT,
    MERGE_MOST,
    MERGE_SHARE,
    PairValues,
    initial_bonds,
    initial_relationships,
    initial_row,
    initial_rows,
    moved_pairs,
    unit_personalities,
)
from game.sim.cards import CARDS, Perturbation
from game.sim.flux import TownFlux
from game.sim.model import FloatArray
from game.sim.scenarios import scenario
from tests.helpers import all_bonds, dense_eigentrust

IDS = [c.id for c in scenario("town").citizens]


@st.composite
def cards(draw: st.DrawFn) -> Perturbation:
    card = draw(st.sampled_from(sorted(CARDS)))
    n = draw(st.integers(0, CARDS[card].max_targets))
    targets = draw(st.lists(st.sampled_from(IDS), min_size=n, max_size=n, unique=True))
    return Perturbation(tick=draw(st.integers(1, 1200)), card=card, targets=tuple(targets))


SETTINGS = settings(max_examples=25, deadline=None)

# One write to a PairValues of 9 citizens: (kind, i, j, value).
N = 9
writes = st.lists(st.tuples(st.sampled_from(["set", "add", "block", "relax", "merge"]),
                            st.integers(0, N - 1), st.integers(0, N - 1),
                            st.floats(-1.0, 1.0)), max_size=60)


def _personalities(seed: int) -> FloatArray:
    return np.random.default_rng(seed).uniform(0.0, 1.0, (N, 7))


@SETTINGS
@given(st.integers(0, 1000), writes, st.booleans())
def test_stored_pairs_read_back_what_a_dense_matrix_holds(
        seed: int, ops: list[tuple[str, int, int, float]], trust: bool) -> None:
    personality = _personalities(seed)
    pairs = PairValues(N, None if trust else unit_personalities(personality))
    dense = np.zeros((N, N)) if trust else initial_relationships(personality)
    base = dense.copy()
    for kind, i, j, value in ops:
        if kind == "set":
            pairs.set(i, j, value)
            dense[i, j] = value
        elif kind == "add":
            pairs.add(i, j, value)
            dense[i, j] += value
        elif kind == "block":  # the pairs among citizens lo..hi, as a celebration writes them
            members = np.arange(min(i, j), max(i, j) + 1)
            a, b = np.repeat(members, members.size), np.tile(members, members.size)
            a, b = a[a != b], b[a != b]
            pairs.scatter(a, b, pairs.gather(a, b) * value)
            dense[a, b] = dense[a, b] * value
        elif kind == "relax":
            pairs = pairs.relaxed(config.RELAX_TOWARD_INITIAL)
            dense += config.RELAX_TOWARD_INITIAL * (base - dense)
        else:
            pairs.merge()
    whole = pairs.rows(0, N)  # (a small town's base matrix is kept: this is a fresh copy)
    assert np.array_equal(whole, dense)
    whole += 1.0
    assert np.array_equal(pairs.rows(0, N), dense)
    assert np.array_equal(pairs.rows(0, N, transposed=True), dense.T)
    assert all(pairs.get(i, j) == dense[i, j] for i in range(N) for j in range(N))
    assert [(start, rows.tolist()) for start, rows in pairs.row_blocks(4)] == [
        (start, dense[start:start + 4].tolist()) for start in range(0, N, 4)]
    i, j, values = moved_pairs(N, *pairs.held())
    assert [i.tolist(), j.tolist()] == [a.tolist() for a in np.nonzero(dense != base)]
    assert np.array_equal(values, dense[dense != base])


def test_a_pair_the_dense_initial_matrix_holds_has_the_same_bits_alone() -> None:
    flux = TownFlux("city:300", 5)
    dense = initial_relationships(flux.state.personality)
    bonds = flux.state.bonds
    assert all(bonds.base(i, j) == dense[i, j] for i, j in itertools.product(range(0, 300, 7),
                                                                             range(0, 300, 11)))
    assert np.array_equal(flux.state.bonds_of(17), dense[17])
    assert np.array_equal(flux.state.bonds_to(17), dense[:, 17])


@pytest.mark.parametrize("count", [1, 5, FEW_BASES, FEW_BASES + 1, 3000])
def test_a_few_pairs_base_values_pair_by_pair_have_the_bits_of_the_arrays(count: int) -> None:
    flux = TownFlux("city:300", 9)
    bonds = flux.state.bonds
    rng = np.random.default_rng(count)
    i, j = rng.integers(0, 300, count), rng.integers(0, 300, count)
    i[0] = j[0]  # nobody's bond to themselves
    assert bonds.columns is not None
    expected = initial_bonds(bonds.columns, i, j)
    assert bonds.bases_of(i, j).tobytes() == expected.tobytes()


@SETTINGS
@given(st.integers(0, 1000), st.integers(2, 400), st.integers(0, 3))
def test_one_row_of_initial_bonds_has_the_bits_of_the_rows_made_dimension_by_dimension(
        seed: int, n: int, zeros: int) -> None:
    """The gossip's row (one reduce over the dimensions) against the block of rows (a product
    added dimension by dimension): the same bits, the sign of a zero sum too, where a
    citizen's personality has zeros (0·x is −0.0 for a negative x)."""
    rng = np.random.default_rng(seed)
    columns = rng.standard_normal((len(config.DIMENSIONS), n))
    columns /= np.sqrt(np.square(columns).sum(axis=0))
    columns[:, rng.integers(0, n, zeros)] = 0.0
    columns[rng.integers(0, len(config.DIMENSIONS)), rng.integers(0, n, zeros * 9)] = -0.0
    mine = int(rng.integers(0, n))
    if zeros:  # every product with a zero citizen −0.0, and their sum too
        columns[:, mine] = -np.abs(columns[:, mine])
    for i in {0, n - 1, mine}:
        assert initial_row(columns, i).tobytes() == initial_rows(columns, i, i + 1)[0].tobytes()


@SETTINGS
@given(st.integers(0, 1000), st.sampled_from([1e-15, 1e-10, 1e-6, 1e-3]),
       st.sampled_from([0.3 - 1e-9, 0.2999, 0.29, 0.1]))
def test_the_pairs_whose_initial_bond_reaches_a_floor_are_those_of_the_dense_matrix(
        seed: int, spread: float, floor: float) -> None:
    rng = np.random.default_rng(seed)
    # Twins: a few personalities, each copied with a tiny jitter, some exactly.
    alike = rng.uniform(0.0, 1.0, (4, 7))
    personality = alike[rng.integers(0, 4, 30)] + rng.uniform(-spread, spread, (30, 7))
    personality[5] = personality[6]
    dense = initial_relationships(personality)
    expected = [(a, b) for a, b in zip(*np.nonzero(dense >= floor), strict=True) if a < b]
    bonds = PairValues(30, unit_personalities(personality))
    i, j = bonds.strong_bases(floor)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == expected
    assert (5, 6) in expected or floor > dense[5, 6]


@SETTINGS
@given(st.lists(st.frozensets(st.integers(0, 14), min_size=3, max_size=9), max_size=5),
       st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=40))
def test_pairs_inside_a_group_are_found_bridges_included(
        groups: list[frozenset[int]], pairs: list[tuple[int, int]]) -> None:
    a = np.array([p for p, _ in pairs], dtype=np.int64)
    b = np.array([q for _, q in pairs], dtype=np.int64)
    inside = social._within(a, b, groups)
    assert inside.tolist() == [any({p, q} <= g for g in groups) for p, q in pairs]


@SETTINGS
@given(st.integers(0, 10_000),
       st.lists(st.tuples(st.integers(0, N - 1), st.integers(0, N - 1),
                          st.sampled_from([0.2, 0.33, 0.36, 0.4, 0.6, 0.9])), max_size=30),
       st.lists(st.frozensets(st.integers(0, N - 1), min_size=3, max_size=5), max_size=3))
def test_affinity_edges_from_the_strong_bonds_equal_those_from_every_pair(
        seed: int, moved: list[tuple[int, int, float]], keep: list[frozenset[int]]) -> None:
    personality = _personalities(seed)
    personality[1] = personality[2] = personality[3]  # initial bonds at their strongest
    bonds = PairValues(N, unit_personalities(personality))
    for i, j, value in moved:  # near the thresholds, one way or both, some pairs twice
        bonds.set(i, j, value)
    every = tuple(np.array(column) for column in zip(*itertools.product(range(N), repeat=2),
                                                     strict=True))
    sparse = social.affinity_edges(bonds, keep=keep)
    dense = social.affinity_edges(bonds, keep=keep, pairs=every)
    assert [a.tolist() for a in sparse] == [a.tolist() for a in dense]


@SETTINGS
@given(st.integers(0, 10_000),
       st.lists(st.tuples(st.integers(0, N - 1), st.integers(0, N - 1),
                          st.sampled_from([0.2, 0.33, 0.36, 0.4, 0.6, 0.9])), max_size=30),
       st.lists(st.tuples(st.integers(0, N - 1), st.integers(0, N - 1),
                          st.sampled_from([-0.5, 0.1, 0.33, 0.36, 0.4, 0.9])), max_size=12),
       st.lists(st.frozensets(st.integers(0, N - 1), min_size=3, max_size=5), max_size=3))
def test_edges_mended_where_pairs_moved_equal_the_edges_found_again(
        seed: int, before: list[tuple[int, int, float]], after: list[tuple[int, int, float]],
        keep: list[frozenset[int]]) -> None:
    """The eve's edges: found among the bonds three ticks before a phase end, then looked at
    again only where pairs moved since, across the thresholds either way."""
    personality = _personalities(seed)
    personality[1] = personality[2] = personality[3]  # initial bonds at their strongest
    bonds = PairValues(N, unit_personalities(personality))
    for i, j, value in before:
        bonds.set(i, j, value)
    a, b = social.affinity_edges(bonds.relaxed(config.RELAX_TOWARD_INITIAL), keep=keep)
    bonds.watch()
    for k, (i, j, value) in enumerate(after):  # set, added to, or set with a block
        if k % 3 == 0:
            bonds.set(i, j, value)
        elif k % 3 == 1:
            bonds.add(i, j, value)
        else:
            bonds.scatter(np.array([i]), np.array([j]), np.array([value]))
    assert bonds.touched is not None
    assert set(bonds.touched) == {i * N + j for i, j, _ in after}
    assert copy.deepcopy(bonds).touched is None
    relaxed = bonds.relaxed(config.RELAX_TOWARD_INITIAL)
    mended = social.mend_edges(a * N + b, relaxed, np.array(bonds.touched, dtype=np.int64),
                               keep=keep)
    x, y = social.affinity_edges(relaxed, keep=keep)
    assert mended.tolist() == (x * N + y).tolist()
    dense = social.dense_affinity_edges(relaxed, keep=keep)  # a small town's, every pair read
    assert [dense[0].tolist(), dense[1].tolist()] == [x.tolist(), y.tolist()]


@pytest.mark.parametrize("phase", [1, 2, 5])
@pytest.mark.parametrize("card", ["dispute", "greet", "festival", "rumor"])
def test_the_eve_made_a_part_a_tick_is_the_eve_made_whole(phase: int, card: str) -> None:
    """Cards played on the ticks that make a phase end's eve move the bonds between its parts;
    what the parts make is what the whole made at once on the eve gives, and so is a flux
    restored between them."""
    end = phase * config.PHASE_TICKS
    flux = TownFlux("city:120", 3)
    ids = flux.ids
    strongest = [ids[k] for k in np.argsort(-flux.state.bonds_of(0))[:2].tolist()]
    for k, t in enumerate(range(end - phases.EVE_TICKS, end)):
        targets = () if card in ("festival", "rumor") else (ids[0], strongest[k % 2])
        flux.inject(Perturbation(tick=t, card=card, targets=targets))
    flux.run(end - phases.EVE_TICKS - 1)
    at_start = flux.snapshot()
    flux.run(phases.EVE_TICKS)
    eve = flux.eve
    assert eve is not None and eve.tick == end and eve.bonds is not None
    relaxed = eve.bonds.held()  # the phase end takes these bonds on and moves them
    on_eve = flux.snapshot()
    flux.run(1)  # the phase end
    for restored_at in range(phases.EVE_TICKS + 1):  # a restore lets the parts made go
        again = TownFlux("city:120", 3)
        again.restore(at_start)
        again.run(restored_at)
        again.restore(again.snapshot())
        again.run(phases.EVE_TICKS - restored_at)
        made = [again.eve] if restored_at < phases.EVE_TICKS else []
        assert again.eve is None or made
        whole = phases.whole(again, end)
        for part in [whole, *made]:
            assert part is not None and part.bonds is not None
            assert part.edges.tolist() == eve.edges.tolist()
            assert part.found == eve.found and part.matched == eve.matched
            assert part.dissolved == eve.dissolved
            assert all(np.array_equal(x, y) for x, y in zip(part.bonds.held(), relaxed,
                                                            strict=True))
        again.restore(on_eve)  # none made: the phase end makes it whole
        again.run(1)
        assert again.state_hash() == flux.state_hash()


def test_pairs_set_one_by_one_wait_in_a_small_dict_then_merge_in_order() -> None:
    pairs = PairValues(100_000, None)
    for k in range(MERGE_AT - 1):
        pairs.set(999 - k % 1000, (k * 37) % 1000, float(k))
    assert len(pairs.recent) == MERGE_AT - 1 and pairs.codes.size == 0
    pairs.set(0, 1, 5.0)
    assert not pairs.recent and pairs.codes.size == MERGE_AT
    assert np.all(np.diff(pairs.codes) > 0)
    assert pairs.get(0, 1) == 5.0 and pairs.get(0, 2) == 0.0
    stored = 4 * MERGE_SHARE * MERGE_AT  # a big store merges less often
    pairs.scatter(np.arange(stored) + 1000, np.zeros(stored, dtype=np.int64), np.ones(stored))
    waiting = pairs.codes.size // MERGE_SHARE - 1
    for k in range(waiting):
        pairs.set(k, 2, 2.0)
    assert len(pairs.recent) == waiting > MERGE_AT
    assert pairs.rows(3, 4)[0, 2] == 2.0 and pairs.rows(3, 4)[0, 3] == 0.0
    pairs.set(5, 5, 1.0)
    assert not pairs.recent and not pairs.recent_rows


def test_however_big_the_store_at_most_merge_most_pairs_wait() -> None:
    pairs = PairValues(100_000, None)
    stored = 2 * MERGE_SHARE * MERGE_MOST  # a share of it would let twice MERGE_MOST wait
    pairs.scatter(np.arange(stored) + 1000, np.zeros(stored, dtype=np.int64), np.ones(stored))
    for k in range(MERGE_MOST - 1):
        pairs.set(k, 3, 3.0)
    assert len(pairs.recent) == MERGE_MOST - 1
    pairs.set(k + 1, 3, 3.0)
    assert not pairs.recent and pairs.codes.size == stored + MERGE_MOST
    assert pairs.get(7, 3) == 3.0 and pairs.get(1500, 0) == 1.0 and pairs.get(7, 4) == 0.0


def test_a_few_pairs_are_gathered_and_scattered_where_they_wait_many_after_a_merge() -> None:
    pairs = PairValues(1000, None)
    for k in range(10):
        pairs.set(k, k + 1, float(k))  # waiting in the dict
    few_i, few_j = np.arange(5, 15), np.arange(6, 16)  # half of them waiting, half new
    assert pairs.gather(few_i, few_j).tolist() == [5.0, 6.0, 7.0, 8.0, 9.0] + [0.0] * 5
    pairs.scatter(few_i, few_j, np.full(10, 3.0))
    assert pairs.codes.size == 0 and len(pairs.recent) == 15  # no array rebuilt
    many = MERGE_AT + 20  # more new pairs than MERGE_AT, besides the 15 stored
    many_i, many_j = np.arange(many), np.arange(many) + 1
    assert pairs.gather(many_i, many_j)[:16].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] + [3.0] * 10 \
        + [0.0]
    assert not pairs.recent and pairs.codes.size == 15  # merged to be found in the arrays
    pairs.scatter(many_i, many_j, np.full(many, 4.0))
    assert not pairs.recent and pairs.codes.size == many
    assert {pairs.get(k, k + 1) for k in range(many)} == {4.0}


def _percolation_by_triangles(edges: set[tuple[int, int]]) -> set[frozenset[int]]:
    """k = 3 clique percolation the textbook way: triangles joined when they share an edge."""
    nodes = sorted({x for e in edges for x in e})
    triangles = [t for t in itertools.combinations(nodes, 3)
                 if all(p in edges for p in itertools.combinations(t, 2))]
    parent = list(range(len(triangles)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for x, y in itertools.combinations(range(len(triangles)), 2):
        if len(set(triangles[x]) & set(triangles[y])) == 2:
            parent[find(x)] = find(y)
    groups: dict[int, set[int]] = {}
    for k, t in enumerate(triangles):
        groups.setdefault(find(k), set()).update(t)
    return {frozenset(g) for g in groups.values()}


@SETTINGS
@given(st.integers(0, 10_000), st.lists(cards(), max_size=12), st.integers(1, 3))
def test_a_phase_end_equals_the_dense_phase_end(
        seed: int, schedule: list[Perturbation], phase: int) -> None:
    initial = initial_relationships(TownFlux("town", seed).state.personality)
    flux = TownFlux("town", seed)
    for p in schedule:
        flux.inject(p)
    t = phase * config.PHASE_TICKS
    flux.run(t - 1)
    s = flux.state
    rel, trust = all_bonds(s), s.trust.rows(0, s.n)
    kept = [c.members for c in s.coalitions]
    s.tick = t
    phases.phase_end(flux, t)

    rel += config.RELAX_TOWARD_INITIAL * (initial - rel)
    assert np.array_equal(all_bonds(s), rel)
    mutual = (rel + rel.T) / 2.0
    inside = np.zeros_like(rel, dtype=bool)
    for members in kept:
        m = sorted(members)
        inside[np.ix_(m, m)] = True
    edge = (mutual >= config.COALITION_AFFINITY) | (
        inside & (mutual >= config.COALITION_AFFINITY - config.COALITION_HYSTERESIS))
    edges = {(a, b) for a, b in zip(*np.nonzero(np.triu(edge, 1)), strict=True)}
    assert {c.members for c in s.coalitions} == _percolation_by_triangles(edges)
    np.testing.assert_allclose(s.reputation, dense_eigentrust(trust), rtol=0, atol=1e-9)
    off = rel[~np.eye(s.n, dtype=bool)]
    metrics = flux.metrics()
    assert metrics["tension"] == pytest.approx(off.var(), rel=1e-9, abs=1e-15)
    assert metrics["cooperation"] == pytest.approx(off[off > 0].mean(), rel=1e-9)
    moved = np.nonzero(rel != initial)
    i, j, values = moved_pairs(s.n, *s.bonds.held())
    assert [i.tolist(), j.tolist()] == [a.tolist() for a in moved]
    assert np.array_equal(values, rel[moved])


@pytest.mark.parametrize("phase", [1, 2, 7])
def test_a_phase_end_made_on_its_eve_or_without_it_is_the_same(phase: int) -> None:
    """The tick before a phase end makes what the phase end reads of the bonds; a flux restored
    to that tick (a keyframe, a seek, another branch) lets go of what it held, makes it at the
    phase end, and gets the same."""
    eve = phase * config.PHASE_TICKS - 1
    rumor = Perturbation(tick=eve - 40, card="rumor")

    def town(cards: list[Perturbation], ticks: int) -> TownFlux:
        flux = TownFlux("city:120", 3)
        for p in cards:
            flux.inject(p)
        flux.run(ticks)
        return flux

    flux = town([rumor], eve)
    assert flux.eve is not None and flux.eve.tick == eve + 1
    snap = flux.snapshot()
    plain = town([], eve)
    flux.restore(plain.snapshot())  # another branch at the same tick: no rumor there
    assert flux.eve is None
    flux.run(3)
    plain.run(3)
    assert flux.state_hash() == plain.state_hash()
    flux.restore(snap)
    flux.run(3)
    fresh = town([rumor], eve + 3)
    assert flux.state_hash() == fresh.state_hash()
    assert [c.members for c in flux.state.coalitions] == [
        c.members for c in fresh.state.coalitions]


@pytest.mark.parametrize("ticks", [0, 300, 3000])
def test_the_strongest_bonds_are_those_of_the_dense_matrix(ticks: int) -> None:
    flux = TownFlux("city:120", 3)
    flux.run(ticks)
    rel = all_bonds(flux.state)
    mutual = (rel + rel.T) / 2.0
    upper = np.triu_indices(rel.shape[0], 1)
    order = np.argsort(-mutual[upper], kind="stable")[:5]
    expected = [(int(upper[0][o]), int(upper[1][o]), float(mutual[upper][o])) for o in order]
    assert social.strongest_pairs(flux.state.bonds, 5) == expected


def test_a_big_town_stores_only_the_bonds_its_citizens_moved() -> None:
    flux = TownFlux("city:2500", 1)
    flux.run(50)
    s = flux.state
    assert 0 < len(s.bonds) < 10_000 and 0 < len(s.trust) < 10_000
    assert s.bonds.nbytes + s.trust.nbytes < 1_000_000


def test_a_copy_of_the_town_changes_with_nothing_done_to_the_original() -> None:
    flux = TownFlux("town", 4)
    for p in (Perturbation(tick=100, card="rumor"), Perturbation(tick=300, card="festival"),
              Perturbation(tick=2000, card="storm")):
        flux.inject(p)
    flux.run(320)
    kept = flux.snapshot()
    s = kept.state  # a rumor spreading, guests walking to a festival, a storm still queued
    assert s.rumors and s.festival and s.pending and s.queue
    digest = kept.state.digest()
    flux.run(3000)
    assert kept.state.digest() == digest
    flux.restore(kept)
    flux.run(3000)
    assert kept.state.digest() == digest
