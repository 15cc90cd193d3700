"""Coalitions by k-clique percolation, EigenTrust, metrics and the town's calibration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import config
from game.sim import social
from game.sim.bonds import PairValues, initial_relationships, unit_personalities
from game.sim.flux import TownFlux
from game.sim.model import personality_for
from tests.helpers import all_bonds, pair_values


def graph(n: int, edges: list[tuple[int, int]]) -> social.Graph:
    adj: social.Graph = {}
    for a, b in edges:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    return adj


def every_pair(n: int) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.nonzero(~np.eye(n, dtype=bool))
    return i, j


def eigentrust(counts: np.ndarray, **options: float) -> np.ndarray:
    """EigenTrust of a dense matrix of counts, through the edge-list function."""
    src, dst = np.nonzero(counts)
    return social.eigentrust(counts.shape[0], src, dst, counts[src, dst], **options)


def test_clique_percolation_finds_the_known_communities() -> None:
    # Two triangles sharing an edge (0-1-2, 1-2-3) form one community; 4-5-6 another;
    # 3-4 alone joins nothing (no shared edge); 7-8 is an edge without a triangle.
    adj = graph(9, [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (3, 4), (4, 5), (4, 6), (5, 6),
                    (7, 8)])
    assert social.clique_percolation(adj) == [frozenset({0, 1, 2, 3}), frozenset({4, 5, 6})]


def test_triangles_sharing_only_a_node_stay_apart_and_the_node_is_a_bridge() -> None:
    adj = graph(5, [(0, 1), (0, 2), (1, 2), (2, 3), (2, 4), (3, 4)])
    found = social.clique_percolation(adj)
    assert found == [frozenset({0, 1, 2}), frozenset({2, 3, 4})]
    assert social.bridges(found) == {2}


def test_affinity_is_the_mean_of_both_directions() -> None:
    rel = np.array([[0.0, 0.5, 0.0], [0.1, 0.0, 0.0], [0.0, 0.0, 0.0]])
    for threshold, edges in ((0.3, [(0, 1)]), (0.31, [])):
        a, b = social.affinity_edges(pair_values(rel), threshold=threshold, pairs=every_pair(3))
        assert list(zip(a.tolist(), b.tolist(), strict=True)) == edges


def test_eigentrust_matches_the_direct_eigenvector() -> None:
    rng = np.random.default_rng(0)
    counts = rng.integers(-2, 6, size=(12, 12)).astype(float)
    np.fill_diagonal(counts, 0)
    alpha = 0.15
    got = eigentrust(counts, alpha=alpha, max_iter=500, tol=1e-12)
    local = np.maximum(counts, 0)
    c = local / local.sum(axis=1, keepdims=True)
    n = len(c)
    m = (1 - alpha) * c.T + alpha * np.full((n, n), 1 / n)  # columns sum to 1
    values, vectors = np.linalg.eig(m)
    v = np.real(vectors[:, np.argmax(np.real(values))])
    v /= v.sum()
    np.testing.assert_allclose(got, v, atol=1e-9)
    assert got.sum() == pytest.approx(1.0)


def test_eigentrust_with_no_interactions_is_uniform() -> None:
    np.testing.assert_allclose(eigentrust(np.zeros((4, 4))), np.full(4, 0.25))


def test_matching_keeps_a_coalitions_id_while_its_members_shift() -> None:
    old = [("c1", frozenset({1, 2, 3, 4})), ("c2", frozenset({7, 8, 9}))]
    new = [frozenset({1, 2, 3, 5}), frozenset({10, 11, 12})]
    matched, dissolved = social.match_coalitions(old, new)
    assert matched == [("c1", frozenset({1, 2, 3, 5})), (None, frozenset({10, 11, 12}))]
    assert dissolved == ["c2"]


def _greedy_by_jaccard(old: list[tuple[str, frozenset[int]]], new: list[frozenset[int]]
                       ) -> tuple[list[tuple[str | None, frozenset[int]]], list[str]]:
    """Every pair sharing a member, greedy by Jaccard: what `match_coalitions` must equal."""
    pairs = sorted((-len(m & f) / len(m | f), a, b, cid) for a, (cid, m) in enumerate(old)
                   for b, f in enumerate(new)
                   if m & f and len(m & f) / len(m | f) >= config.COALITION_MATCH_JACCARD)
    taken: set[int] = set()
    kept: dict[int, str] = {}
    for _, a, b, cid in pairs:
        if a not in taken and b not in kept:
            taken.add(a)
            kept[b] = cid
    return ([(kept.get(b), f) for b, f in enumerate(new)],
            [cid for a, (cid, _) in enumerate(old) if a not in taken])


groups = st.lists(st.frozensets(st.integers(0, 12), min_size=1, max_size=7), max_size=8)


@settings(max_examples=300, deadline=None)
@given(groups, groups)
def test_matching_equals_the_greedy_over_every_pair(
        olds: list[frozenset[int]], new: list[frozenset[int]]) -> None:
    old = [(f"c{k}", members) for k, members in enumerate(olds)]
    assert social.match_coalitions(old, new + olds[:2]) == _greedy_by_jaccard(old, new + olds[:2])


def test_metrics_tension_and_cooperation() -> None:
    off = np.array([0.4, -0.2, 0.2, 0.0, 0.6, -0.4])  # the bonds between different citizens
    up = off[off > 0]
    m = social.BondSums(off.size, float(off.sum()), float((off * off).sum()),
                        float(up.sum()), up.size).metrics()
    assert m["tension"] == pytest.approx(off.var())
    assert m["cooperation"] == pytest.approx(0.4)


@pytest.mark.parametrize("n", [1, 2, 7, 130, 600])
def test_the_sums_over_the_initial_bonds_are_those_of_the_dense_matrix(n: int) -> None:
    personality = np.random.default_rng(n).uniform(0.0, 1.0, (n, 7))
    personality[n // 2] = 0.5  # a citizen at the centre: no initial bond at all
    off = initial_relationships(personality)[~np.eye(n, dtype=bool)]
    sums = social.BondSums.of_initial(PairValues(n, unit_personalities(personality)))
    assert (sums.count, sums.positives) == (off.size, int(np.count_nonzero(off > 0)))
    for got, expected in ((sums.total, off.sum()), (sums.squares, (off * off).sum()),
                          (sums.positive, off[off > 0].sum())):
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2])
def test_metrics_kept_by_moved_bonds_equal_the_whole_matrix(seed: int) -> None:
    flux = TownFlux("city:120", seed)
    for _ in range(6):
        flux.run(700)
        s = flux.state
        off = all_bonds(s)[~np.eye(s.n, dtype=bool)]
        m = flux.metrics()
        assert m["tension"] == pytest.approx(off.var(), rel=1e-9, abs=1e-15)
        assert m["cooperation"] == pytest.approx(off[off > 0].mean(), rel=1e-9)
        assert m["surplus"] == pytest.approx(s.surplus.sum())


def test_personalities_follow_archetype_biases_within_the_jitter() -> None:
    p = personality_for("Scholar", np.ones(7))
    assert p[1] == pytest.approx(0.5 + 0.30 + config.PERSONALITY_JITTER)
    flux = TownFlux("town", seed=11)
    for c, vec in zip(flux.citizens, flux.state.personality, strict=True):
        exact = personality_for(c.archetype, np.zeros(7))
        assert np.abs(vec - exact).max() <= config.PERSONALITY_JITTER + 1e-12


def test_initial_relationships_use_centred_similarity() -> None:
    flux = TownFlux("town", seed=11)
    rel = initial_relationships(flux.state.personality)
    assert np.allclose(np.diag(rel), 0)
    assert rel.max() <= 0.3 + 1e-12
    # Same archetype bonds, different archetypes less: centring makes them differ.
    bruno, marta, rosa = (flux.index[c] for c in ("bruno", "marta", "rosa"))
    assert rel[bruno, marta] > 0.2 > rel[bruno, rosa]


def test_the_default_town_has_two_to_six_coalitions_after_one_day() -> None:
    flux = TownFlux("town", seed=7)
    flux.run(config.DAY_TICKS)
    sizes = [len(c.members) for c in flux.state.coalitions]
    assert 2 <= len(sizes) <= 6
    assert max(sizes) <= len(flux.citizens) // 2


def test_across_seeds_coalitions_after_one_day_stay_meaningful() -> None:
    counts, largest = [], []
    for seed in range(1, 9):
        flux = TownFlux("town", seed=seed)
        flux.run(config.DAY_TICKS)
        counts.append(len(flux.state.coalitions))
        largest.append(max((len(c.members) for c in flux.state.coalitions), default=0))
    assert 1.5 <= float(np.mean(counts)) <= 6
    assert max(largest) <= 12


def test_coalition_events_name_formed_and_dissolved_coalitions() -> None:
    flux = TownFlux("town", seed=7)
    events = flux.run(3 * config.DAY_TICKS)
    formed = [e for e in events if e.op == "coalition_formed"]
    assert formed and all(e.tick % config.PHASE_TICKS == 0 for e in formed)
    ids = {c.id for c in flux.state.coalitions}
    announced = {e.metadata["coalition"] for e in formed}
    dissolved = {e.metadata["coalition"] for e in events if e.op == "coalition_dissolved"}
    assert ids <= announced and not ids & dissolved


def test_pca_separates_archetypes_and_keeps_its_orientation() -> None:
    flux = TownFlux("town", seed=7)
    points = social.pca_2d(flux.state.personality)
    assert points.shape == (25, 2)
    by_type: dict[str, list[np.ndarray]] = {}
    for c, pt in zip(flux.citizens, points, strict=True):
        by_type.setdefault(c.archetype, []).append(pt)
    centres = {a: np.mean(pts, axis=0) for a, pts in by_type.items()}
    spread = max(float(np.linalg.norm(p - centres[a])) for a, pts in by_type.items()
                 for p in pts)
    gaps = [float(np.linalg.norm(centres[a] - centres[b])) for a in centres for b in centres
            if a < b]
    assert min(gaps) > spread  # each archetype is its own cluster in the plane
    nudged = flux.state.personality.copy()
    nudged[0, 0] += 0.01
    moved = social.pca_2d(nudged)
    assert np.abs(moved - points).max() < 0.05


def test_pca_from_the_scatter_matrix_equals_the_svd_projection() -> None:
    personality = np.random.default_rng(5).random((300, 7))
    centred = personality - personality.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    reference = centred @ vt[:2].T
    got = social.pca_2d(personality)
    for k in range(2):  # an axis is defined up to its sign
        sign = np.sign(got[:, k] @ reference[:, k])
        np.testing.assert_allclose(got[:, k], sign * reference[:, k], atol=1e-9)


def triangle_communities(adj: social.Graph) -> list[frozenset[int]]:
    """The reference: list every triangle, glue those sharing an edge (slow, plainly right)."""
    triangles = [(i, j, m) for i in adj for j in adj[i] if j > i
                 for m in adj[i] & adj[j] if m > j]
    by_edge: dict[tuple[int, int], list[int]] = {}
    for t, (i, j, m) in enumerate(triangles):
        for e in ((i, j), (i, m), (j, m)):
            by_edge.setdefault(e, []).append(t)
    group = list(range(len(triangles)))

    def root(t: int) -> int:
        while group[t] != t:
            t = group[t]
        return t

    for ts in by_edge.values():
        for t in ts[1:]:
            group[root(t)] = root(ts[0])
    found: dict[int, set[int]] = {}
    for t, tri in enumerate(triangles):
        found.setdefault(root(t), set()).update(tri)
    return sorted((frozenset(c) for c in found.values()), key=lambda c: (-len(c), sorted(c)))


@pytest.mark.parametrize("density", [0.05, 0.15, 0.4, 0.9])
def test_clique_percolation_equals_listing_every_triangle(density: float) -> None:
    rng = np.random.default_rng(int(density * 100))
    for _ in range(20):
        n = int(rng.integers(3, 40))
        edges = [(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < density]
        adj = graph(n, edges)
        expected = triangle_communities(adj)
        assert social.clique_percolation(adj) == expected
        if adj:  # each triangle listed and glued (a sparse small graph's way)
            assert social.glued_triangles(adj) == expected
        a = np.array([e[0] for e in edges], dtype=np.int64)
        b = np.array([e[1] for e in edges], dtype=np.int64)
        assert social.adjacency(a, b) == adj  # edge by edge, or sorted in arrays (many)
        if a.size:  # in arrays, or as sets when dense
            assert social.in_arrays(a, b)[0] == social.communities(a, b) == expected
        shuffled = rng.permutation(a.size)  # the edges in any order
        assert social.communities(a[shuffled], b[shuffled]) == expected
        if a.size:
            assert social.in_arrays(a[shuffled], b[shuffled])[0] == expected


def test_communities_in_arrays_equal_the_walk_over_sets_on_a_city_sized_graph() -> None:
    rng = np.random.default_rng(11)
    n = 600
    near = rng.integers(0, n, size=(3000, 2))  # neighbours mostly close by: many triangles
    near[:, 1] = (near[:, 0] + rng.integers(1, 12, size=3000)) % n
    crowd = [(p, q) for p in range(40) for q in range(p + 1, 40)]  # and one dense crowd
    codes = {min(p, q) * n + max(p, q) for p, q in [*near.tolist(), *crowd] if p != q}
    a, b = np.divmod(np.array(sorted(codes), dtype=np.int64), n)
    adj = social.adjacency(a, b)
    expected = triangle_communities(adj)
    assert len(expected) > 3 and social.communities(a, b) == expected
    assert social.clique_percolation(adj) == expected
    dense = np.array([p for p, _ in crowd]), np.array([q for _, q in crowd])
    assert social.communities(*dense) == [frozenset(range(40))]  # walked as sets


def _codes(n: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    return np.array(sorted({min(p, q) * n + max(p, q) for p, q in pairs if p != q}),
                    dtype=np.int64)


@settings(max_examples=300, deadline=None)
@given(st.integers(4, 40), st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)),
                                    min_size=1, max_size=160),
       st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)), max_size=20),
       st.lists(st.integers(0, 159), max_size=3))
def test_communities_grown_by_added_edges_are_those_found_afresh(
        n: int, pairs: list[tuple[int, int]], more: list[tuple[int, int]],
        gone: list[int]) -> None:
    """Edges added (and now and then one taken away): the communities grown from those found
    before (a city's eve) are the communities of the new edges found from scratch; each edge's
    label names the community holding both its ends."""
    pairs = [(p % n, q % n) for p, q in pairs]
    before = _codes(n, pairs)
    if not before.size:
        return
    a, b = np.divmod(before, n)
    found, labels = social.in_arrays(a, b)
    assert labels is not None and found == social.communities(a, b)
    for k, x, y in zip(labels.tolist(), a.tolist(), b.tolist(), strict=True):
        assert k < 0 or {x, y} <= found[k]
    kept = [pair for k, pair in enumerate(pairs) if k not in set(gone)]
    after = _codes(n, kept + [(p % n, q % n) for p, q in more])
    expected = social.communities(*np.divmod(after, n))
    assert social.grown_communities(before, found, labels, after, n) == expected
    assert social.grown_communities(before, found, None, after, n) == expected


def test_communities_grown_on_a_city_sized_graph_are_those_found_afresh() -> None:
    rng = np.random.default_rng(5)
    n = 600
    near = rng.integers(0, n, size=(3000, 2))  # neighbours mostly close by: many triangles
    near[:, 1] = (near[:, 0] + rng.integers(1, 12, size=3000)) % n
    before = _codes(n, [(int(p), int(q)) for p, q in near])
    found, labels = social.labelled_communities(*np.divmod(before, n))
    assert labels is not None  # found in arrays
    for changes in (1, 5, 40, 400):
        added = rng.integers(0, n, size=(changes, 2))
        added[:, 1] = (added[:, 0] + rng.integers(1, 12, size=changes)) % n
        after = np.union1d(before, _codes(n, [(int(p), int(q)) for p, q in added]))
        grown = social.grown_communities(before, found, labels, after, n)
        assert grown == social.communities(*np.divmod(after, n))
    assert social.grown_communities(before, found, labels, before, n) is found  # none added
