"""Social structure: coalitions (k-clique percolation), EigenTrust reputation and town metrics.

Functions over arrays, vectorised where the cost grows with citizens. Pure: never imports
pygame or the view.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from game import config
from game.sim.bonds import PairValues

FloatArray = npt.NDArray[np.float64]


Graph = dict[int, set[int]]  # citizen → the citizens it shares an edge with
IntArray = npt.NDArray[np.int64]
# No initial bond is stronger than this: 0.3 × a cosine, which rounding keeps within 1 + 1e−15.
INITIAL_CEILING: Final = config.INITIAL_REL_SCALE * (1.0 + 1e-9)
# A mean of two bonds at least x has one of them at least x − this (rounding included).
CANDIDATE_MARGIN: Final = 1e-9
# Past this many neighbour pairs an edge, coalitions are found walking sets, not listing pairs.
DENSE_PAIRS_PER_EDGE: Final = 16
FEW_EDGES: Final = 256  # and up to this many edges, as sets: the arrays cost more than they save
BLOCK_CELLS: Final = 1 << 20  # bonds in a block of rows when a whole matrix is read (8 MB)
CACHED_CELLS: Final = 1 << 16  # bonds in a block summed pass after pass while it stays in the cache
# Below this many citizens, reputation and a gossip subject go over them in plain floats.
FEW_CITIZENS: Final = 128


def affinity_edges(bonds: PairValues, keep: Iterable[frozenset[int]] = (),
                   threshold: float = config.COALITION_AFFINITY,
                   hysteresis: float = config.COALITION_HYSTERESIS,
                   pairs: tuple[IntArray, IntArray] | None = None
                   ) -> tuple[IntArray, IntArray]:
    """Edges (a, b), a < b, in row-major order, join two citizens whose mutual affinity (mean
    of both directions) ≥ threshold.

    Inside the coalitions in `keep` a bond holds down to threshold − hysteresis, so a coalition
    does not dissolve and re-form each time an affinity wobbles around the threshold.

    An initial bond is at most 0.3 (≤ threshold − hysteresis): a mean of two bonds reaches that
    only if one of them moved to about that or more, or both are initial bonds that strong. So
    only such moved bonds, and the pairs whose initial bond is that strong (found once), are
    looked at. `pairs` (i, j) are looked at instead when given (a dense reference gives every
    pair).
    """
    n = bonds.n
    if pairs is None:
        lowest = threshold - hysteresis - CANDIDATE_MARGIN
        codes, values = bonds.stored_codes()
        strong = np.flatnonzero(values >= lowest)  # (a mask indexes five times slower)
        i, j = np.divmod(codes.take(strong), n)
        held = values.take(strong)
        x, y = bonds.strong_bases(lowest)
        i, j = np.concatenate([i, x]), np.concatenate([j, y])
        known = np.concatenate([np.ones(held.size, dtype=bool), np.zeros(x.size, dtype=bool)])
        held = np.concatenate([held, np.zeros(x.size)])
    else:
        i, j = pairs
        known, held = np.zeros(i.size, dtype=bool), np.zeros(i.size)
    # Each pair once, with the bonds of it already in hand: a moved bond strong both ways (most
    # of them) is read from the store once, not searched for again.
    ends = np.flatnonzero(i != j)
    i, j, known, held = i.take(ends), j.take(ends), known.take(ends), held.take(ends)
    code = np.minimum(i, j) * n + np.maximum(i, j)  # the pair, either way round
    order = np.argsort(code * 2 + (i > j))  # no two alike: any sort gives this order
    code, forward = code.take(order), (i < j).take(order)
    known, held = known.take(order), held.take(order)
    fresh = np.ones(code.size, dtype=bool)
    fresh[1:] = code[1:] != code[:-1]
    a, b = np.divmod(code.take(np.flatnonzero(fresh)), n)
    pair = np.cumsum(fresh) - 1
    there = [np.zeros(a.size, dtype=bool), np.zeros(a.size, dtype=bool)]  # a→b, b→a in hand
    bond = [np.empty(a.size), np.empty(a.size)]
    for way, ahead in enumerate((forward, ~forward)):
        got = np.flatnonzero(known & ahead)
        there[way][pair.take(got)] = True
        bond[way][pair.take(got)] = held.take(got)
    for way, (p, q) in enumerate(((a, b), (b, a))):
        want = np.flatnonzero(~there[way])
        bond[way][want] = bonds.gather(p.take(want), q.take(want))
    edge = np.flatnonzero(_joined(a, b, bond[0], bond[1], keep, threshold, hysteresis))
    return a.take(edge), b.take(edge)


def dense_affinity_edges(bonds: PairValues, keep: Iterable[frozenset[int]] = (),
                         threshold: float = config.COALITION_AFFINITY,
                         hysteresis: float = config.COALITION_HYSTERESIS
                         ) -> tuple[IntArray, IntArray]:
    """`affinity_edges` of a small town: every pair of its whole bond matrix looked at (a few
    hundred, read at once, cost less than finding the few that may join)."""
    matrix = bonds.rows(0, bonds.n).ravel()
    a, b, forward, back = _pairs(bonds.n)
    edge = np.flatnonzero(_joined(a, b, matrix.take(forward), matrix.take(back), keep,
                                  threshold, hysteresis))
    return a.take(edge), b.take(edge)


@functools.lru_cache(maxsize=4)
def _pairs(n: int) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Every pair (a, b), a < b, of n citizens, in row-major order, and where a→b and b→a sit
    in the n × n matrix read flat (read-only)."""
    a, b = np.triu_indices(n, 1)
    out = a, b, a * n + b, b * n + a
    for part in out:
        part.flags.writeable = False
    return out


def mend_edges(edges: IntArray, bonds: PairValues, moved: IntArray,
               keep: Iterable[frozenset[int]] = (),
               threshold: float = config.COALITION_AFFINITY,
               hysteresis: float = config.COALITION_HYSTERESIS) -> IntArray:
    """The affinity edges among `bonds`, from `edges` (codes a·n + b, a < b, ascending:
    `affinity_edges` of bonds that differ from these only in directed pairs whose codes
    i·n + j are among `moved`, repeats allowed): the pairs moved are looked at again, the rest
    kept. The same codes, in the same order, as `affinity_edges(bonds, keep, …)` gives."""
    n = bonds.n
    i, j = np.divmod(moved, n)
    ends = np.flatnonzero(i != j)
    pairs = _distinct(np.minimum(i, j).take(ends) * n + np.maximum(i, j).take(ends))
    a, b = np.divmod(pairs, n)
    joined = _joined(a, b, bonds.gather(a, b), bonds.gather(b, a), keep, threshold, hysteresis)
    kept = edges.take(np.flatnonzero(~_among(edges, pairs)))
    mended: IntArray = np.sort(np.concatenate([kept, pairs.take(np.flatnonzero(joined))]))
    return mended


def _joined(a: IntArray, b: IntArray, forward: FloatArray, back: FloatArray,
            keep: Iterable[frozenset[int]], threshold: float, hysteresis: float
            ) -> npt.NDArray[np.bool_]:
    """Which pairs (a[k], b[k]), a < b, an edge joins: their mean affinity (`forward` a→b,
    `back` b→a) reaches the threshold, or, inside one of the groups in `keep`, the threshold
    less the hysteresis."""
    mutual = (forward + back) / 2.0
    joined: npt.NDArray[np.bool_] = mutual >= threshold
    # Only a pair between the two thresholds is looked for inside a group: a few.
    held = np.flatnonzero(~joined & (mutual >= threshold - hysteresis))
    if held.size:
        joined[held] = _within(a.take(held), b.take(held), keep)
    return joined


def adjacency(a: IntArray, b: IntArray) -> Graph:
    """The graph of the edges a–b: a few edges added one by one; more, both ends sorted
    together by citizen, then one set built from each citizen's run (a set.add an edge end
    took most of a city's phase end)."""
    if a.size <= FEW_EDGES:
        graph: Graph = {}
        for i, j in zip(a.tolist(), b.tolist(), strict=True):
            graph.setdefault(i, set()).add(j)
            graph.setdefault(j, set()).add(i)
        return graph
    ends = np.concatenate([a, b])
    order = np.argsort(ends, kind="stable")
    near = np.concatenate([b, a])[order].tolist()
    ends = ends[order]
    starts = np.flatnonzero(np.diff(ends, prepend=-1)).tolist()
    bounds = [*starts, len(near)]
    citizens = ends[starts].tolist() if starts else []
    return {c: set(near[bounds[k]:bounds[k + 1]]) for k, c in enumerate(citizens)}


def _within(a: IntArray, b: IntArray, groups: Iterable[frozenset[int]]
            ) -> npt.NDArray[np.bool_]:
    """Which pairs (a[k], b[k]) both belong to one of the groups. Most citizens belong to one
    group or none: a pair of those is inside when both carry the same group's label; a pair
    with a citizen of several groups (a bridge) is looked up among the memberships."""
    groups = list(groups)
    if a.size * len(groups) <= FEW_EDGES:  # a few pairs: each looked for in each group
        return np.array([any(x in group and y in group for group in groups)
                         for x, y in zip(a.tolist(), b.tolist(), strict=True)], dtype=bool)
    sizes: list[int] = []
    members: list[int] = []
    for group in groups:
        sizes.append(len(group))
        members.extend(group)
    citizen = np.array(members, dtype=np.int64)
    label = np.repeat(np.arange(len(sizes)), sizes)
    n = max(int(a.max(initial=-1)), int(b.max(initial=-1)), int(citizen.max(initial=-1))) + 1
    held = np.bincount(citizen, minlength=n)  # how many groups hold each citizen
    only = np.full(n, -1)
    once = held[citizen] == 1
    only[citizen[once]] = label[once]
    inside: npt.NDArray[np.bool_] = (only[a] == only[b]) & (only[a] >= 0)
    bridged = np.flatnonzero((held[a] > 1) | (held[b] > 1))
    if bridged.size:
        inside[bridged] = _among_memberships(a[bridged], b[bridged], citizen, label,
                                             len(sizes))
    return inside


def _among_memberships(a: IntArray, b: IntArray, citizen: IntArray, label: IntArray,
                       count: int) -> npt.NDArray[np.bool_]:
    """Which pairs (a[k], b[k]) share a group, given each membership (citizen, its group's
    label) of `count` groups: each of a's memberships is looked for as b's, in the sorted codes
    citizen · count + label."""
    order = np.argsort(citizen, kind="stable")
    citizen, label = citizen[order], label[order]
    start = np.searchsorted(citizen, a)
    held = np.searchsorted(citizen, a, side="right") - start  # a's memberships
    pair = np.repeat(np.arange(a.size), held)
    at = np.repeat(start, held) + np.arange(pair.size) - np.repeat(np.cumsum(held) - held, held)
    found = _among(b[pair] * count + label[at], np.sort(citizen * count + label))
    inside = np.zeros(a.size, dtype=bool)
    inside[pair[found]] = True
    return inside


def _distinct(codes: IntArray) -> IntArray:
    """Sorted, without repeats (a sort beats numpy's hashing unique here by far)."""
    codes = np.sort(codes)
    keep = np.ones(codes.size, dtype=bool)
    keep[1:] = codes[1:] != codes[:-1]
    out: IntArray = codes.take(np.flatnonzero(keep))
    return out


def _among(codes: IntArray, distinct: IntArray) -> npt.NDArray[np.bool_]:
    """Which codes are in `distinct` (sorted, without repeats)."""
    if not distinct.size:
        return np.zeros(codes.size, dtype=bool)
    at = np.minimum(np.searchsorted(distinct, codes), distinct.size - 1)
    found: npt.NDArray[np.bool_] = distinct[at] == codes
    return found


def clique_percolation(graph: Graph, k: int = config.COALITION_K) -> list[frozenset[int]]:
    """Communities of k-clique percolation: unions of k-cliques chained by k−1 shared nodes.

    For k = 3 two triangles are adjacent iff they share an edge. Around one citizen i, the
    edges (i, j) and (i, m) lie in one chain of triangles exactly when j and m are connected
    among i's neighbours: each such neighbourhood component is a group of edges. An edge i–j
    in a triangle lies in one group around i and one around j, so a union-find over the groups,
    joining those two for every such edge, finds the communities without listing every
    triangle (a festival's crowd bonds hundreds of citizens to each other: that is millions).
    """
    if k != 3:
        raise ValueError("only k = 3 is implemented")
    parent: list[int] = []  # union-find over the neighbourhood groups
    around: list[tuple[int, list[int]]] = []  # group → (citizen, the neighbours in it)
    group_of: dict[int, int] = {}  # edge i–j as i·stride + j → its group around i
    stride = max(graph, default=0) + 1
    for i, near in graph.items():
        if len(near) < 2:
            continue
        for component in _components(graph, near):
            group_of.update(dict.fromkeys([i * stride + j for j in component], len(parent)))
            parent.append(len(parent))
            around.append((i, component))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for code, group in group_of.items():
        i, j = divmod(code, stride)
        if i < j:  # the edge's group around j holds i: they share a triangle
            a, b = find(group), find(group_of[j * stride + i])
            if a != b:
                parent[max(a, b)] = min(a, b)
    communities: dict[int, set[int]] = {}
    for group, (i, component) in enumerate(around):
        members = communities.setdefault(find(group), {i})
        members.add(i)
        members.update(component)
    return in_order(frozenset(c) for c in communities.values())


def in_order(found: Iterable[frozenset[int]]) -> list[frozenset[int]]:
    """Communities in the order every way of finding them gives: the largest first, then by
    their citizens ascending."""
    return sorted(found, key=lambda c: (-len(c), sorted(c)))


def communities(a: IntArray, b: IntArray) -> list[frozenset[int]]:
    """What `clique_percolation` finds in the graph of the edges a–b (a < b, no repeats)."""
    return labelled_communities(a, b)[0]


def labelled_communities(a: IntArray, b: IntArray
                         ) -> tuple[list[frozenset[int]], IntArray | None]:
    """`communities` of the edges a–b, and, when found in arrays (`in_arrays`), each edge's
    label: the index of the community its triangles join it to, −1 if it is in none. With few
    edges: their triangles glued (`glued_triangles`), or walked as sets when they are dense;
    no labels."""
    if not a.size:
        return [], None
    if a.size > FEW_EDGES:
        return in_arrays(a, b)
    graph = adjacency(a, b)
    if sum(len(near) * len(near) for near in graph.values()) > DENSE_PAIRS_PER_EDGE * a.size:
        return clique_percolation(graph), None
    return glued_triangles(graph), None


def grown_communities(before: IntArray, found: list[frozenset[int]], labels: IntArray | None,
                      edges: IntArray, n: int) -> list[frozenset[int]]:
    """`communities` of `edges` (codes a·n + b, a < b, ascending), given those `found` among
    the edges `before` and the edges' `labels` (`labelled_communities`).

    Edges only added (a city's bonds, in the few ticks before a phase end, only grow): every
    triangle they make holds one of them, and its third citizen is a neighbour of both its
    ends; each such triangle joins its three edges, and with them the communities their labels
    name, into one. The communities no new triangle reaches stand. Edges taken away, or no
    labels: found afresh."""
    if np.array_equal(before, edges):
        return found
    kept = _among(before, edges)
    if labels is None or int(np.add.reduce(kept)) != before.size:
        return communities(*np.divmod(edges, n))
    added_a, added_b = np.divmod(edges.take(np.flatnonzero(~_among(edges, before))), n)
    a, b = np.divmod(edges, n)
    ends = np.zeros(n, dtype=bool)
    ends[added_a] = True
    ends[added_b] = True
    touching = np.flatnonzero(ends.take(a) | ends.take(b))
    graph = adjacency(a.take(touching), b.take(touching))
    sides: list[int] = []
    for u, v in zip(added_a.tolist(), added_b.tolist(), strict=True):
        for w in sorted(graph[u] & graph[v]):
            sides += [u * n + v, min(u, w) * n + max(u, w), min(v, w) * n + max(v, w)]
    if not sides:
        return found
    codes = np.array(sides, dtype=np.int64)
    at = np.minimum(np.searchsorted(before, codes), before.size - 1)
    label = np.where(before.take(at) == codes, labels.take(at), -1)
    # An edge labelled k stands for community k (item −1 − k); any other for itself (its code).
    return _joined_by(found, np.where(label >= 0, -1 - label, codes).tolist(), n)


def _joined_by(found: list[frozenset[int]], items: list[int], n: int
               ) -> list[frozenset[int]]:
    """`found` with the items of each triangle (three in a row: −1 − k for community k, else
    an edge's code a·n + b) joined into one community."""
    joined: list[frozenset[int]] = []
    gone: set[int] = set()
    for group in _glued(items):
        members: set[int] = set()
        for item in group:
            if item < 0:
                members |= found[-1 - item]
                gone.add(-1 - item)
            else:
                members.update(divmod(item, n))
        joined.append(frozenset(members))
    return in_order([c for k, c in enumerate(found) if k not in gone] + joined)


def _glued(items: list[int]) -> list[list[int]]:
    """The items of each triangle (three in a row) joined in a union-find: the sets so made."""
    parent: dict[int, int] = {}  # item → another of its set

    def find(x: int) -> int:
        while (up := parent[x]) != x:
            parent[x] = parent[up]
            x = up
        return x

    for k in range(0, len(items), 3):
        sides = items[k:k + 3]
        for side in sides:
            parent.setdefault(side, side)
        roots = [find(side) for side in sides]
        low = min(roots)
        for root in roots:
            parent[root] = low
    groups: dict[int, list[int]] = {}
    for item in parent:
        groups.setdefault(find(item), []).append(item)
    return list(groups.values())


def glued_triangles(graph: Graph) -> list[frozenset[int]]:
    """`clique_percolation` of a sparse graph: each triangle listed once (its two ends' shared
    neighbours), its three edges joined (`_glued`); each set of edges so joined gives a
    community, their citizens. A dense graph holds far more triangles than edges: walked as
    sets (`clique_percolation`) instead."""
    stride = max(graph) + 1
    sides: list[int] = []  # each triangle's edges i·stride + j (i < j)
    for i, near in graph.items():
        for j in near:
            if j > i:
                for m in near & graph[j]:
                    if m > j:
                        sides += [i * stride + j, i * stride + m, j * stride + m]
    return in_order(frozenset(c for side in group for c in divmod(side, stride))
                    for group in _glued(sides))


def in_arrays(a: IntArray, b: IntArray) -> tuple[list[frozenset[int]], IntArray | None]:
    """`labelled_communities` found in arrays: every triangle is listed once, from its citizen
    of fewest neighbours (the two edges it has toward citizens of more close it) and joins its
    three edges; each set of edges so joined gives a community, their citizens. A dense graph
    (a festival's crowd holds millions of triangles) is walked as sets instead, which never
    lists them (no labels)."""
    n = int(max(a.max(), b.max())) + 1
    code = a * n + b
    order = np.argsort(code)  # the edges by code (no two alike: any sort gives this order)
    codes = code.take(order)
    rank = (np.bincount(a, minlength=n) + np.bincount(b, minlength=n)) * n + np.arange(n)
    low = rank.take(a) < rank.take(b)
    v, x = np.where(low, a, b), np.where(low, b, a)  # each edge from its end of lower rank
    by = np.argsort(v)  # the edges by that end
    v, x = v.take(by), x.take(by)
    later = np.cumsum(np.bincount(v, minlength=n)).take(v) - np.arange(v.size) - 1
    pairs = int(later.sum())
    if pairs > DENSE_PAIRS_PER_EDGE * a.size:
        return clique_percolation(adjacency(a, b)), None
    first = np.repeat(np.arange(v.size), later)
    second = first + 1 + np.arange(pairs) - np.repeat(np.cumsum(later) - later, later)
    y, z = x.take(first), x.take(second)
    wedge = np.minimum(y, z) * n + np.maximum(y, z)
    at = _positions(codes, wedge)
    closed = np.flatnonzero(codes.take(at) == wedge)  # the third edge is there: a triangle
    sides = [by.take(first.take(closed)), by.take(second.take(closed)),
             order.take(at.take(closed))]  # its three edges
    root = _roots(a.size, np.concatenate([sides[0], sides[0]]), np.concatenate(sides[1:]))
    held = np.zeros(a.size, dtype=bool)  # the edges some triangle holds
    for side in sides:
        held[side] = True
    used = np.flatnonzero(held)
    labels = np.full(a.size, -1, dtype=np.int64)
    if not used.size:
        return [], labels
    tops = root.take(used) * n
    found = _distinct(np.concatenate([tops + a.take(used), tops + b.take(used)]))
    group, member = np.divmod(found, n)
    starts = np.flatnonzero(np.diff(group)) + 1
    bounds = [0, *starts.tolist(), found.size]
    listed = member.tolist()  # each community's citizens ascending: the order sorts by them
    parts = [listed[lo:hi] for lo, hi in itertools.pairwise(bounds)]
    ranked = sorted(range(len(parts)), key=lambda k: (-len(parts[k]), parts[k]))
    rank = np.empty(len(ranked), dtype=np.int64)
    rank[ranked] = np.arange(len(ranked))
    heads = group.take(np.concatenate([np.zeros(1, dtype=np.int64), starts]))  # their roots
    labels[used] = rank.take(np.searchsorted(heads, root.take(used)))
    return [frozenset(parts[k]) for k in ranked], labels


def _positions(distinct: IntArray, codes: IntArray) -> IntArray:
    """Where each code is, or would be, in `distinct` (sorted, without repeats; the last place
    for a code past them all): looked up in ascending order, each search starting where the
    last one ended, a fifth of the time in the codes' own order."""
    order = np.argsort(codes)
    at = np.empty_like(order)
    at[order] = np.minimum(np.searchsorted(distinct, codes.take(order)), distinct.size - 1)
    return at


def _roots(size: int, u: IntArray, w: IntArray) -> IntArray:
    """For items 0..size−1 joined in pairs (u[k], w[k]): the smallest item of each one's
    component. Each round hooks the larger of two roots under the smaller, then every item
    climbs to its root."""
    parent = np.arange(size)
    while True:
        pu, pw = parent.take(u), parent.take(w)
        differ = np.flatnonzero(pu != pw)
        if not differ.size:
            return parent
        pu, pw = pu.take(differ), pw.take(differ)
        np.minimum.at(parent, np.maximum(pu, pw), np.minimum(pu, pw))
        while not np.array_equal(up := parent[parent], parent):
            parent = up


def _components(graph: Graph, among: set[int]) -> list[list[int]]:
    """The connected components of the graph restricted to `among`, those of two or more."""
    remaining = set(among)
    found = []
    for start in among:
        if start not in remaining:
            continue
        remaining.discard(start)
        component, frontier = [start], [start]
        while frontier:
            reach = graph[frontier.pop()] & remaining
            if reach:
                remaining -= reach
                component.extend(reach)
                frontier.extend(reach)
        if len(component) >= 2:
            found.append(component)
    return found


def bridges(coalitions: list[frozenset[int]]) -> set[int]:
    """Citizens who belong to two or more coalitions."""
    seen: set[int] = set()
    twice: set[int] = set()
    for c in coalitions:
        twice |= seen & c
        seen |= c
    return twice


def match_coalitions(old: list[tuple[str, frozenset[int]]], new: list[frozenset[int]],
                     min_jaccard: float = config.COALITION_MATCH_JACCARD
                     ) -> tuple[list[tuple[str | None, frozenset[int]]], list[str]]:
    """Pair each new community with the old coalition it continues (greedy by Jaccard).

    Returns (new communities with the id they keep or None if newly formed, ids dissolved).
    """
    # A coalition found again unchanged (most of them) is a Jaccard of 1, taken before any
    # other pair in the greedy order: matched at once, and left out of the pairs.
    same: dict[frozenset[int], int] = {}
    for b, fresh in enumerate(new):
        same.setdefault(fresh, b)
    taken_old: set[int] = set()
    kept: dict[int, str] = {}
    for a, (cid, members) in enumerate(old):
        b = same.get(members, -1)
        if b >= 0 and b not in kept:
            taken_old.add(a)
            kept[b] = cid
    holding: dict[int, list[int]] = {}  # citizen → the new communities left holding it
    for k, fresh in enumerate(new):
        if k not in kept:
            for citizen in fresh:
                holding.setdefault(citizen, []).append(k)
    pairs = []
    for a, (cid, members) in enumerate(old):
        if a in taken_old:
            continue
        # Only communities sharing a member can be alike: Jaccard 0 is never enough.
        for b in sorted({k for citizen in members for k in holding.get(citizen, ())}):
            fresh = new[b]
            shared = len(members & fresh)  # and the union's size without building it
            jac = shared / (len(members) + len(fresh) - shared)
            if jac >= min_jaccard:
                pairs.append((-jac, a, b, cid))
    pairs.sort()
    for _, a, b, cid in pairs:
        if a not in taken_old and b not in kept:
            taken_old.add(a)
            kept[b] = cid
    matched = [(kept.get(b), fresh) for b, fresh in enumerate(new)]
    dissolved = [cid for a, (cid, _) in enumerate(old) if a not in taken_old]
    return matched, dissolved


def eigentrust(n: int, src: IntArray, dst: IntArray, counts: FloatArray,
               alpha: float = config.EIGENTRUST_ALPHA, max_iter: int = config.EIGENTRUST_MAX_ITER,
               tol: float = config.EIGENTRUST_TOL) -> FloatArray:
    """EigenTrust over n citizens: t = (1 − α) Cᵀ t + α p with uniform pre-trust p; scores sum
    to 1. The interaction outcomes are given on edges (src → dst, in row-major order).

    C is local trust: each row of positive interaction outcomes normalised to sum to 1; a
    citizen who trusts nobody yet defers to the pre-trust. A town of fewer than FEW_CITIZENS
    takes the same steps in plain floats (`eigentrust_few`).
    """
    weight, deferring = local_trust(n, src, counts)
    if n < FEW_CITIZENS:
        return eigentrust_few(n, src, dst, weight, deferring.tolist(), alpha, max_iter, tol)
    pre = np.full(n, 1.0 / n)
    kept, pretrust = 1.0 - alpha, alpha * pre
    t = pre.copy()
    flow, change = np.empty(src.size), np.empty(n)
    for _ in range(max_iter):
        spread = _spread(n, src, dst, weight, t, flow)
        # (np.add.reduce and np.maximum.reduce: what `sum` and `max` call, without their
        # Python wrappers, twice an iteration.)
        if deferring.size:
            spread += float(np.add.reduce(t.take(deferring))) / n
        nxt = np.multiply(spread, kept, out=spread)
        nxt += pretrust
        nxt /= np.add.reduce(nxt)
        done = float(np.maximum.reduce(np.abs(np.subtract(nxt, t, out=change), out=change))) < tol
        t = nxt
        if done:
            break
    return t


def local_trust(n: int, src: IntArray, counts: FloatArray) -> tuple[FloatArray, IntArray]:
    """Each edge's share of its source's positive outcomes (C on the edges), and the citizens
    who trust nobody yet."""
    # Outcomes that are not positive weigh 0 where they stand (a sum plus 0.0 keeps its bits:
    # the same sums as leaving them out, without copying every edge but those).
    positive = counts > 0
    local = np.where(positive, counts, 0.0)
    sums = np.bincount(src, weights=local, minlength=n)
    weight = np.divide(local, sums[src], out=np.zeros_like(local), where=positive)
    return weight, np.flatnonzero(sums == 0)


def _spread(n: int, src: IntArray, dst: IntArray, weight: FloatArray, t: FloatArray,
            flow: FloatArray) -> FloatArray:
    """Cᵀt over the edges: bincount adds in the edges' order (no BLAS, whose order of summation
    depends on the CPU); those who trust nobody spread theirs evenly, apart (nobody defers in a
    town that has met: adding 0.0 to these sums keeps their bits)."""
    spread = np.bincount(dst, weights=np.multiply(weight, t.take(src), out=flow), minlength=n)
    return spread.astype(np.float64, copy=False)  # (ints when there is no edge at all)


def eigentrust_few(n: int, src: IntArray, dst: IntArray, weight: FloatArray,
                   deferring: list[int], alpha: float, max_iter: int, tol: float) -> FloatArray:
    """`eigentrust` from `local_trust`, with its bits: the same operations in the same order,
    over the edges in numpy and over the citizens in plain floats (a numpy call costs what
    some fifty plain steps do: a small town's reputation in 70 % of the instructions)."""
    kept, pretrust = 1.0 - alpha, alpha * (1.0 / n)
    t = [1.0 / n] * n
    flow = np.empty(src.size)
    for _ in range(max_iter):
        spread: list[float] = _spread(n, src, dst, weight, np.fromiter(t, np.float64, n),
                                      flow).tolist()
        if deferring:
            even = pairwise_sum([t[i] for i in deferring]) / n
            spread = [x + even for x in spread]
        nxt = [x * kept + pretrust for x in spread]
        total = pairwise_sum(nxt)
        change = 0.0
        for i in range(n):
            x = nxt[i] / total
            nxt[i] = x
            change = max(change, abs(x - t[i]))
        t = nxt
        if change < tol:
            break
    return np.fromiter(t, np.float64, n)


def pairwise_sum(values: list[float]) -> float:
    """`np.add.reduce` of these values as a float64 array, with its bits: 0.0 plus numpy's
    pairwise sum (up to 8 values one after another, up to 128 in eight running sums, more
    split in two at a multiple of 8)."""
    return 0.0 + _pairwise(values, 0, len(values))


def _pairwise(a: list[float], start: int, n: int) -> float:
    if n < 8:
        res = 0.0
        for i in range(start, start + n):
            res += a[i]
        return res
    if n <= 128:
        r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
        r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
        i = start + 8
        whole = start + n - n % 8
        while i < whole:
            r0 += a[i]
            r1 += a[i + 1]
            r2 += a[i + 2]
            r3 += a[i + 3]
            r4 += a[i + 4]
            r5 += a[i + 5]
            r6 += a[i + 6]
            r7 += a[i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        for k in range(i, start + n):
            res += a[k]
        return res
    half = n // 2
    half -= half % 8
    return _pairwise(a, start, half) + _pairwise(a, start + half, n - half)


@dataclass(frozen=True)
class BondSums:
    """Sums over the directed bonds between two different citizens, from which the town's
    tension (their variance) and cooperation (their mean where positive) follow. Kept for the
    initial bonds once, then moved by the bonds that changed: a metric costs what the town's
    interactions cost, not N²."""

    count: int
    total: float
    squares: float
    positive: float
    positives: int

    @staticmethod
    def of_initial(bonds: PairValues) -> BondSums:
        """The sums over the bonds' initial (base) values: each pair once, above the diagonal,
        counted for both directions (a pair's two initial bonds are the same products summed in
        the same order: the same bits), in blocks small enough to stay in the cache through
        every pass (a city:10000's 10⁸ bonds in a sixth of the time a block of rows at a time
        took)."""
        n, columns = bonds.n, bonds.columns
        total, squares, positive, positives = 0.0, 0.0, 0.0, 0
        if columns is None:  # every base value is 0
            return BondSums(n * (n - 1), total, squares, positive, positives)
        height = max(1, min(n, CACHED_CELLS // max(n, 1)))
        below = np.tril(np.ones((height, height), dtype=bool))  # a pair's second time, or itself
        room = np.empty(height * n)
        scratch = np.empty(height * n)
        for start in range(0, n, height):
            stop = min(start + height, n)
            h, w = stop - start, n - start
            rel, tmp = room[:h * w].reshape(h, w), scratch[:h * w].reshape(h, w)
            np.multiply(columns[0, start:stop, None], columns[0, None, start:], out=rel)
            for k in range(1, columns.shape[0]):
                rel += np.multiply(columns[k, start:stop, None], columns[k, None, start:],
                                   out=tmp)
            rel *= config.INITIAL_REL_SCALE
            rel[:, :h][below[:h, :h]] = 0.0
            total += float(rel.sum())
            squares += float(np.square(rel, out=tmp).sum())
            positive += float(np.maximum(rel, 0.0, out=tmp).sum())
            positives += int(np.count_nonzero(rel > 0.0))
        return BondSums(n * (n - 1), 2.0 * total, 2.0 * squares, 2.0 * positive, 2 * positives)

    def moved(self, before: FloatArray, after: FloatArray) -> BondSums:
        """These sums with the bonds `before` replaced by `after` (same pairs, same order)."""
        return BondSums(
            self.count, self.total + float((after - before).sum()),
            self.squares + float((after * after - before * before).sum()),
            self.positive + float(after.take(np.flatnonzero(after > 0)).sum()
                                  - before.take(np.flatnonzero(before > 0)).sum()),
            self.positives + int(np.count_nonzero(after > 0)) - int(np.count_nonzero(before > 0)))

    def metrics(self) -> dict[str, float]:
        """Tension (variance of the bonds) and cooperation (mean positive bond)."""
        if self.count == 0:
            return {"tension": 0.0, "cooperation": 0.0}
        mean = self.total / self.count
        return {"tension": max(0.0, self.squares / self.count - mean * mean),
                "cooperation": self.positive / self.positives if self.positives else 0.0}


def strongest_pairs(bonds: PairValues, count: int) -> list[tuple[int, int, float]]:
    """The `count` strongest mutual bonds (i < j), strongest first, the earlier pair first at a
    tie (row-major order).

    The moved bonds come first: when `count` of them are stronger than any initial bond can be,
    they are the answer. Otherwise the whole matrix is read, a block of rows at a time.
    """
    n = bonds.n
    i, j, _, _ = bonds.stored()
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    codes = _distinct((lo * n + hi)[lo != hi])
    a, b = np.divmod(codes, n)
    mutual = (bonds.gather(a, b) + bonds.gather(b, a)) / 2.0
    best = np.argsort(-mutual, kind="stable")[:count]
    if best.size == count and (count == 0 or mutual[best[-1]] > INITIAL_CEILING):
        return [(int(a[o]), int(b[o]), float(mutual[o])) for o in best]
    found: list[tuple[IntArray, IntArray, FloatArray]] = []
    for start, rows in bonds.row_blocks(max(1, BLOCK_CELLS // n)):
        stop = start + rows.shape[0]
        pair = (rows + bonds.rows(start, stop, transposed=True)) / 2.0
        above = np.arange(n)[None, :] > np.arange(start, stop)[:, None]
        x, y = np.nonzero(above)
        vals = pair[x, y]
        top = np.argsort(-vals, kind="stable")[:count]
        found.append((x[top] + start, y[top], vals[top]))
    xs, ys, vals = (np.concatenate(column) for column in zip(*found, strict=True))
    order = np.argsort(-vals, kind="stable")[:count]
    return [(int(xs[o]), int(ys[o]), float(vals[o])) for o in order]


def pca_2d(personality: FloatArray) -> FloatArray:
    """Project 7-D personalities to their two main axes (N × 2), with a stable orientation.

    Each axis is signed so its largest loading is positive, so the picture does not flip when
    a citizen drifts a little.
    """
    centred = personality - personality.mean(axis=0)
    if personality.shape[0] < 2 or not centred.any():
        return np.zeros((personality.shape[0], 2))
    # From the D×D scatter matrix, built and applied column by column: a multi-threaded BLAS
    # on an N×D matrix stalls a frame for tens of milliseconds on two cores.
    dims = centred.shape[1]
    scatter = np.empty((dims, dims))
    for a in range(dims):
        for b in range(a, dims):
            scatter[a, b] = scatter[b, a] = float((centred[:, a] * centred[:, b]).sum())
    _, vectors = np.linalg.eigh(scatter)  # ascending: the main axes are the last columns
    axes = vectors[:, ::-1][:, :2].T
    signs = np.sign(axes[np.arange(axes.shape[0]), np.abs(axes).argmax(axis=1)])
    axes = axes * signs[:, None]
    out = np.zeros((centred.shape[0], 2))
    for k in range(dims):
        out += centred[:, k, None] * axes[None, :, k]
    return out
